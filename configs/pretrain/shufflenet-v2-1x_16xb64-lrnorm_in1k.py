# GAP ShuffleNetV2 1.0x (mmpretrain's), LR_norm: 240 epochs. The release
# ShuffleNetV2_GAP_LRnorm: 67.96 top-1.
_base_ = ['./_base_/shufflenet-v2_in1k.py']
