# GCP (iSQRT-COV, d=256) MobileNetV2, LR_norm: 0.045 * 0.98 ** epoch, batch
# 96. The release MobileNetV2_GCP_LRnorm: 74.39 top-1.
_base_ = ['./_base_/gcp-mobilenet-v2_in1k.py']
