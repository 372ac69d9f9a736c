# Faster R-CNN, GCP_M ResNet-50-FPN, 1x, 8 GPUs x 2 images.
_base_ = [
    'mmdet::faster_rcnn/faster-rcnn_r50_fpn_1x_coco.py',
    '../_base_/gcp_resnet50_weights.py'
]
# mmdet's config with the backbone type swapped: the rest of its ResNet-50
# (frozen stem and stage 1, BN in eval mode, 4 outputs) carries over
model = dict(
    backbone=dict(
        type='GCPResNet', variant='M', init_cfg={{_base_.gcp_init_cfg}}))
