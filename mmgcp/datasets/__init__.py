"""Synthetic data generators for demos and tests (no downloads)."""
from .synthetic_coco import (SYNTHETIC_CLASSES, SyntheticCocoSpec,
                             generate_synthetic_coco, synthetic_is_complete)

__all__ = ['SYNTHETIC_CLASSES', 'SyntheticCocoSpec', 'generate_synthetic_coco',
           'synthetic_is_complete']
