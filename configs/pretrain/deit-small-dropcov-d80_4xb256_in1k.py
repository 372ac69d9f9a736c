# DropCov on the stock DeiT-S - our design, not a released model: mmpretrain's
# VisionTransformer (deit-small, every token out) with TokenCovClsHead: the
# patch tokens reduced linearly to d=80 (no bias), DropCov's adaptive channel
# dropout and plain covariance over the 196 tokens (3240 values, near the
# released head's 3456), Dropout(0.5), added to the class token's logits as
# the released DropCov transformers do. Recipe: mmpretrain's DeiT-S.
_base_ = ['mmpretrain::deit/deit-small_4xb256_in1k.py']
custom_imports = dict(imports=['mmgcp'], allow_failed_imports=False)

model = dict(
    backbone=dict(out_type='raw'),
    head=dict(_delete_=True, type='TokenCovClsHead', num_classes=1000,
              in_channels=384,
              pooling='token_cov',
              pooling_cfg=dict(reduced_channels=80, pooling='dropcov'),
              dropout_rate=0.5,
              loss=dict(type='LabelSmoothLoss', label_smooth_val=0.1,
                        mode='original')))
