# Faster R-CNN, GCP_M ResNet-50-FPN with deformable convolutions in stages 3-5,
# 1x, 8 GPUs x 2 images. mmdet's config with the backbone type swapped: the
# DCN settings and the rest of its ResNet carry over. The offsets, which a
# classifier checkpoint cannot hold, start at zero as in mmdet.
_base_ = [
    'mmdet::dcn/faster-rcnn_r50-dconv-c3-c5_fpn_1x_coco.py',
    '../_base_/gcp_resnet50_weights.py'
]
model = dict(
    backbone=dict(
        type='GCPResNet', variant='M', init_cfg={{_base_.gcp_init_cfg}}))
