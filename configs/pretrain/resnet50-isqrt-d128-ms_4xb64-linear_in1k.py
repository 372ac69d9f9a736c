# MindSpore release: ResNet-50 + Fast-MPN (iSQRT-COV), d=128, 1001-way fc.
# Published: 77.71 top-1.
_base_ = ['./_base_/gcp-resnet-ms_in1k.py']

model = dict(
    backbone=dict(depth=50),
    neck=dict(in_channels=2048, pooling='isqrt'))
