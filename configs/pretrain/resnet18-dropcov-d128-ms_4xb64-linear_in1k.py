# MindSpore release: ResNet-18 + DropCov, d=128, 1001-way fc.
# Published: 73.8 top-1.
_base_ = ['./_base_/gcp-resnet-ms_in1k.py']

model = dict(
    backbone=dict(depth=18),
    neck=dict(in_channels=512, pooling='dropcov'))
