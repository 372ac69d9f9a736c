# The GCP ResNet-50 backbone of the segmentation configs (GCP_M; the GCP_D
# configs override `variant`). As in mmseg's ResNet-50 configs, BN is synced
# and trained (norm_eval=False). Weights: see the README ("Pretrained GCP
# weights").
custom_imports = dict(imports=['mmgcp'], allow_failed_imports=False)

gcp_seg_backbone = dict(
    _delete_=True,
    type='GCPResNet',
    depth=50,
    variant='M',
    out_indices=(0, 1, 2, 3),
    frozen_stages=-1,
    norm_cfg=dict(type='SyncBN', requires_grad=True),
    norm_eval=False,
    init_cfg=dict(
        type='Pretrained',
        checkpoint='checkpoints/gcp_resnet50_isqrt_d256.pth'))
