# Mask R-CNN, GCP_D ResNet-50-FPN, 1x: stage 4 back at stride 2 (mmdet's ResNet
# topology), weights from the same GCP classifier as the GCP_M config.
_base_ = './mask-rcnn_r50-gcp-m_fpn_1x_coco.py'
model = dict(backbone=dict(variant='D'))
