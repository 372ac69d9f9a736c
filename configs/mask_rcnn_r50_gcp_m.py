# Mask R-CNN, GCP_M ResNet-50-FPN, 1x, 8 GPUs x 2 images.
# The backbone's ImageNet weights come from an iSQRT-COV classifier; see the
# README ("Pretrained GCP weights") for how to get the checkpoint file.
_base_ = 'mmdet::mask_rcnn/mask-rcnn_r50_fpn_1x_coco.py'
custom_imports = dict(imports=['mmgcp'], allow_failed_imports=False)

pretrained = 'checkpoints/gcp_resnet50_isqrt_d256.pth'

model = dict(
    backbone=dict(
        _delete_=True,
        type='GCPResNet',
        depth=50,
        variant='M',
        out_indices=(0, 1, 2, 3),
        frozen_stages=1,
        norm_cfg=dict(type='BN', requires_grad=True),
        norm_eval=True,
        init_cfg=dict(type='Pretrained', checkpoint=pretrained)))
