"""ImageNet pretraining of GCP classifiers, checkpoint import and export.

Registers the classifier, data pipeline, metric and LR schedules in
mmengine's root registries, so pretraining configs run on mmengine's Runner
(``tools/train.py``, ``tools/dist_pretrain.sh``).
"""
from .checkpoints import (KNOWN_LAYOUTS, convert_official, detect_layout,
                          export_backbone, infer_architecture)
from .classifier import REPRESENTATIONS, TRUNK_PREFIXES, GCPClassifier
from .data import (ImageFolderDataset, LoadImage, PackClsInputs,
                   RandomResizedCrop, ResizeShortSide)
from .metric import TopKAccuracy
from .model_zoo import (MODEL_ZOO, DownloadError, ZooEntry,
                        download_checkpoint, zoo_entry, zoo_markdown)
from .schedules import SCHEDULES, GCPEpochLR, schedule_lr

__all__ = ['GCPClassifier', 'REPRESENTATIONS', 'TRUNK_PREFIXES',
           'KNOWN_LAYOUTS', 'convert_official', 'detect_layout',
           'export_backbone', 'infer_architecture', 'SCHEDULES', 'GCPEpochLR',
           'schedule_lr', 'ImageFolderDataset', 'LoadImage', 'PackClsInputs',
           'RandomResizedCrop', 'ResizeShortSide', 'TopKAccuracy', 'MODEL_ZOO',
           'ZooEntry', 'zoo_entry', 'zoo_markdown', 'download_checkpoint',
           'DownloadError']
