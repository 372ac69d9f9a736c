# DropCov ResNet-34, d=128, LR_norm (100 epochs).
_base_ = ['./_base_/gcp-resnet_in1k.py']

model = dict(
    backbone=dict(depth=34),
    neck=dict(in_channels=512, reduced_channels=128,
              pooling='dropcov'),
    head=dict(in_channels=128 * 129 // 2))
