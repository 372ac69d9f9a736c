# GAP baseline: mmpretrain's ResNet-34 classifier, LR_norm (100 epochs).
_base_ = ['./_base_/resnet_in1k.py']

model = dict(backbone=dict(depth=34), head=dict(in_channels=512))
