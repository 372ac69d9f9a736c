"""Covariance pooling of transformer tokens: ``B x N x C`` -> ``B x K``.

- :class:`MultiHeadCrossCovariance` is the pooling of the released
  "DeiT-S + DropCov" and "T2T-ViT-14 + DropCov" models (Wang et al.,
  "DropCov: A Simple yet Effective Method for Improving Deep Architectures",
  NeurIPS 2022): the tokens are projected (no bias) to per-head queries and
  keys of ``head_dim`` channels, each head's cross-covariance
  ``(1/N) q^T k`` is taken after one scalar mean per image and head is
  removed from q and from k, and the heads' ``head_dim x head_dim``
  matrices are flattened whole. In training, whole tokens of q and k are
  dropped together (the released code's ``Dropout2d`` on a shared mask).
  The projection holds a third, unused slice, as released.
- :class:`TokenCovariance` is ours: a linear reduction of the tokens to
  ``d`` channels (no bias), then any covariance pooling of
  :mod:`mmgcp.pooling` over the tokens as positions; with ``'dropcov'`` that is
  DropCov's adaptive channel dropout before a plain covariance, as in the
  DropCov CNNs.
"""
from typing import Optional

import torch
from torch import nn

from ..ops import no_autocast, to_compute
from .builder import build_cov_pooling

__all__ = ['MultiHeadCrossCovariance', 'TokenCovariance', 'TOKEN_POOLINGS']


class MultiHeadCrossCovariance(nn.Module):
    """The released DropCov transformers' multi-head cross-covariance.

    Args:
        in_channels (int): token width C.
        num_heads (int): heads. Default: 6.
        head_dim (int): channels of each head's q and k. Default: 24.
        token_drop (float): probability of dropping a token from q and k
            together while training. Default: 0.2.
    """

    def __init__(self, in_channels: int, num_heads: int = 6,
                 head_dim: int = 24, token_drop: float = 0.2) -> None:
        super().__init__()
        if not 0 <= token_drop < 1:
            raise ValueError(f'token_drop must be in [0, 1), got '
                             f'{token_drop}')
        self.num_heads, self.head_dim = num_heads, head_dim
        self.token_drop = token_drop
        self.wr = nn.Linear(in_channels, 3 * num_heads * head_dim,
                            bias=False)

    @property
    def output_dim(self) -> int:
        return self.num_heads * self.head_dim ** 2

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        b, n, _ = tokens.shape
        h, d = self.num_heads, self.head_dim
        qk = self.wr(tokens).reshape(b, n, 3, h, d).permute(2, 0, 3, 1, 4)
        with no_autocast(qk):
            # float32 (float64 stays float64), as every covariance pooling
            qk = to_compute(qk)
            q, k = qk[0].reshape(b * h, n, d), qk[1].reshape(b * h, n, d)
            if self.training and self.token_drop > 0:
                keep = torch.rand(b * h, n, 1, device=q.device) >= \
                    self.token_drop
                mask = keep.to(q.dtype) / (1 - self.token_drop)
                q, k = q * mask, k * mask
            q = q - q.mean(dim=(1, 2), keepdim=True)
            k = k - k.mean(dim=(1, 2), keepdim=True)
            cov = q.transpose(1, 2).bmm(k) / n
        return cov.reshape(b, h * d * d)


class TokenCovariance(nn.Module):
    """Linear reduction of the tokens, then covariance pooling over them.

    Args:
        in_channels (int): token width C.
        reduced_channels (int): ``d``. Default: 80.
        pooling (str): a method of :func:`build_cov_pooling`
            (``'dropcov'``, ``'isqrt'``, ...). Default: ``'dropcov'``.
        pooling_cfg (dict, optional): its arguments.
    """

    def __init__(self, in_channels: int, reduced_channels: int = 80,
                 pooling: str = 'dropcov',
                 pooling_cfg: Optional[dict] = None) -> None:
        super().__init__()
        self.reduce = nn.Linear(in_channels, reduced_channels, bias=False)
        self.pooling = build_cov_pooling(pooling, reduced_channels,
                                         **(pooling_cfg or {}))

    @property
    def output_dim(self) -> int:
        return self.pooling.output_dim

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        # B x N x d tokens as B x d x N x 1 feature maps
        return self.pooling(self.reduce(tokens).transpose(1, 2)
                            .unsqueeze(-1))


# the token poolings by name (``TokenCovClsHead(pooling=...)``)
TOKEN_POOLINGS = {'cross_cov': MultiHeadCrossCovariance,
                  'token_cov': TokenCovariance}
