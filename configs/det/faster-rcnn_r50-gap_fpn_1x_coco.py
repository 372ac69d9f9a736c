# Faster R-CNN, ResNet-50-FPN, 1x, 8 GPUs x 2 images: the GAP baseline
# (ImageNet weights of a plain global-average-pooling ResNet). This is exactly
# mmdet's config, kept here so that every row of the paper's table has one.
_base_ = 'mmdet::faster_rcnn/faster-rcnn_r50_fpn_1x_coco.py'
