# Semantic FPN, 4 GPUs x 4 images, 160k iterations, GCP_M ResNet-50, ade20k.
_base_ = [
    'mmseg::sem_fpn/fpn_r50_4xb4-160k_ade20k-512x512.py',
    '../_base_/gcp_resnet50_seg_backbone.py'
]
# the GCP backbone brings its own init_cfg; mmseg's base sets a model-level
# ImageNet checkpoint for its ResNetV1c
model = dict(pretrained=None, backbone={{_base_.gcp_seg_backbone}})
