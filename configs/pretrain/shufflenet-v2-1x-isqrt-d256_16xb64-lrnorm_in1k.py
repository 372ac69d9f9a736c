# GCP (iSQRT-COV, d=256) ShuffleNetV2 1.0x, LR_norm: 240 epochs. The release
# ShuffleNetV2_GCP_LRnorm: 71.83 top-1.
_base_ = ['./_base_/gcp-shufflenet-v2_in1k.py']
