# DropCov on Swin-T - our design (the DropCov authors released no Swin-T
# code): mmpretrain's SwinTransformer (tiny), no neck, TokenCovClsHead over
# the 7 x 7 last-stage tokens: linear reduction to d=80, DropCov's adaptive
# channel dropout and plain covariance (3240 values), Dropout(0.5), added to
# the logits of the mean token (Swin has no class token; the mean token is
# what its GAP head classifies). Recipe: mmpretrain's Swin-T.
_base_ = ['mmpretrain::swin_transformer/swin-tiny_16xb64_in1k.py']
custom_imports = dict(imports=['mmgcp'], allow_failed_imports=False)

model = dict(
    neck=None,
    head=dict(_delete_=True, type='TokenCovClsHead', num_classes=1000,
              in_channels=768,
              pooling='token_cov',
              pooling_cfg=dict(reduced_channels=80, pooling='dropcov'),
              dropout_rate=0.5,
              loss=dict(type='LabelSmoothLoss', label_smooth_val=0.1,
                        mode='original'),
              cal_acc=False))
