"""What makes a registry ResNet a GCP ResNet, shared by mmdet and mmseg.

GCP classifiers (iSQRT-COV, Li et al., CVPR 2018; DropCov, Wang et al.,
NeurIPS 2022) are torchvision ResNets whose stage 4 runs at stride 1. Their
weights fit any ResNet of the same depth with the 7x7 stem, 'pytorch' style,
64 base channels and four stages; everything else the registry ResNet offers
(DCN, plugins, strides, dilations, norm layers, checkpointing, frozen stages)
is kept. :class:`GCPResNetMixin` adds the ``variant`` rule for stage 4, refuses
the keywords the weights cannot fit, and loads the weights strictly.
"""
import re
from typing import Dict, List, Optional, Sequence, Tuple

import torch
from mmengine.config import ConfigDict
from torch import nn

from ...utils import check_keywords, keywords_of
from ..utils import load_backbone_checkpoint

__all__ = ['GCPResNetMixin', 'stage4_layout']

DEPTHS = (18, 34, 50, 101)
VARIANTS = ('D', 'M')

# keyword: (the values GCP weights fit, why another value cannot)
FIXED_KEYWORDS = {
    'style': (('pytorch', ), "GCP classifiers are torchvision ResNets, which "
              "stride the 3x3 conv ('pytorch'); 'caffe' strides the first "
              '1x1 conv'),
    'deep_stem': ((False, ), 'GCP classifiers have one 7x7 stem conv; a deep '
                  'stem (ResNetV1c/V1d) has no GCP weights'),
    'avg_down': ((False, ), 'GCP classifiers downsample shortcuts with a '
                 'strided 1x1 conv; avg_down (ResNetV1d) adds a pool and '
                 'renames the shortcut layers'),
    'stem_channels': ((None, 64), 'GCP classifiers have a 64-channel stem'),
    'base_channels': ((64, ), 'GCP classifiers have the standard widths '
                      '(64 base channels)'),
    'num_stages': ((4, ), 'GCP classifiers have four stages, all pretrained'),
}


def stage4_layout(variant: str,
                  strides: Sequence[int]) -> Tuple[Tuple[int, ...], int]:
    """The strides to build and the stride of the max-pool after stage 4.

    ``'D'`` builds the requested strides as they are. ``'M'`` runs stage 4
    at stride 1, as pretrained, and max-pools its output by the requested
    stage-4 stride; with a requested stage-4 stride of 1 (the dilated d8/d16
    recipes) there is nothing to pool and both variants are the same network.
    """
    strides = tuple(int(s) for s in strides)
    if variant == 'D':
        return strides, 1
    return strides[:3] + (1, ), strides[3]


def _is_pretrained(init_cfg) -> bool:
    return isinstance(init_cfg, (dict, ConfigDict)) and \
        init_cfg.get('type') == 'Pretrained'


def _norm_name_in_classifier(name: str) -> str:
    # mmcv names GroupNorm layers gn1, gn2 ... where torchvision has bn1 ...
    return re.sub(r'(^|\.)gn(\d+)$', r'\1bn\2', name)


class GCPResNetMixin:
    """GCP weights on a registry ResNet; mixed in before mmdet's or mmseg's.

    Args:
        depth (int): 18, 34, 50 or 101.
        variant (str): how stage 4 reaches the requested stride (see
            :func:`stage4_layout`): ``'D'`` strides its first block, ``'M'``
            keeps it at stride 1 and max-pools the output. Default: ``'M'``.
        init_cfg (dict, optional): ``dict(type='Pretrained',
            checkpoint=PATH_OR_URL, prefix=None)`` loads a GCP classifier (or
            exported backbone) checkpoint strictly; ``None`` is the registry
            ResNet's random initialisation.
        **resnet_kwargs: every other keyword of the ResNet it replaces, with
            the values of :data:`FIXED_KEYWORDS` fixed.
    """

    def __init__(self,
                 depth: int,
                 variant: str = 'M',
                 init_cfg: Optional[dict] = None,
                 **resnet_kwargs) -> None:
        name = type(self).__name__
        # the registry ResNet's keywords, under the name the user wrote
        mro = type(self).__mro__
        registry_resnet = mro[mro.index(GCPResNetMixin) + 1]
        check_keywords(name, resnet_kwargs, keywords_of(
            GCPResNetMixin.__init__, registry_resnet.__init__))
        if depth not in DEPTHS:
            raise ValueError(f'{name} depth must be one of {DEPTHS} (the '
                             f'depths with GCP weights), got {depth!r}')
        if variant not in VARIANTS:
            raise ValueError(f'{name} variant must be one of {VARIANTS} '
                             "('D': strided stage 4, 'M': stride-1 stage 4 "
                             f'+ max-pool), got {variant!r}')
        for key, (fits, why) in FIXED_KEYWORDS.items():
            if key in resnet_kwargs and resnet_kwargs[key] not in fits:
                raise ValueError(f'{name} cannot take {key}='
                                 f'{resnet_kwargs[key]!r}: {why}.')
        if resnet_kwargs.get('pretrained') is not None:
            raise ValueError(
                f'{name} takes its weights from init_cfg=dict('
                "type='Pretrained', checkpoint=...), not pretrained="
                f"{resnet_kwargs['pretrained']!r}. In an mmseg config the "
                "model-level 'pretrained' of the base (ImageNet weights of "
                'a deep-stem ResNetV1c) reaches the backbone: set '
                'model.pretrained=None.')
        if _is_pretrained(init_cfg) and not init_cfg.get('checkpoint'):
            raise ValueError("init_cfg of type 'Pretrained' needs a "
                             "'checkpoint' (path or URL)")
        requested = tuple(resnet_kwargs.pop('strides', (1, 2, 2, 2)))
        if len(requested) != 4:
            raise ValueError(f'{name} strides must have 4 entries, one per '
                             f'stage, got {requested!r}')
        strides, pool_stride = stage4_layout(variant, requested)
        self.variant = variant
        super().__init__(
            depth=depth, strides=strides, init_cfg=init_cfg, **resnet_kwargs)
        self.requested_strides = requested
        self.c5_pool = (nn.MaxPool2d(pool_stride, pool_stride, ceil_mode=True)
                        if pool_stride > 1 else nn.Identity())

    def modules_without_gcp_weights(self) -> Dict[str, List[str]]:
        """Modules a classifier checkpoint cannot hold, by kind."""
        groups: Dict[str, List[str]] = {
            'DCN offsets': [], 'plugins': [], 'GroupNorm layers': []}
        for name, module in self.named_modules():
            if name.endswith('.conv_offset'):
                groups['DCN offsets'].append(name)
            elif isinstance(module, nn.GroupNorm):
                groups['GroupNorm layers'].append(name)
            for position in ('conv1', 'conv2', 'conv3'):
                plugins = getattr(module, f'after_{position}_plugin_names',
                                  None) or ()
                groups['plugins'] += [f'{name}.{p}' for p in plugins]
        return groups

    def init_weights(self) -> None:
        cfg = self.init_cfg
        if not _is_pretrained(cfg):
            super().init_weights()
            return
        # As the registry ResNet with a Pretrained init_cfg: the children
        # initialise themselves (DCN offsets to zero, plugins their own way),
        # then the checkpoint overwrites what it holds.
        self.init_cfg = None
        try:
            super().init_weights()
        finally:
            self.init_cfg = cfg
        keep = self.modules_without_gcp_weights()
        load_backbone_checkpoint(
            self, cfg['checkpoint'], prefix=cfg.get('prefix'),
            map_location=cfg.get('map_location', 'cpu'), keep_init=keep,
            skip_file=[_norm_name_in_classifier(n)
                       for n in keep['GroupNorm layers']])

    def train(self, mode: bool = True) -> 'GCPResNetMixin':
        # the registry ResNets' train() returns None; keep nn.Module's
        super().train(mode)
        return self

    def forward(self, x: torch.Tensor) -> Tuple[torch.Tensor, ...]:
        outs = super().forward(x)
        if 3 not in self.out_indices:
            return outs
        # stage 4 is always the last output when requested
        return outs[:-1] + (self.c5_pool(outs[-1]), )
