# GCP (iSQRT-COV, d=128) MobileNetV2, LR_norm. The release
# MobileNetV2_GCP_LRnorm_128: 73.28 top-1.
_base_ = ['./mobilenet-v2-isqrt-d256_8xb12-lrnorm_in1k.py']
model = dict(
    neck=dict(reduced_channels=128),
    head=dict(in_channels=128 * 129 // 2))
