# iSQRT-COV ResNet-18, d=256, LR_norm (100 epochs).
_base_ = ['./_base_/gcp-resnet_in1k.py']

model = dict(
    backbone=dict(depth=18),
    neck=dict(in_channels=512, reduced_channels=256,
              pooling='isqrt'),
    head=dict(in_channels=256 * 257 // 2))
