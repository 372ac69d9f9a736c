"""The vision transformer of the released DropCov DeiT-S and T2T-ViT-14.

The "DeiT-S + DropCov" and "T2T-ViT-14 + DropCov" models released with
DropCov (Wang et al., NeurIPS 2022) are not the stock DeiT (Touvron et al.,
ICML 2021) or T2T-ViT (Yuan et al., ICCV 2021): both replace the patch
embedding with a convolutional tokenizer and use a fixed position encoding.
:class:`ConvTokenViT` is that transformer:

- tokenizer: 3x3 conv (64 channels, stride 1, with bias) + 3x3 stride-2
  max-pool; three DenseNet blocks (6 layers, growth 16, bottleneck 2; a
  ReLU before each conv, no BatchNorm), each followed by a transition (BN
  without activation, 1x1 conv to 128 channels, 2x2 average pool); a 1x1
  conv (with bias) to the token width: an image of S pixels gives (S/16)^2
  tokens (14 x 14 at 224);
- a class token and the fixed sinusoidal position encoding of the
  Transformer (a parameter that is not trained, as released);
- pre-norm transformer blocks (mmpretrain's ``TransformerEncoderLayer``;
  qkv without bias) and a final LayerNorm.

The dense layers have no BatchNorm because the authors built them with
timm's ``DenseBlock`` under timm 0.4.12 (their pinned version), whose
default ``norm_layer`` was a plain ``nn.ReLU``; timm 0.6.11 and later
default to BN + ReLU, so the same code run with a newer timm builds (and
saves) ``norm1`` / ``norm2`` BatchNorms there. ``dense_norm=True`` builds
that variant, for files saved that way.

DeiT-S: width 384, 12 blocks, 6 heads, MLP ratio 4. T2T-ViT-14: 14 blocks,
MLP ratio 3. The output is every token, class token first (``B x (1 + N) x
C``), for :class:`~mmgcp.pretrain.TokenCovClsHead`.
"""
import math
from collections import OrderedDict
from typing import Optional, Sequence, Tuple

import torch
from mmengine.model import BaseModule
from mmengine.model.weight_init import trunc_normal_
from mmpretrain.models.backbones.densenet import DenseBlock
from mmpretrain.models.backbones.vision_transformer import \
    TransformerEncoderLayer
from mmpretrain.registry import MODELS
from torch import nn

__all__ = ['ConvTokenizer', 'ConvTokenViT', 'sinusoid_encoding']


def sinusoid_encoding(positions: int, channels: int) -> torch.Tensor:
    """``1 x positions x channels``: sin on even, cos on odd channels, at
    wavelengths ``10000 ** (2 * (c // 2) / channels)`` (Vaswani et al.)."""
    position = torch.arange(positions, dtype=torch.float64)[:, None]
    exponent = 2 * (torch.arange(channels) // 2) / channels
    angle = position / torch.pow(10000., exponent.double())[None]
    table = torch.where(torch.arange(channels) % 2 == 0, angle.sin(),
                        angle.cos())
    return table.float()[None]


class ConvTokenizer(nn.Module):
    """The released DropCov transformers' convolutional tokenizer (see the
    module's docstring); ``B x 3 x S x S`` -> ``B x (S/16)^2 x C``.

    Args:
        embed_dims (int): token width C.
        in_channels (int): image channels. Default: 3.
        dense_norm (bool): BatchNorm before each ReLU of the dense layers
            (timm >= 0.6.11); the releases have none. Default: False.
    """

    def __init__(self, embed_dims: int, in_channels: int = 3,
                 dense_norm: bool = False) -> None:
        super().__init__()
        self.stem = nn.Sequential(
            nn.Conv2d(in_channels, 64, 3, padding=1),
            nn.MaxPool2d(3, stride=2, padding=1))
        stage = []
        for block_in in (64, 128, 128):
            block_out = block_in + 6 * 16
            dense = DenseBlock(num_layers=6, in_channels=block_in,
                               bn_size=2, growth_rate=16)
            if not dense_norm:
                for layer in dense.block:
                    layer.norm1, layer.norm2 = nn.Identity(), nn.Identity()
            stage += [
                dense,
                nn.Sequential(OrderedDict(
                    norm=nn.BatchNorm2d(block_out),
                    conv=nn.Conv2d(block_out, 128, 1, bias=False),
                    pool=nn.AvgPool2d(2, stride=2)))]
        self.stage = nn.Sequential(*stage)
        self.transition = nn.Conv2d(128, embed_dims, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.transition(self.stage(self.stem(x)))
        return x.flatten(2).transpose(1, 2)


@MODELS.register_module()
class ConvTokenViT(BaseModule):
    """The transformer of the released DropCov DeiT-S / T2T-ViT-14.

    Args:
        img_size (int): training image size (sets the position encoding's
            length; a multiple of 16). Default: 224.
        embed_dims (int): token width. Default: 384.
        num_layers (int): blocks (12 for DeiT-S, 14 for T2T-ViT-14).
            Default: 12.
        num_heads (int): attention heads. Default: 6.
        mlp_ratio (float): MLP width / token width (4 for DeiT-S, 3 for
            T2T-ViT-14). Default: 4.
        drop_rate (float): dropout after the position encoding and in the
            blocks. Default: 0.
        drop_path_rate (float): stochastic depth, rising linearly over the
            blocks to this value. Default: 0.
        dense_norm (bool): BatchNorm in the tokenizer's dense layers: False
            as released (timm 0.4.12), True for a file saved with timm >=
            0.6.11 (see the module's docstring). Default: False.
        init_cfg (dict | list, optional): initialisation; by default
            linear layers are truncated-normal (std 0.02), as released.
    """

    def __init__(self, img_size: int = 224, embed_dims: int = 384,
                 num_layers: int = 12, num_heads: int = 6,
                 mlp_ratio: float = 4., drop_rate: float = 0.,
                 drop_path_rate: float = 0., dense_norm: bool = False,
                 init_cfg: Optional[Sequence[dict]] = (
                     dict(type='TruncNormal', layer='Linear', std=.02,
                          bias=0.),
                     dict(type='Constant', layer='LayerNorm', val=1.,
                          bias=0.))) -> None:
        super().__init__(init_cfg=list(init_cfg) if init_cfg else None)
        if img_size % 16:
            raise ValueError(f'ConvTokenViT: img_size must be a multiple of '
                             f'16 (the tokenizer strides 16), got {img_size}')
        self.embed_dims = embed_dims
        self.visual_tokens = ConvTokenizer(embed_dims, dense_norm=dense_norm)
        num_tokens = (img_size // 16) ** 2
        self.cls_token = nn.Parameter(torch.zeros(1, 1, embed_dims))
        self.pos_embed = nn.Parameter(
            sinusoid_encoding(num_tokens + 1, embed_dims),
            requires_grad=False)
        self.pos_drop = nn.Dropout(drop_rate)
        rates = torch.linspace(0, drop_path_rate, num_layers).tolist()
        self.blocks = nn.ModuleList([
            TransformerEncoderLayer(
                embed_dims, num_heads, int(embed_dims * mlp_ratio),
                drop_rate=drop_rate, drop_path_rate=rate, qkv_bias=False)
            for rate in rates])
        self.norm = nn.LayerNorm(embed_dims)

    def init_weights(self) -> None:
        super().init_weights()
        trunc_normal_(self.cls_token, std=.02)

    def forward(self, x: torch.Tensor) -> Tuple[torch.Tensor]:
        tokens = self.visual_tokens(x)
        if tokens.shape[1] + 1 != self.pos_embed.shape[1]:
            side = math.isqrt(self.pos_embed.shape[1] - 1) * 16
            raise ValueError(
                f'ConvTokenViT was built for {side} px images '
                f'({self.pos_embed.shape[1] - 1} tokens), got '
                f'{tuple(x.shape[-2:])} ({tokens.shape[1]} tokens)')
        x = torch.cat([self.cls_token.expand(x.shape[0], -1, -1), tokens],
                      dim=1)
        x = self.pos_drop(x + self.pos_embed)
        for block in self.blocks:
            x = block(x)
        return (self.norm(x), )
