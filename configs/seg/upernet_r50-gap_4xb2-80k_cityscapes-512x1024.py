# UperNet, 4 GPUs x 2 images, 80k iterations, ResNet-50 (mmseg's ResNetV1c),
# cityscapes: the GAP baseline, exactly mmseg's config.
_base_ = 'mmseg::upernet/upernet_r50_4xb2-80k_cityscapes-512x1024.py'
