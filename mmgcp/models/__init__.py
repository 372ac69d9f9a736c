"""GCP backbones, registered in mmdet's (and mmseg's) MODELS registry."""
from .backbone_weights import load_backbone_checkpoint
from .gcp_resnet import GCPResNet

__all__ = ['GCPResNet', 'load_backbone_checkpoint']

SEG_REGISTERED = False
try:
    import mmseg  # noqa: F401
except ModuleNotFoundError as err:  # mmseg is an optional extra
    if err.name != 'mmseg':
        raise
else:
    from mmseg.registry import MODELS as SEG_MODELS
    SEG_MODELS.register_module(module=GCPResNet)
    SEG_REGISTERED = True
