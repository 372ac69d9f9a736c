"""ImageNet classifiers with a global covariance pooling head (or GAP).

Module names follow the released GCP checkpoints (``conv1``, ``bn1``,
``layer1..4``, ``layer_reduce``, ``layer_reduce_bn``, ``fc``, DropCov's
``eca_layer.conv``), so their state dicts load 1:1 once ``module.`` is
stripped.
"""
from typing import Dict, List, Optional, Union

import torch
import torch.nn.functional as F
from mmengine.model import BaseModel
from mmengine.registry import MODELS
from torch import nn

from ..models import GCPResNet
from ..ops import COV_HEADS

__all__ = ['GCPClassifier', 'REPRESENTATIONS', 'TRUNK_PREFIXES']

# head name -> representation class (None: global average pooling); every
# post-normalisation of mmgcp.ops is one config key away
REPRESENTATIONS = {**COV_HEADS, 'gap': None}
TRUNK_PREFIXES = ('conv1.', 'bn1.', 'layer1.', 'layer2.', 'layer3.',
                  'layer4.')
_REP = 'representation.'


@MODELS.register_module()
class GCPClassifier(BaseModel):
    """ResNet-18/34/50/101 classifier with a covariance pooling head.

    GCP heads (any of ``mmgcp.ops.COV_HEADS``: ``isqrt``, ``dropcov``,
    ``mpn``, ``gcp``, ``bcnn``, ``maxexp``, ...) run stage 4 at
    stride 1 (14x14 features at 224 px), reduce to ``dim`` channels with a
    1x1 conv (no bias) + BN + ReLU, pool a covariance, normalise it and
    classify its upper triangle with one Linear layer. ``head='gap'`` is the
    standard ResNet (stride-2 stage 4, global average pooling).

    Args:
        depth (int): 18, 34, 50 or 101.
        head (str): one of ``REPRESENTATIONS``. Default: ``'isqrt'``.
        dim (int): reduced channels d (256 in the PyTorch releases, 128 in
            the MindSpore ones). Ignored for ``'gap'``. Default: 256.
        num_classes (int): classes. Default: 1000.
        head_cfg (dict, optional): extra arguments of the representation
            (e.g. ``num_iter`` for iSQRT, ``alpha`` for MPN).
        data_preprocessor (dict, optional): mmengine data preprocessor
            (normalisation). Default: ImageNet mean/std, BGR to RGB.
        init_cfg (dict, optional): mmengine init config.
    """

    def __init__(self,
                 depth: int,
                 head: str = 'isqrt',
                 dim: int = 256,
                 num_classes: int = 1000,
                 head_cfg: Optional[dict] = None,
                 data_preprocessor: Optional[dict] = None,
                 init_cfg: Optional[dict] = None) -> None:
        if head not in REPRESENTATIONS:
            raise ValueError(f'head must be one of {sorted(REPRESENTATIONS)}'
                             f', got {head!r}')
        if data_preprocessor is None:
            data_preprocessor = dict(
                type='ImgDataPreprocessor', mean=[123.675, 116.28, 103.53],
                std=[58.395, 57.12, 57.375], bgr_to_rgb=True)
        super().__init__(data_preprocessor=data_preprocessor,
                         init_cfg=init_cfg)
        self.depth, self.head, self.num_classes = depth, head, num_classes
        trunk = GCPResNet(depth, 'D' if head == 'gap' else 'M',
                          norm_eval=False)
        # adopt the trunk's layers under their released (top-level) names
        for name in ('conv1', 'bn1', 'relu', 'maxpool', 'layer1', 'layer2',
                     'layer3', 'layer4'):
            self.add_module(name, getattr(trunk, name))
        channels = trunk.feat_dim  # 512 (R-18/34) or 2048 (R-50/101)
        if head == 'gap':
            self.dim = None
            self.fc = nn.Linear(channels, num_classes)
        else:
            self.dim = dim
            self.layer_reduce = nn.Conv2d(channels, dim, 1, bias=False)
            self.layer_reduce_bn = nn.BatchNorm2d(dim)
            self.layer_reduce_relu = nn.ReLU(inplace=True)
            self.representation = REPRESENTATIONS[head](dim, **(head_cfg or
                                                                {}))
            self.fc = nn.Linear(self.representation.output_dim, num_classes)
            # released checkpoints keep DropCov's conv at the top level
            self._register_state_dict_hook(_lift_representation_keys)
            self._register_load_state_dict_pre_hook(
                _lower_representation_keys, with_module=True)
        self._init_from_scratch()

    def _init_from_scratch(self) -> None:
        # torchvision's ResNet init (He-normal convs, unit BN), done here
        # rather than through mmengine's init_weights, which logs per tensor
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode='fan_out',
                                        nonlinearity='relu')
            elif isinstance(m, nn.BatchNorm2d):
                nn.init.ones_(m.weight)
                nn.init.zeros_(m.bias)

    def stage4(self, inputs: torch.Tensor) -> torch.Tensor:
        """Stage-4 features (stride 16 for GCP heads, 32 for GAP)."""
        x = self.maxpool(self.relu(self.bn1(self.conv1(inputs))))
        return self.layer4(self.layer3(self.layer2(self.layer1(x))))

    def features(self, inputs: torch.Tensor) -> torch.Tensor:
        """The pooled vector the FC classifies."""
        x = self.stage4(inputs)
        if self.head == 'gap':
            return x.mean(dim=(2, 3))
        x = self.layer_reduce_relu(self.layer_reduce_bn(self.layer_reduce(x)))
        return self.representation(x)

    def forward(self,
                inputs: torch.Tensor,
                data_samples: Optional[List] = None,
                mode: str = 'tensor'
                ) -> Union[torch.Tensor, Dict[str, torch.Tensor], List]:
        """mmengine's uniform forward.

        Args:
            inputs: normalised ``B x 3 x H x W`` images.
            data_samples: per-image ``BaseDataElement`` with ``gt_label``
                (``loss``); ``predict`` adds ``pred_scores`` to them.
            mode: ``'tensor'`` (logits), ``'loss'`` or ``'predict'``.
        """
        logits = self.fc(self.features(inputs))
        if mode == 'tensor':
            return logits
        if mode == 'loss':
            labels = torch.as_tensor([s.gt_label for s in data_samples],
                                     device=logits.device)
            return dict(loss=F.cross_entropy(logits.float(), labels))
        if mode == 'predict':
            scores = logits.float().softmax(dim=1)
            for sample, score in zip(data_samples, scores):
                sample.pred_scores = score
            return list(data_samples)
        raise ValueError(f"mode must be 'tensor', 'loss' or 'predict', got "
                         f'{mode!r}')


def _lift_representation_keys(module, state_dict, prefix, local_metadata):
    for key in [k for k in state_dict if k.startswith(prefix + _REP)]:
        state_dict[prefix + key[len(prefix + _REP):]] = state_dict.pop(key)
    return state_dict


def _lower_representation_keys(module, state_dict, prefix, *args):
    # ``module`` is the classifier; map e.g. eca_layer.* back under it
    for name, _ in module.representation.state_dict().items():
        top = prefix + name
        if top in state_dict:
            state_dict[prefix + _REP + name] = state_dict.pop(top)
