# Mask R-CNN, GCP_D ResNet-101-FPN, 1x, 8 GPUs x 2 images.
_base_ = './mask-rcnn_r50-gcp-d_fpn_1x_coco.py'
model = dict(
    backbone=dict(
        depth=101,
        init_cfg=dict(checkpoint='checkpoints/gcp_resnet101_isqrt_d256.pth')))
