# MindSpore release: ResNet-34 + DropCov, d=128, 1001-way fc.
# Published: 76.13 top-1.
_base_ = ['./_base_/gcp-resnet-ms_in1k.py']

model = dict(
    backbone=dict(depth=34),
    neck=dict(in_channels=512, pooling='dropcov'))
