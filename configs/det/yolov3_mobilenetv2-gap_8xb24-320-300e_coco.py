# YOLOv3, MobileNetV2, 320 px, 8 GPUs x 24 images, 300 epochs: the GAP
# baseline, exactly mmdet's config (ImageNet weights of a GAP MobileNetV2).
_base_ = 'mmdet::yolo/yolov3_mobilenetv2_8xb24-320-300e_coco.py'
