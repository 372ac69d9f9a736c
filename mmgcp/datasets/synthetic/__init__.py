"""Synthetic data the project generates (no downloads): COCO-format
detection, ImageNet-style classification and segmentation sets."""
from .coco import (SYNTHETIC_CLASSES, SyntheticCocoSpec,
                   generate_synthetic_coco, synthetic_is_complete)
from .images import SyntheticImagesSpec, generate_synthetic_images
from .seg import SEG_CLASSES, generate_synthetic_seg

__all__ = ['SYNTHETIC_CLASSES', 'SyntheticCocoSpec', 'generate_synthetic_coco',
           'synthetic_is_complete', 'SyntheticImagesSpec',
           'generate_synthetic_images', 'SEG_CLASSES',
           'generate_synthetic_seg']
