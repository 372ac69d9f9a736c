# ImageNet-1k classification of ShuffleNetV2 1.0x with the recipe of "What
# Deep CNNs Benefit from Global Covariance Pooling" (Wang et al., CVPR 2020),
# on mmpretrain's bases: SGD (momentum 0.9, weight decay 4e-5 on every
# parameter) at lr 0.5 for a total batch of 1024 (16 GPUs x 64),
# RandomResizedCrop(224) + ColorJitter(0.4, 0.4, 0.4) + flip, and the rate
# decayed linearly to 0 every iteration, without warm-up (PolyLR, power 1);
# LR_norm runs 240 epochs. The model is mmpretrain's ShuffleNetV2 classifier
# (global average pooling: the paper's GAP baseline, torchvision's model).
_base_ = ['mmpretrain::shufflenet_v2/shufflenet-v2-1x_16xb64_in1k.py']
custom_imports = dict(imports=['mmgcp'], allow_failed_imports=False)

train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='RandomResizedCrop', scale=224, backend='pillow'),
    dict(type='ColorJitter', brightness=0.4, contrast=0.4, saturation=0.4),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='PackInputs'),
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
# mmpretrain's recipe exempts BN from weight decay; the authors' does not
optim_wrapper = dict(
    _delete_=True, type='OptimWrapper',
    optimizer=dict(type='SGD', lr=0.5, momentum=0.9, weight_decay=4e-5))
param_scheduler = [
    dict(type='PolyLR', power=1.0, eta_min=0., by_epoch=True, begin=0,
         end=240, convert_to_iter_based=True)]
train_cfg = dict(max_epochs=240)
default_hooks = dict(
    checkpoint=dict(max_keep_ckpts=3, save_best='auto'))
