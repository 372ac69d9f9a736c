# iSQRT-COV ResNet-101, d=128, LR_norm (100 epochs).
_base_ = ['./_base_/gcp-resnet_in1k.py']

model = dict(
    backbone=dict(depth=101),
    neck=dict(in_channels=2048, reduced_channels=128,
              pooling='isqrt'),
    head=dict(in_channels=128 * 129 // 2))
