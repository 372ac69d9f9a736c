# UperNet Swin-T ADE20K 512x512 160k (mmseg's recipe, unchanged) from a GAP
# Swin-T (mmpretrain's swin-tiny_16xb64_in1k.py, exported like the DropCov
# one), exported with `python tools/export_backbone.py CKPT
# checkpoints/swin_tiny_gap` (set the hashed file name below).
_base_ = [
    'mmseg::swin/swin-tiny-patch4-window7-in1k-pre_upernet_8xb2-160k_'
    'ade20k-512x512.py'
]
custom_imports = dict(imports=['mmgcp'], allow_failed_imports=False)

model = dict(backbone=dict(
    init_cfg=dict(type='Pretrained',
                  checkpoint='checkpoints/swin_tiny_gap.pth')))
