# Semantic FPN, 4 GPUs x 2 images, 80k iterations, GCP_M ResNet-50, cityscapes.
_base_ = [
    'mmseg::sem_fpn/fpn_r50_4xb2-80k_cityscapes-512x1024.py',
    '../_base_/gcp_resnet50_weights.py'
]
# mmseg's config with the backbone type swapped: the rest of its ResNet-50
# (SyncBN, trained; 4 outputs) carries over. GCP classifiers have the 7x7
# stem, which GCPResNet builds in place of ResNetV1c's deep stem, and bring
# their own init_cfg: mmseg's model-level checkpoint is ResNetV1c's.
model = dict(
    pretrained=None,
    backbone=dict(
        type='GCPResNet', variant='M', init_cfg={{_base_.gcp_init_cfg}}))
