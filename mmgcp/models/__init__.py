"""GCP backbones, registered in mmdet's and mmseg's MODELS registries (each
where installed)."""
from ..utils import is_installed
from .backbones import GCPResNetMixin, stage4_layout
from .utils import load_backbone_checkpoint

__all__ = ['GCPResNetMixin', 'load_backbone_checkpoint', 'stage4_layout']

if is_installed('mmdet'):
    from .backbones import GCPResNet  # noqa: F401
    __all__.append('GCPResNet')
if is_installed('mmseg'):
    from .backbones import SegGCPResNet  # noqa: F401
    __all__.append('SegGCPResNet')
