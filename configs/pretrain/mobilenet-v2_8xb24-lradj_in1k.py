# GAP MobileNetV2 (mmpretrain's), LR_adj. The release
# MobileNetV2_GAP_LRadju: 71.27 top-1.
_base_ = ['./mobilenet-v2_8xb12-lrnorm_in1k.py']
train_dataloader = dict(batch_size=24)
optim_wrapper = dict(optimizer=dict(lr=0.06))
param_scheduler = dict(schedule='MobileNetV2_LR_adj')
train_cfg = dict(max_epochs=150)
auto_scale_lr = dict(base_batch_size=192)
