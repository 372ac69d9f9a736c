# UperNet, 4 GPUs x 4 images, 160k iterations, GCP_D ResNet-50, ade20k.
_base_ = './upernet_r50-gcp-m_4xb4-160k_ade20k-512x512.py'
model = dict(backbone=dict(variant='D'))
