# UperNet, 4 GPUs x 2 images, 80k iterations, GCP_D ResNet-50, cityscapes.
_base_ = './upernet_r50-gcp-m_4xb2-80k_cityscapes-512x1024.py'
model = dict(backbone=dict(variant='D'))
