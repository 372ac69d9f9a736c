"""The GCP ResNet of each installed toolbox: mmdet's ``GCPResNet`` and
mmseg's ``SegGCPResNet`` (registered there as ``GCPResNet``)."""
from ...utils import is_installed
from .gcp_resnet_base import GCPResNetMixin, stage4_layout

__all__ = ['GCPResNetMixin', 'stage4_layout']

if is_installed('mmdet'):
    from .gcp_resnet import GCPResNet  # noqa: F401
    __all__.append('GCPResNet')
if is_installed('mmseg'):
    from .gcp_resnet_seg import SegGCPResNet  # noqa: F401
    __all__.append('SegGCPResNet')
