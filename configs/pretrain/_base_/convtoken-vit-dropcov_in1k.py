# The DropCov transformers as released with "DropCov: A Simple yet Effective
# Method for Improving Deep Architectures" (Wang et al., NeurIPS 2022): not
# the stock DeiT/T2T-ViT but ConvTokenViT (a convolutional DenseNet-style
# tokenizer, 14 x 14 tokens at 224 px, a fixed sinusoidal position encoding,
# qkv without bias) with TokenCovClsHead's multi-head cross-covariance
# (6 heads x 24 channels, 3456 values; tokens dropped with p 0.2 and the
# vector with p 0.5 in training) added to the class token's logits. The
# recipe is theirs on mmpretrain's DeiT bases: AdamW lr 1e-3 for 8 x 128
# images, weight decay 0.03, 5 warm-up epochs, cosine to 1e-5 at epoch 300
# and 10 more epochs at that rate, RandAugment (m9, std 0.5, increasing),
# random erasing 0.25, Mixup 0.8 / CutMix 1.0, label smoothing 0.1, drop
# path 0.1, EMA of the weights (decay 0.99996). DeiT-S width here.
_base_ = ['mmpretrain::deit/deit-small_4xb256_in1k.py']
custom_imports = dict(imports=['mmgcp'], allow_failed_imports=False)

model = dict(
    backbone=dict(_delete_=True, type='ConvTokenViT', img_size=224,
                  embed_dims=384, num_layers=12, num_heads=6, mlp_ratio=4,
                  drop_path_rate=0.1),
    head=dict(_delete_=True, type='TokenCovClsHead', num_classes=1000,
              in_channels=384,
              pooling='cross_cov',
              pooling_cfg=dict(num_heads=6, head_dim=24, token_drop=0.2),
              dropout_rate=0.5,
              loss=dict(type='LabelSmoothLoss', label_smooth_val=0.1,
                        mode='original')))
train_dataloader = dict(batch_size=128)
optim_wrapper = dict(optimizer=dict(lr=1e-3, weight_decay=0.03))
param_scheduler = [
    dict(type='LinearLR', start_factor=1e-3, by_epoch=True, end=5,
         convert_to_iter_based=True),
    dict(type='CosineAnnealingLR', eta_min=1e-5, by_epoch=True, begin=5,
         end=300),
]
train_cfg = dict(max_epochs=310)
custom_hooks = [dict(type='EMAHook', momentum=4e-5, priority='ABOVE_NORMAL')]
auto_scale_lr = dict(base_batch_size=1024)
