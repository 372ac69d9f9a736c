"""A classification head that pools a covariance of transformer tokens and
fuses it with the class (or pooled) token, as the DropCov transformers do
(Wang et al., "DropCov: A Simple yet Effective Method for Improving Deep
Architectures", NeurIPS 2022): logits = ``visual_fc(dropout(cov(patch
tokens))) + cls_fc(class token)``.

Two token poolings (``pooling=...``, with ``pooling_cfg``):

- ``'cross_cov'``: the released models' multi-head cross-covariance
  (:class:`mmgcp.pooling.MultiHeadCrossCovariance`);
- ``'token_cov'``: ours, a linear reduction of the tokens and a covariance
  pooling of :mod:`mmgcp.pooling` over them, DropCov's adaptive channel
  dropout by default (:class:`mmgcp.pooling.TokenCovariance`).

Inputs are the backbone's last output: ``B x (1 + N) x C`` tokens with the
class token first (mmpretrain's ``VisionTransformer`` with
``out_type='raw'``, :class:`~mmgcp.pretrain.ConvTokenViT`), or a ``B x C x
H x W`` map (``SwinTransformer``), whose mean token then stands in for the
class token.
"""
from typing import Optional, Sequence, Tuple, Union

import torch
from mmpretrain.models.heads import ClsHead
from mmpretrain.registry import MODELS
from torch import nn

from ..pooling import TOKEN_POOLINGS
from ..utils import check_keywords, keywords_of

__all__ = ['TokenCovClsHead']


@MODELS.register_module()
class TokenCovClsHead(ClsHead):
    """Covariance of the patch tokens + class token, summed logits.

    Args:
        num_classes (int): classes.
        in_channels (int): token width C.
        pooling (str): the token pooling, a key of
            :data:`mmgcp.pooling.TOKEN_POOLINGS`: ``'cross_cov'`` (the
            released models') or ``'token_cov'`` (ours).
            Default: ``'cross_cov'``.
        pooling_cfg (dict, optional): its arguments (``num_heads``,
            ``head_dim``, ``token_drop``; or ``reduced_channels``,
            ``pooling``, ``pooling_cfg``).
        dropout_rate (float): dropout on the pooled vector while training
            (0.5 in the released DeiT-S / T2T-ViT-14). Default: 0.5.
        init_cfg (dict | list, optional): initialisation. Default:
            truncated normal (std 0.02) for the linear layers.
        **kwargs: ``ClsHead``'s ``loss``, ``topk``, ``cal_acc``.
    """

    def __init__(self, num_classes: int, in_channels: int,
                 pooling: str = 'cross_cov',
                 pooling_cfg: Optional[dict] = None,
                 dropout_rate: float = 0.5,
                 init_cfg: Optional[Union[dict, list]] = dict(
                     type='TruncNormal', layer='Linear', std=.02, bias=0.),
                 **kwargs) -> None:
        check_keywords('TokenCovClsHead', kwargs, keywords_of(
            TokenCovClsHead.__init__, ClsHead.__init__))
        super().__init__(init_cfg=init_cfg, **kwargs)
        if pooling not in TOKEN_POOLINGS:
            raise ValueError(f'TokenCovClsHead: pooling must be one of '
                             f'{", ".join(TOKEN_POOLINGS)}, got {pooling!r}')
        if not 0 <= dropout_rate < 1:
            raise ValueError(f'TokenCovClsHead: dropout_rate must be in '
                             f'[0, 1), got {dropout_rate}')
        self.in_channels, self.num_classes = in_channels, num_classes
        token_pooling = TOKEN_POOLINGS[pooling]
        check_keywords(token_pooling.__name__, pooling_cfg or {},
                       keywords_of(token_pooling.__init__,
                                   skip=('in_channels', )))
        self.pooling = token_pooling(in_channels, **(pooling_cfg or {}))
        self.dropout = nn.Dropout(dropout_rate)
        self.visual_fc = nn.Linear(self.pooling.output_dim,
                                   num_classes)
        self.cls_fc = nn.Linear(in_channels, num_classes)

    def split_tokens(self, feats: Sequence[torch.Tensor]
                     ) -> Tuple[torch.Tensor, torch.Tensor]:
        """(class or mean token ``B x C``, patch tokens ``B x N x C``)."""
        x = feats[-1]
        if x.dim() == 4 and x.shape[1] == self.in_channels:  # B x C x H x W
            tokens = x.flatten(2).transpose(1, 2)
            return tokens.mean(dim=1), tokens
        if x.dim() == 3 and x.shape[2] == self.in_channels:
            return x[:, 0], x[:, 1:]
        raise ValueError(
            f'TokenCovClsHead expects B x (1 + N) x {self.in_channels} '
            f'tokens (class token first) or a B x {self.in_channels} x H x '
            f'W map, got {tuple(x.shape)}; a VisionTransformer needs '
            "out_type='raw'")

    def forward(self, feats: Sequence[torch.Tensor]) -> torch.Tensor:
        summary, tokens = self.split_tokens(feats)
        visual = self.dropout(self.pooling(tokens))
        return self.visual_fc(visual) + self.cls_fc(summary)
