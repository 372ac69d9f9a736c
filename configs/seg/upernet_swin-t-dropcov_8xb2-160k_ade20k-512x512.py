# UperNet Swin-T ADE20K 512x512 160k (mmseg's recipe, unchanged) from a DropCov
# Swin-T (configs/pretrain/swin-tiny-dropcov-d80_16xb64_in1k.py, our design),
# exported with `python tools/export_backbone.py CKPT
# checkpoints/swin_tiny_dropcov_d80` (set the hashed file name below).
_base_ = [
    'mmseg::swin/swin-tiny-patch4-window7-in1k-pre_upernet_8xb2-160k_'
    'ade20k-512x512.py'
]
custom_imports = dict(imports=['mmgcp'], allow_failed_imports=False)

model = dict(backbone=dict(
    init_cfg=dict(type='Pretrained',
                  checkpoint='checkpoints/swin_tiny_dropcov_d80.pth')))
