# Mask R-CNN Swin-T FPN 1x COCO (mmdet's recipe, unchanged) from a GAP Swin-T
# classifier of configs/pretrain's lineage: mmpretrain's
# swin-tiny_16xb64_in1k.py (its model-zoo weights, or your run), exported
# with `python tools/export_backbone.py CKPT checkpoints/swin_tiny_gap`
# like the DropCov one (mask-rcnn_swin-t-dropcov_fpn_1x_coco.py), so the
# two differ in the pretraining head alone.
_base_ = ['mmdet::swin/mask-rcnn_swin-t-p4-w7_fpn_1x_coco.py']
custom_imports = dict(imports=['mmgcp'], allow_failed_imports=False)

model = dict(backbone=dict(
    convert_weights=False,
    init_cfg=dict(type='Pretrained',
                  checkpoint='checkpoints/swin_tiny_gap.pth')))
