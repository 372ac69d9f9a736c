# UperNet, 4 GPUs x 4 images, 160k iterations, GCP_M ResNet-50, ade20k.
_base_ = [
    'mmseg::upernet/upernet_r50_4xb4-160k_ade20k-512x512.py',
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
