# DeepLabV3, GCP MobileNetV2-d8, 4 GPUs x 2 images, 80k iterations,
# cityscapes: mmseg's config with the weights of a GCP (iSQRT-COV)
# MobileNetV2 classifier, written for mmseg by
#   python tools/convert_official.py MobileNetV2_GCP_LRnorm.pth.tar \
#       checkpoints/gcp_mobilenet_v2_isqrt_d256_mmseg --backbone \
#       --toolbox mmseg
# mmseg's base sets the GAP weights at model level (pretrained); the GCP
# ones go to the backbone's init_cfg instead.
_base_ = 'mmseg::mobilenet_v2/mobilenet-v2-d8_deeplabv3_4xb2-80k_cityscapes-512x1024.py'  # noqa: E501
custom_imports = dict(imports=['mmgcp'], allow_failed_imports=False)
model = dict(
    pretrained=None,
    backbone=dict(
        init_cfg=dict(
            type='Pretrained',
            checkpoint='checkpoints/gcp_mobilenet_v2_isqrt_d256_mmseg.pth')))
