# A GCP ResNet as released in MindSpore with "Towards a Deeper Understanding
# of Global Covariance Pooling in Deep Learning: An Optimization
# Perspective" (Wang et al., TPAMI 2023): MindSporeResNet (mmpretrain's
# ResNet with MindSpore's padding and BN epsilons, stage 4 at stride 1),
# GCPNeck with d=128 (its BN at MindSpore's eps 1e-4) and a 1001-way fc
# (labels 0..999). The recipe is that repository's ImageNet one: Momentum
# 0.9, weight decay 1e-4, lr 0.8 for a total batch of 256 (4 devices x 64),
# linear warm-up from 0 over 2 epochs, then linear decay to 0 at epoch 100,
# per iteration; label smoothing 0.1 spread over the other 1000 classes
# (mmpretrain's label_smooth_val 0.1001 over 1001 gives the same targets:
# 0.9 on the label, 1e-4 elsewhere).
_base_ = ['./gcp-resnet_in1k.py']

model = dict(
    backbone=dict(type='MindSporeResNet'),
    neck=dict(reduced_channels=128, norm_cfg=dict(type='BN', eps=1e-4)),
    head=dict(num_classes=1001, in_channels=128 * 129 // 2,
              loss=dict(type='LabelSmoothLoss', label_smooth_val=0.1001,
                        mode='original')))
data_preprocessor = dict(num_classes=1001)
train_dataloader = dict(batch_size=64)
optim_wrapper = dict(optimizer=dict(lr=0.8))
param_scheduler = [
    dict(type='LinearLR', start_factor=1e-6, by_epoch=True, begin=0, end=2,
         convert_to_iter_based=True),
    dict(type='PolyLR', power=1.0, eta_min=0., by_epoch=True, begin=2,
         end=100, convert_to_iter_based=True),
]
train_cfg = dict(max_epochs=100)
auto_scale_lr = dict(base_batch_size=256)
