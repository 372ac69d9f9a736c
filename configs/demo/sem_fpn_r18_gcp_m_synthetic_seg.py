# A CPU-sized Semantic FPN with a GCP_M ResNet-18 on the synthetic
# segmentation set of mmgcp.datasets.generate_synthetic_seg (background +
# 3 shape classes, 128 px). Trained from scratch; used by the tests and as a
# template for small segmentation runs:
#   python -c "from mmgcp.datasets import generate_synthetic_seg; \
#              generate_synthetic_seg('data/synthetic_seg')"
#   python tools/train.py configs/demo/sem_fpn_r18_gcp_m_synthetic_seg.py
_base_ = 'mmseg::sem_fpn/fpn_r50_4xb4-160k_ade20k-512x512.py'
custom_imports = dict(imports=['mmgcp'], allow_failed_imports=False)

data_root = 'data/synthetic_seg/'
num_classes = 4
image_size = 128
channels = 64
max_iters = 200

model = dict(
    pretrained=None,
    data_preprocessor=dict(size=(image_size, image_size)),
    backbone=dict(
        _delete_=True,
        type='GCPResNet',
        depth=18,
        variant='M',
        norm_cfg=dict(type='BN', requires_grad=True),
        norm_eval=False),
    neck=dict(in_channels=[64, 128, 256, 512], out_channels=channels),
    decode_head=dict(
        in_channels=[channels] * 4,
        channels=channels,
        num_classes=num_classes,
        norm_cfg=dict(type='BN', requires_grad=True)))

train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadAnnotations'),
    dict(type='CheckSegLabels', num_classes=num_classes),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PackSegInputs')
]
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadAnnotations'),
    dict(type='CheckSegLabels', num_classes=num_classes),
    dict(type='PackSegInputs')
]
train_dataloader = dict(
    batch_size=4,
    num_workers=1,
    persistent_workers=True,
    sampler=dict(type='InfiniteSampler', shuffle=True),
    dataset=dict(
        _delete_=True,
        type='CheckedSegDataset',
        data_root=data_root,
        data_prefix=dict(img_path='images/train', seg_map_path='labels/train'),
        pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=4,
    num_workers=1,
    persistent_workers=True,
    dataset=dict(
        _delete_=True,
        type='CheckedSegDataset',
        data_root=data_root,
        data_prefix=dict(img_path='images/val', seg_map_path='labels/val'),
        pipeline=test_pipeline))
test_dataloader = val_dataloader

train_cfg = dict(
    type='IterBasedTrainLoop', max_iters=max_iters, val_interval=max_iters)
param_scheduler = [
    dict(type='PolyLR', eta_min=1e-4, power=0.9, begin=0, end=max_iters,
         by_epoch=False)
]
optim_wrapper = dict(optimizer=dict(lr=0.05))
default_hooks = dict(
    logger=dict(type='LoggerHook', interval=20, log_metric_by_epoch=False),
    checkpoint=dict(type='CheckpointHook', by_epoch=False,
                    interval=max_iters))
randomness = dict(seed=0)
