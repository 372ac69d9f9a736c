"""Helpers of the GCP backbones."""
from .backbone_weights import (HEAD_KEY_PREFIXES, MISSING_CHECKPOINT_HELP,
                               load_backbone_checkpoint)

__all__ = ['HEAD_KEY_PREFIXES', 'MISSING_CHECKPOINT_HELP',
           'load_backbone_checkpoint']
