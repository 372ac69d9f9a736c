# Mask R-CNN Swin-T FPN 1x COCO (mmdet's recipe, unchanged) from a DropCov
# Swin-T: a classifier trained with
# configs/pretrain/swin-tiny-dropcov-d80_16xb64_in1k.py (our design) and
# exported with `python tools/export_backbone.py CKPT
# checkpoints/swin_tiny_dropcov_d80` (set the hashed file name below). The
# file has mmpretrain's Swin key names, so mmdet's conversion of the
# original Swin release is off.
_base_ = ['mmdet::swin/mask-rcnn_swin-t-p4-w7_fpn_1x_coco.py']
custom_imports = dict(imports=['mmgcp'], allow_failed_imports=False)

model = dict(backbone=dict(
    convert_weights=False,
    init_cfg=dict(type='Pretrained',
                  checkpoint='checkpoints/swin_tiny_dropcov_d80.pth')))
