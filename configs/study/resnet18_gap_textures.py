# The GAP baseline of the CPU-scale study: the same ResNet-18 trunk, data,
# schedule and landscape hook as resnet18_isqrt_textures.py, with
# mmpretrain's plain classifier (stride-2 stage 4, global average pooling)
# in place of the covariance neck.
_base_ = ['./resnet18_isqrt_textures.py']

model = dict(
    backbone=dict(strides=(1, 2, 2, 2)),
    neck=dict(_delete_=True, type='GlobalAveragePooling'),
    head=dict(in_channels=512))
