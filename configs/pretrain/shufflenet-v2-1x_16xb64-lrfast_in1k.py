# GAP ShuffleNetV2 1.0x (mmpretrain's), LRfast: the same linear decay over
# 60 epochs. The release ShuffleNetV2_GAP_LRfast: 66.13 top-1.
_base_ = ['./_base_/shufflenet-v2_in1k.py']
param_scheduler = [
    dict(type='PolyLR', power=1.0, eta_min=0., by_epoch=True, begin=0,
         end=60, convert_to_iter_based=True)]
train_cfg = dict(max_epochs=60)
