# GCP (iSQRT-COV, d=256) ShuffleNetV2 1.0x, LRadju: the same linear decay over
# 100 epochs. The release ShuffleNetV2_GCP_LRadju: 71.17 top-1.
_base_ = ['./_base_/gcp-shufflenet-v2_in1k.py']
param_scheduler = [
    dict(type='PolyLR', power=1.0, eta_min=0., by_epoch=True, begin=0,
         end=100, convert_to_iter_based=True)]
train_cfg = dict(max_epochs=100)
