# UperNet, 4 GPUs x 4 images, 160k iterations, GCP_D ResNet-50, ade20k.
_base_ = './upernet_r50_ade20k_gcp_m.py'
model = dict(backbone=dict(variant='D'))
