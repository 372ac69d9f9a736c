# PSPNet, ResNet-50-d8 (mmseg's deep-stem ResNetV1c, output stride 8), 4 GPUs
# x 2 images, 80k iterations, cityscapes: the GAP baseline, exactly mmseg's
# config.
_base_ = 'mmseg::pspnet/pspnet_r50-d8_4xb2-80k_cityscapes-512x1024.py'  # noqa: E501
