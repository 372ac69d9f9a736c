# GCP (iSQRT-COV, d=256) MobileNetV2, LR_fast: 0.06 * 0.92 ** epoch for 100
# epochs, batch 96. The release MobileNetV2_GCP_LRfast: 72.45 top-1.
_base_ = ['./mobilenet-v2-isqrt-d256_8xb12-lrnorm_in1k.py']
optim_wrapper = dict(optimizer=dict(lr=0.06))
param_scheduler = dict(schedule='MobileNetV2_LR_fast')
train_cfg = dict(max_epochs=100)
