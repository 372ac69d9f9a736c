# The GCP ResNet-50 weights of the drop-in configs, which swap only the type
# of an mmdet/mmseg recipe's ResNet: every other keyword of it (dcn, plugins,
# strides, dilations, contract_dilation, frozen_stages, norm_eval...) carries
# over. See the README ("Pretrained GCP weights") for the checkpoint file.
custom_imports = dict(imports=['mmgcp'], allow_failed_imports=False)

gcp_init_cfg = dict(
    type='Pretrained', checkpoint='checkpoints/gcp_resnet50_isqrt_d256.pth')
