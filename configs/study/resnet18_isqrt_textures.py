# The CPU-scale GAP vs GCP study (tools/study_gap_vs_gcp.py): an iSQRT-COV
# ResNet-18 (d=64) on the synthetic textures, fast schedule, with the
# loss landscape measured every 128 iterations during training.
_base_ = ['../pretrain/demo/resnet18-isqrt-d64_synthetic-textures.py']

data_root = 'data/study_textures/'
train_dataloader = dict(dataset=dict(data_root=data_root))
val_dataloader = dict(dataset=dict(data_root=data_root))
test_dataloader = val_dataloader
train_cfg = dict(max_epochs=30, val_interval=2)  # LR_fast: 30 epochs
default_hooks = dict(checkpoint=dict(interval=5, max_keep_ckpts=1))
custom_hooks = [dict(type='mmgcp.LandscapeHook', interval=128, steps=50,
                     eta_range=(0.1, 75.0))]
