# iSQRT-COV ResNet-101 (d=256, 5 Newton-Schulz iterations), LR_norm: 100 epochs.
_base_ = ['./_base_/imagenet_sgd.py']
model = dict(type='GCPClassifier', depth=101, head='isqrt', dim=256)
train_cfg = dict(max_epochs=100)
param_scheduler = dict(type='GCPEpochLR', schedule='LR_norm')
