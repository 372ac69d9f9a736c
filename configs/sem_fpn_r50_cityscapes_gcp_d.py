# Semantic FPN, 4 GPUs x 2 images, 80k iterations, GCP_D ResNet-50, cityscapes.
_base_ = './sem_fpn_r50_cityscapes_gcp_m.py'
model = dict(backbone=dict(variant='D'))
