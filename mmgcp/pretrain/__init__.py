"""ImageNet pretraining of GCP classifiers on mmpretrain, release import and
backbone export.

A GCP classifier is mmpretrain's ``ImageClassifier`` with a backbone (a
ResNet whose stage 4 runs at stride 1, a MobileNetV2 or a ShuffleNetV2),
the :class:`GCPNeck` and a ``LinearClsHead``; a DropCov transformer puts
:class:`TokenCovClsHead` on a ``VisionTransformer``, ``SwinTransformer`` or
:class:`ConvTokenViT`. Data, transforms, metric and loops are mmpretrain's
and mmengine's. Importing this package registers, in mmpretrain's
registries, ``GCPNeck``, ``TokenCovClsHead``, ``MindSporeResNet`` and
``ConvTokenViT`` (``MODELS``); the papers' LR schedules are
``mmgcp.GCPEpochLR`` (:mod:`mmgcp.engine.schedulers`). It needs mmpretrain
(and ``protobuf`` for MindSpore files), not mmdet.
"""
from ..utils import require

require('mmgcp.pretrain', 'mmengine', 'mmcv', 'mmpretrain', 'google.protobuf')

from .checkpoints import (KNOWN_LAYOUTS, TRUNK_KEYS,
                          CheckpointIncompleteError, CheckpointLayoutError,
                          check_converted, convert_official, convert_release,
                          detect_layout, export_backbone, infer_architecture)
from .conv_token_vit import ConvTokenViT
from .mindspore_checkpoints import convert_mindspore, read_mindspore_checkpoint
from .mindspore_resnet import MindSporeResNet
from .model_zoo import (MODEL_ZOO, DownloadError, ZooEntry, config_name,
                        convert_command, download_checkpoint, zoo_entry,
                        zoo_markdown)
from .necks import GCPNeck
from .token_heads import TokenCovClsHead

__all__ = ['GCPNeck', 'KNOWN_LAYOUTS', 'TRUNK_KEYS', 'CheckpointLayoutError',
           'CheckpointIncompleteError', 'check_converted', 'convert_official',
           'convert_release', 'detect_layout', 'export_backbone',
           'infer_architecture',
           'MODEL_ZOO', 'ZooEntry', 'config_name', 'zoo_entry',
           'zoo_markdown', 'download_checkpoint', 'DownloadError',
           'convert_mindspore', 'read_mindspore_checkpoint',
           'MindSporeResNet', 'convert_command', 'ConvTokenViT',
           'TokenCovClsHead']
