# GAP MobileNetV2 (mmpretrain's), LR_fast. The release
# MobileNetV2_GAP_LRfast: 69.29 top-1.
_base_ = ['./mobilenet-v2_8xb12-lrnorm_in1k.py']
optim_wrapper = dict(optimizer=dict(lr=0.06))
param_scheduler = dict(schedule='MobileNetV2_LR_fast')
train_cfg = dict(max_epochs=100)
