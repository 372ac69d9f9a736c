# GCP (iSQRT-COV, d=256) ShuffleNetV2 1.0x, LRfast: the same linear decay over
# 60 epochs. The release ShuffleNetV2_GCP_LRfast: 70.29 top-1.
_base_ = ['./_base_/gcp-shufflenet-v2_in1k.py']
param_scheduler = [
    dict(type='PolyLR', power=1.0, eta_min=0., by_epoch=True, begin=0,
         end=60, convert_to_iter_based=True)]
train_cfg = dict(max_epochs=60)
