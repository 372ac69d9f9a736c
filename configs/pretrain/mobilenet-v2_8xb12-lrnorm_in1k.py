# GAP MobileNetV2 (mmpretrain's), LR_norm. The release
# MobileNetV2_GAP_LRnorm: 71.62 top-1.
_base_ = ['./_base_/mobilenet-v2_in1k.py']
