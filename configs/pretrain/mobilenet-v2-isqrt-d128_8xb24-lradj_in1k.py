# GCP (iSQRT-COV, d=128) MobileNetV2, LR_adj. The release
# MobileNetV2_GCP_LRadju_128: 72.58 top-1.
_base_ = ['./mobilenet-v2-isqrt-d256_8xb24-lradj_in1k.py']
model = dict(
    neck=dict(reduced_channels=128),
    head=dict(in_channels=128 * 129 // 2))
