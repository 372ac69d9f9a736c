# Faster R-CNN, ResNet-50-FPN with deformable convolutions in stages 3-5, 1x,
# 8 GPUs x 2 images: the GAP baseline, exactly mmdet's config.
_base_ = 'mmdet::dcn/faster-rcnn_r50-dconv-c3-c5_fpn_1x_coco.py'
