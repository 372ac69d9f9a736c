"""GCP backbones, registered in mmdet's (and mmseg's) MODELS registry."""
from .backbone_weights import load_backbone_checkpoint
from .gcp_resnet import GCPResNet

__all__ = ['GCPResNet', 'load_backbone_checkpoint']

try:
    from mmseg.registry import MODELS as SEG_MODELS
except ModuleNotFoundError as err:  # mmseg is an optional extra
    if err.name != 'mmseg':
        raise
else:
    SEG_MODELS.register_module(module=GCPResNet)
