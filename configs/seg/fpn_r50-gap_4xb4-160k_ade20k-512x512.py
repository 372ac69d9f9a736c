# Semantic FPN, 4 GPUs x 4 images, 160k iterations, ResNet-50 (mmseg's
# ResNetV1c), ade20k: the GAP baseline, exactly mmseg's config.
_base_ = 'mmseg::sem_fpn/fpn_r50_4xb4-160k_ade20k-512x512.py'
