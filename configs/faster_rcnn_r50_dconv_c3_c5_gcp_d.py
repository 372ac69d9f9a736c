# Faster R-CNN, GCP_D ResNet-50-FPN with deformable convolutions in stages 3-5,
# 1x, 8 GPUs x 2 images.
_base_ = './faster_rcnn_r50_dconv_c3_c5_gcp_m.py'
model = dict(backbone=dict(variant='D'))
