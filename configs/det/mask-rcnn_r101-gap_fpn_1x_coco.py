# Mask R-CNN, ResNet-101-FPN, 1x, 8 GPUs x 2 images: the GAP baseline
# (ImageNet weights of a plain global-average-pooling ResNet). This is exactly
# mmdet's config, kept here so that every row of the paper's table has one.
_base_ = 'mmdet::mask_rcnn/mask-rcnn_r101_fpn_1x_coco.py'
