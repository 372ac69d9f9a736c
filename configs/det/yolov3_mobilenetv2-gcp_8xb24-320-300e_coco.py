# YOLOv3, GCP MobileNetV2, 320 px, 8 GPUs x 24 images, 300 epochs: mmdet's
# config with the weights of a GCP (iSQRT-COV) MobileNetV2 classifier,
# written for mmdet by
#   python tools/convert_official.py MobileNetV2_GCP_LRnorm.pth.tar \
#       checkpoints/gcp_mobilenet_v2_isqrt_d256_mmdet --backbone \
#       --toolbox mmdet
# (the head attaches after the last 1x1 conv, so nothing changes stride).
# mmdet's recipe runs the backbone with LeakyReLU(0.1) in place of the
# pretrained ReLU6, for both rows.
_base_ = 'mmdet::yolo/yolov3_mobilenetv2_8xb24-320-300e_coco.py'
custom_imports = dict(imports=['mmgcp'], allow_failed_imports=False)
model = dict(
    backbone=dict(
        init_cfg=dict(
            checkpoint='checkpoints/gcp_mobilenet_v2_isqrt_d256_mmdet.pth')))
