# PSPNet, ResNet-50-d8 (mmseg's deep-stem ResNetV1c, output stride 8), 4 GPUs
# x 4 images, 160k iterations, ade20k: the GAP baseline, exactly mmseg's
# config.
_base_ = 'mmseg::pspnet/pspnet_r50-d8_4xb4-160k_ade20k-512x512.py'  # noqa: E501
