"""ResNet backbones pretrained with a global covariance pooling head."""
from typing import Optional, Sequence, Tuple

import torch
from mmdet.models.backbones import ResNet
from mmdet.registry import MODELS
from mmengine.config import ConfigDict
from torch import nn

from .backbone_weights import load_backbone_checkpoint

__all__ = ['GCPResNet']


@MODELS.register_module()
class GCPResNet(ResNet):
    """ResNet whose weights come from a GCP (iSQRT-COV/DropCov) classifier.

    GCP classifiers run stage 4 (``layer4``) at stride 1 so that the
    covariance is estimated from 14x14 instead of 7x7 positions. Dense
    prediction needs C5 at stride 32 again; the papers name two ways, and
    this is *our reading* of those names (the papers' tables do not spell
    them out):

    - ``variant='D'`` ("downsampling", GCP_D): restore the stride-2
      downsampling in the first block of stage 4. The topology is exactly
      mmdet's ``ResNet``; only the weights differ.
    - ``variant='M'`` ("max-pooling", GCP_M): keep stage 4 at stride 1, as
      pretrained, and max-pool its output 2x2 with stride 2 (``ceil_mode``,
      so odd sizes round like a stride-2 conv). Stage 4 costs about 4x the
      FLOPs of the D variant's.

    Both give C2..C5 at strides 4/8/16/32 with ResNet's channels, and both
    keep torchvision/mmdet key names, so classifier checkpoints load 1:1
    once their head (reduction conv/BN, FC, ECA conv) is dropped.

    Args:
        depth (int): 18, 34, 50 or 101.
        variant (str): ``'D'`` or ``'M'``. Default: ``'M'``.
        in_channels (int): input image channels. Default: 3.
        out_indices (Sequence[int]): stages to output (0..3).
            Default: (0, 1, 2, 3).
        frozen_stages (int): stages to freeze (-1: none, 0: stem only,
            k: stem and stages 1..k). Default: -1.
        norm_cfg (dict): normalisation layers. Default: BN.
        norm_eval (bool): keep BN layers in eval mode while training.
            Default: True.
        with_cp (bool): gradient checkpointing in the blocks. Default: False.
        zero_init_residual (bool): zero-init the last BN of each block when
            training from scratch. Default: True.
        init_cfg (dict, optional): ``dict(type='Pretrained',
            checkpoint=PATH_OR_URL, prefix=None)`` loads a GCP classifier (or
            exported backbone) checkpoint strictly; ``None`` means random
            init as in mmdet's ResNet.
    """

    depths = (18, 34, 50, 101)
    variants = ('D', 'M')

    def __init__(self,
                 depth: int,
                 variant: str = 'M',
                 in_channels: int = 3,
                 out_indices: Sequence[int] = (0, 1, 2, 3),
                 frozen_stages: int = -1,
                 norm_cfg: dict = dict(type='BN', requires_grad=True),
                 norm_eval: bool = True,
                 with_cp: bool = False,
                 zero_init_residual: bool = True,
                 init_cfg: Optional[dict] = None) -> None:
        if depth not in self.depths:
            raise ValueError(f'GCPResNet depth must be one of {self.depths}, '
                             f'got {depth!r}')
        if variant not in self.variants:
            raise ValueError(f'GCPResNet variant must be one of '
                             f"{self.variants} ('D': stride-2 stage 4, 'M': "
                             f'stride-1 stage 4 + 2x2 max-pool), got '
                             f'{variant!r}')
        if init_cfg is not None and init_cfg.get('type') == 'Pretrained' \
                and not init_cfg.get('checkpoint'):
            raise ValueError("init_cfg of type 'Pretrained' needs a "
                             "'checkpoint' (path or URL)")
        self.variant = variant
        super().__init__(
            depth=depth,
            in_channels=in_channels,
            strides=(1, 2, 2, 2) if variant == 'D' else (1, 2, 2, 1),
            out_indices=tuple(out_indices),
            frozen_stages=frozen_stages,
            norm_cfg=norm_cfg,
            norm_eval=norm_eval,
            with_cp=with_cp,
            zero_init_residual=zero_init_residual,
            init_cfg=init_cfg)
        self.c5_pool = nn.MaxPool2d(2, 2, ceil_mode=True) \
            if variant == 'M' else nn.Identity()

    def init_weights(self) -> None:
        cfg = self.init_cfg
        if isinstance(cfg, (dict, ConfigDict)) and \
                cfg.get('type') == 'Pretrained':
            load_backbone_checkpoint(
                self, cfg['checkpoint'], prefix=cfg.get('prefix'),
                map_location=cfg.get('map_location', 'cpu'))
            self._is_init = True
        else:
            super().init_weights()

    def train(self, mode: bool = True) -> 'GCPResNet':
        # mmdet's ResNet.train returns None; keep nn.Module's contract
        super().train(mode)
        return self

    def forward(self, x: torch.Tensor) -> Tuple[torch.Tensor, ...]:
        outs = super().forward(x)
        if 3 not in self.out_indices:
            return outs
        # stage 4 is always the last output when requested
        return outs[:-1] + (self.c5_pool(outs[-1]), )
