"""Synthetic data generators (no downloads), annotation checks and the
seeded corruption transform."""
from .coco_check import (AnnotationFileError, annotation_files,
                         check_coco_annotation, explain_annotation_errors)
from .corruptions import SeededCorrupt
from .synthetic_images import SyntheticImagesSpec, generate_synthetic_images
from .synthetic_coco import (SYNTHETIC_CLASSES, SyntheticCocoSpec,
                             generate_synthetic_coco, synthetic_is_complete)
from .synthetic_seg import SEG_CLASSES, generate_synthetic_seg

__all__ = ['SYNTHETIC_CLASSES', 'SyntheticCocoSpec', 'generate_synthetic_coco',
           'synthetic_is_complete', 'AnnotationFileError', 'annotation_files',
           'check_coco_annotation', 'explain_annotation_errors',
           'SyntheticImagesSpec', 'generate_synthetic_images', 'SEG_CLASSES',
           'generate_synthetic_seg', 'SeededCorrupt']
