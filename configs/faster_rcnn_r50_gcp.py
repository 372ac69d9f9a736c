# Faster R-CNN, GCP ResNet-50-FPN, 1x: the GCP_M variant, the paper's best.
# A short name kept for scripts that use it; the config lives in det/.
_base_ = './det/faster-rcnn_r50-gcp-m_fpn_1x_coco.py'
