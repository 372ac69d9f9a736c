# GAP baseline: mmpretrain's ResNet-18 classifier, LR_fast (30 epochs).
_base_ = ['./resnet18_8xb32-lrnorm_in1k.py']

param_scheduler = dict(schedule='LR_fast')
train_cfg = dict(max_epochs=30)
