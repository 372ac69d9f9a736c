# iSQRT-COV ResNet-34, d=256, LR_fast (30 epochs).
_base_ = ['./resnet34-isqrt-d256_8xb32-lrnorm_in1k.py']

param_scheduler = dict(schedule='LR_fast')
train_cfg = dict(max_epochs=30)
