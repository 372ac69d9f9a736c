# MindSpore release: ResNet-34 + Fast-MPN (iSQRT-COV), d=128, 1001-way fc.
# Published: 76.27 top-1.
_base_ = ['./_base_/gcp-resnet-ms_in1k.py']

model = dict(
    backbone=dict(depth=34),
    neck=dict(in_channels=512, pooling='isqrt'))
