# ImageNet classification on mmengine's Runner with the GCP papers' recipe:
# SGD, momentum 0.9, lr 0.1 for a total batch of 256 (8 GPUs x 32), weight
# decay 1e-4, lr set per epoch; RandomResizedCrop(224) + flip for training,
# Resize(256) + CenterCrop(224) for evaluation; top-1/top-5.
custom_imports = dict(imports=['mmgcp', 'mmgcp.pretrain'],
                      allow_failed_imports=False)

data_root = 'data/imagenet/'
train_pipeline = [
    dict(type='LoadImage'),
    dict(type='RandomResizedCrop', size=224),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='PackClsInputs'),
]
test_pipeline = [
    dict(type='LoadImage'),
    dict(type='ResizeShortSide', size=256),
    dict(type='CenterCrop', crop_size=224),
    dict(type='PackClsInputs'),
]
train_dataloader = dict(
    batch_size=32,
    num_workers=8,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    collate_fn=dict(type='pseudo_collate'),
    dataset=dict(
        type='ImageFolderDataset',
        data_root=data_root + 'train',
        pipeline=train_pipeline))
# Flat ImageNet val (all images in one folder): add
#   ann_file='val_labels.txt'   # lines "<file> <class index>"
val_dataloader = dict(
    batch_size=50,
    num_workers=8,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    collate_fn=dict(type='pseudo_collate'),
    dataset=dict(
        type='ImageFolderDataset',
        data_root=data_root + 'val',
        pipeline=test_pipeline,
        test_mode=True))
test_dataloader = val_dataloader
val_evaluator = dict(type='TopKAccuracy', topk=(1, 5))
test_evaluator = val_evaluator

optim_wrapper = dict(
    optimizer=dict(type='SGD', lr=0.1, momentum=0.9, weight_decay=1e-4))
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=100, val_interval=1)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
param_scheduler = dict(type='GCPEpochLR', schedule='LR_norm')
auto_scale_lr = dict(enable=False, base_batch_size=256)

default_hooks = dict(
    timer=dict(type='IterTimerHook'),
    logger=dict(type='LoggerHook', interval=100),
    param_scheduler=dict(type='ParamSchedulerHook'),
    checkpoint=dict(
        type='CheckpointHook', interval=1, max_keep_ckpts=3,
        save_best='accuracy/top1', rule='greater'),
    sampler_seed=dict(type='DistSamplerSeedHook'))
env_cfg = dict(
    cudnn_benchmark=True,
    mp_cfg=dict(mp_start_method='fork', opencv_num_threads=0),
    dist_cfg=dict(backend='nccl'))
log_processor = dict(window_size=100, by_epoch=True)
log_level = 'INFO'
load_from = None
resume = False
