# DeepLabV3, MobileNetV2-d8, 4 GPUs x 2 images, 80k iterations, cityscapes:
# the GAP baseline, exactly mmseg's config.
_base_ = 'mmseg::mobilenet_v2/mobilenet-v2-d8_deeplabv3_4xb2-80k_cityscapes-512x1024.py'  # noqa: E501
