# GAP baseline: mmpretrain's ResNet-34 classifier, LR_adj (50 epochs).
_base_ = ['./resnet34_8xb32-lrnorm_in1k.py']

param_scheduler = dict(schedule='LR_adj')
train_cfg = dict(max_epochs=50)
