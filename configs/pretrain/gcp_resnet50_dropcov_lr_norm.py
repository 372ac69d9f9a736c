# DropCov ResNet-50 (d=256, adaptive channel dropout), LR_norm: 100 epochs.
_base_ = ['./_base_/imagenet_sgd.py']
model = dict(type='GCPClassifier', depth=50, head='dropcov', dim=256)
