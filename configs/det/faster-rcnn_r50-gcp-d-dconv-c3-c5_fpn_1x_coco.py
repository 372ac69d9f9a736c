# Faster R-CNN, GCP_D ResNet-50-FPN with deformable convolutions in stages 3-5,
# 1x, 8 GPUs x 2 images.
_base_ = './faster-rcnn_r50-gcp-m-dconv-c3-c5_fpn_1x_coco.py'
model = dict(backbone=dict(variant='D'))
