# Mask R-CNN, GCP ResNet-50-FPN, 1x: the GCP_M variant, the paper's best.
_base_ = './mask_rcnn_r50_gcp_m.py'
