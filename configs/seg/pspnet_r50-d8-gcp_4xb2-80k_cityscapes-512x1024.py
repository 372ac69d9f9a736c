# PSPNet, GCP ResNet-50-d8, 4 GPUs x 2 images, 80k iterations, cityscapes.
# mmseg's config with the backbone type swapped. Stage 4 runs at stride 1
# (dilated), as in GCP pretraining, so GCP_D and GCP_M are one network here.
# GCP classifiers have the 7x7 stem, which GCPResNet builds in place of
# ResNetV1c's deep stem; mmseg's model-level checkpoint is ResNetV1c's.
_base_ = [
    'mmseg::pspnet/pspnet_r50-d8_4xb2-80k_cityscapes-512x1024.py',
    '../_base_/gcp_resnet50_weights.py'
]
model = dict(
    pretrained=None,
    backbone=dict(type='GCPResNet', init_cfg={{_base_.gcp_init_cfg}}))
