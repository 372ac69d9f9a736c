# The GCP ResNet-50 backbone of the detection configs (GCP_M; the GCP_D
# configs override `variant`). Its ImageNet weights come from an iSQRT-COV
# classifier; see the README ("Pretrained GCP weights") for how to get the
# checkpoint file.
custom_imports = dict(imports=['mmgcp'], allow_failed_imports=False)

gcp_backbone = dict(
    _delete_=True,
    type='GCPResNet',
    depth=50,
    variant='M',
    out_indices=(0, 1, 2, 3),
    frozen_stages=1,
    norm_cfg=dict(type='BN', requires_grad=True),
    norm_eval=True,
    init_cfg=dict(
        type='Pretrained',
        checkpoint='checkpoints/gcp_resnet50_isqrt_d256.pth'))
