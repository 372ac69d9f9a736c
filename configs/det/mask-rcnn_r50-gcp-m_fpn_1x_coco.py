# Mask R-CNN, GCP_M ResNet-50-FPN, 1x, 8 GPUs x 2 images.
_base_ = [
    'mmdet::mask_rcnn/mask-rcnn_r50_fpn_1x_coco.py',
    '../_base_/gcp_resnet50_backbone.py'
]
model = dict(backbone={{_base_.gcp_backbone}})
