"""Datasets: synthetic sets the project generates (no downloads), COCO
annotation checks and the transforms (the checked mmseg dataset is
:mod:`mmgcp.datasets.seg_dataset`, imported where mmseg is)."""
from ..utils import require

require('mmgcp.datasets', 'mmengine', 'mmcv')

from .coco_check import (AnnotationFileError, annotation_files,
                         check_annotations, check_coco_annotation)
from .synthetic import (SEG_CLASSES, SYNTHETIC_CLASSES, SyntheticCocoSpec,
                        SyntheticImagesSpec, generate_synthetic_coco,
                        generate_synthetic_images, generate_synthetic_seg,
                        synthetic_is_complete)
from .transforms import SeededCorrupt

__all__ = ['SYNTHETIC_CLASSES', 'SyntheticCocoSpec', 'generate_synthetic_coco',
           'synthetic_is_complete', 'AnnotationFileError', 'annotation_files',
           'check_coco_annotation', 'check_annotations',
           'SyntheticImagesSpec', 'generate_synthetic_images', 'SEG_CLASSES',
           'generate_synthetic_seg', 'SeededCorrupt']
