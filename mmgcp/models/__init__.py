"""GCP backbones, registered in mmdet's and mmseg's MODELS registries (each
where installed)."""
from . import backbones
from .backbones import *  # noqa: F401,F403  (the installed toolboxes' ones)
from .utils import load_backbone_checkpoint

__all__ = backbones.__all__ + ['load_backbone_checkpoint']
