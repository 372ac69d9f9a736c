# The embedded pretraining demo: an iSQRT-COV ResNet-18 (d=64) on the
# synthetic texture set that `python tools/pretrain_demo.py` generates,
# on CPU in a few minutes. 64 px images, 56 px crops.
_base_ = ['../_base_/imagenet_sgd.py']

data_root = 'data/synthetic_textures/'
num_classes = 10
model = dict(type='GCPClassifier', depth=18, head='isqrt', dim=64,
             num_classes=num_classes)
train_pipeline = [
    dict(type='LoadImage'),
    dict(type='RandomResizedCrop', size=56, scale=(0.5, 1.0)),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='PackClsInputs'),
]
test_pipeline = [
    dict(type='LoadImage'),
    dict(type='ResizeShortSide', size=64),
    dict(type='CenterCrop', crop_size=56),
    dict(type='PackClsInputs'),
]
train_dataloader = dict(
    batch_size=32, num_workers=1,
    dataset=dict(data_root=data_root + 'train', pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=50, num_workers=1,
    dataset=dict(data_root=data_root + 'val', pipeline=test_pipeline))
test_dataloader = val_dataloader
val_evaluator = dict(topk=(1, 5))
optim_wrapper = dict(optimizer=dict(lr=0.05))
train_cfg = dict(max_epochs=30, val_interval=5)
param_scheduler = dict(type='GCPEpochLR', schedule='LR_fast')
auto_scale_lr = dict(base_batch_size=32)
default_hooks = dict(
    logger=dict(interval=10),
    checkpoint=dict(interval=5, max_keep_ckpts=2))
env_cfg = dict(cudnn_benchmark=False)
log_processor = dict(window_size=10)
randomness = dict(seed=0)
