# The embedded pretraining demo: an iSQRT-COV ResNet-18 (d=64) on the
# synthetic texture set that `python tools/pretrain_demo.py` generates
# (10 classes, ImageNet folder layout), on CPU in a few minutes: 64 px
# images, 56 px crops, LR_fast (30 epochs) from lr 0.05 at batch 32.
_base_ = ['../_base_/gcp-resnet_in1k.py']

data_root = 'data/synthetic_textures/'
num_classes = 10
model = dict(
    backbone=dict(depth=18),
    neck=dict(in_channels=512, reduced_channels=64),
    head=dict(num_classes=num_classes, in_channels=64 * 65 // 2))
data_preprocessor = dict(num_classes=num_classes)
train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='RandomResizedCrop', scale=56, crop_ratio_range=(0.5, 1.0)),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='PackInputs'),
]
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='ResizeEdge', scale=64, edge='short'),
    dict(type='CenterCrop', crop_size=56),
    dict(type='PackInputs'),
]
train_dataloader = dict(
    batch_size=32,
    num_workers=1,
    dataset=dict(_delete_=True, type='CustomDataset', data_root=data_root,
                 data_prefix='train', pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=50,
    num_workers=1,
    dataset=dict(_delete_=True, type='CustomDataset', data_root=data_root,
                 data_prefix='val', pipeline=test_pipeline))
test_dataloader = val_dataloader
optim_wrapper = dict(optimizer=dict(lr=0.05))
param_scheduler = dict(schedule='LR_fast')
train_cfg = dict(max_epochs=30, val_interval=5)
auto_scale_lr = dict(base_batch_size=32)
default_hooks = dict(
    logger=dict(interval=10),
    checkpoint=dict(interval=5, max_keep_ckpts=2))
log_processor = dict(window_size=10)
randomness = dict(seed=0)
