# iSQRT-COV ResNet-101, d=256, LR_adj (50 epochs).
_base_ = ['./resnet101-isqrt-d256_8xb32-lrnorm_in1k.py']

param_scheduler = dict(schedule='LR_adj')
train_cfg = dict(max_epochs=50)
