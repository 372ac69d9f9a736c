# Faster R-CNN, GCP_D ResNet-50-FPN, 1x: stage 4 back at stride 2 (mmdet's
# ResNet topology), weights from the same GCP classifier as the GCP_M config.
_base_ = './faster_rcnn_r50_gcp_m.py'
model = dict(backbone=dict(variant='D'))
