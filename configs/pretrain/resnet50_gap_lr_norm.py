# The GAP baseline: standard ResNet-50 (global average pooling), LR_norm.
_base_ = ['./_base_/imagenet_sgd.py']
model = dict(type='GCPClassifier', depth=50, head='gap')
