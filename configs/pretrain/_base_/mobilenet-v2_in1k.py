# ImageNet-1k classification of MobileNetV2 1.0 with the recipe of "What Deep
# CNNs Benefit from Global Covariance Pooling" (Wang et al., CVPR 2020), on
# mmpretrain's bases: SGD (momentum 0.9, weight decay 4e-5) at lr 0.045 for a
# total batch of 96 (8 GPUs x 12), RandomResizedCrop(224) + flip, and the
# per-epoch MobileNetV2_LR_norm schedule (0.045 * 0.98 ** epoch, 90 epochs:
# the authors' script sets no epoch count for it and runs its default). The
# model is mmpretrain's MobileNetV2 classifier (global average pooling, the
# paper's GAP baseline; torchvision's adds Dropout(0.2) before the FC).
_base_ = ['mmpretrain::mobilenet_v2/mobilenet-v2_8xb32_in1k.py']
custom_imports = dict(imports=['mmgcp'], allow_failed_imports=False)

train_dataloader = dict(batch_size=12)
param_scheduler = dict(
    _delete_=True, type='mmgcp.GCPEpochLR', schedule='MobileNetV2_LR_norm')
train_cfg = dict(max_epochs=90)
auto_scale_lr = dict(base_batch_size=96)
default_hooks = dict(
    checkpoint=dict(max_keep_ckpts=3, save_best='auto'))
