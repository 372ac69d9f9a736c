# ImageNet-1k classification with the GCP papers' recipe, on mmpretrain's
# bases: SGD (momentum 0.9, weight decay 1e-4) at lr 0.1 for a total batch
# of 256 (8 GPUs x 32), RandomResizedCrop(224) + flip for training,
# Resize(256) + CenterCrop(224) for evaluation, top-1/top-5 accuracy. The
# model is mmpretrain's plain ResNet-50 classifier (global average pooling,
# the papers' GAP baseline); the rate follows one of the papers' per-epoch
# schedules (GCPEpochLR: LR_norm here, the configs pick theirs).
_base_ = ['mmpretrain::resnet/resnet50_8xb32_in1k.py']
custom_imports = dict(imports=['mmgcp'], allow_failed_imports=False)

param_scheduler = dict(
    _delete_=True, type='mmgcp.GCPEpochLR', schedule='LR_norm')
train_cfg = dict(max_epochs=100)
default_hooks = dict(
    checkpoint=dict(max_keep_ckpts=3, save_best='auto'))
