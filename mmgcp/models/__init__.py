"""GCP backbones, registered in mmdet's and mmseg's MODELS registries (each
where installed)."""
from ..utils import is_installed, missing_extra, require

if not (is_installed('mmdet') or is_installed('mmseg')):
    require('mmgcp.models (the GCP backbones of mmdet and mmseg)',
            'mmengine', 'mmcv', 'mmdet')
require('mmgcp.models', 'mmengine', 'mmcv')

from . import backbones
from .backbones import *  # noqa: F401,F403  (the installed toolboxes' ones)
from .utils import load_backbone_checkpoint

__all__ = backbones.__all__ + ['load_backbone_checkpoint']

# the toolbox each backbone class belongs to, for a helpful error where
# that toolbox is not installed
_TOOLBOX_OF = {'GCPResNet': 'mmdet', 'SegGCPResNet': 'mmseg'}


def __getattr__(name: str):
    # an AttributeError, so that hasattr() answers False
    message = name in _TOOLBOX_OF and missing_extra(
        f'mmgcp.models.{name}', _TOOLBOX_OF[name])
    raise AttributeError(message or
                         f'module {__name__!r} has no attribute {name!r}')
