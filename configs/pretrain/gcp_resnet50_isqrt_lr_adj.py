# iSQRT-COV ResNet-50 (d=256, 5 Newton-Schulz iterations), LR_adj: 50 epochs.
_base_ = ['./_base_/imagenet_sgd.py']
model = dict(type='GCPClassifier', depth=50, head='isqrt', dim=256)
train_cfg = dict(max_epochs=50)
param_scheduler = dict(type='GCPEpochLR', schedule='LR_adj')
