# GCP (iSQRT-COV, d=256) MobileNetV2, LR_adj: 0.06 linearly to 0.01, 0.001
# and 1e-5 over epochs 50, 100 and 150, batch 192 (8 GPUs x 24). The release
# MobileNetV2_GCP_LRadju: 73.97 top-1.
_base_ = ['./mobilenet-v2-isqrt-d256_8xb12-lrnorm_in1k.py']
train_dataloader = dict(batch_size=24)
optim_wrapper = dict(optimizer=dict(lr=0.06))
param_scheduler = dict(schedule='MobileNetV2_LR_adj')
train_cfg = dict(max_epochs=150)
auto_scale_lr = dict(base_batch_size=192)
