"""Covariance poolings: ``B x C x H x W`` features -> ``B x K`` vectors.

Every pooling pools a covariance, normalises it and vectorises its upper
triangle; ``output_dim`` is ``K = C(C+1)/2``. The dimension reduction of
the GCP classifiers (1x1 conv without bias, BN, ReLU) comes before, in the
layer that owns it (``GCPNeck``; docs/pooling.md for a model of your own).
The normalisations are iSQRT-COV (Li et al., "Towards Faster Training of
Global Covariance Pooling Networks by Iterative Matrix Square Root
Normalization", CVPR 2018), exact MPN-COV by eigendecomposition, and none
after DropCov's adaptive channel dropout (Wang et al., "DropCov: A Simple
yet Effective Method for Improving Deep Architectures", NeurIPS 2022).
"""
import math
from typing import Optional

import torch
import torch.nn.functional as F
from torch import nn

from ..ops import (covariance, isqrt, mpn, no_autocast, scaled_covariance,
                   to_compute, triu_size, triu_vec)
from .builder import register_pooling

__all__ = ['CovPooling', 'ISqrtCov', 'MPNCov', 'DropCov']


@register_pooling('cov')
class CovPooling(nn.Module):
    """Plain covariance pooling (no normalisation); the base of the others.

    Args:
        channels (int): channels of the input features.
    """

    def __init__(self, channels: int) -> None:
        super().__init__()
        if channels < 1:
            raise ValueError(f'channels must be >= 1, got {channels}')
        self.channels = channels

    @property
    def output_dim(self) -> int:
        return triu_size(self.channels)

    def normalize(self, cov: torch.Tensor) -> torch.Tensor:
        """Structure-wise post-normalisation of ``B x C x C`` covariances
        (none here)."""
        return cov

    def normalize_vector(self, vec: torch.Tensor) -> torch.Tensor:
        """Element-wise post-normalisation of the ``B x K`` upper-triangle
        vectors (none here)."""
        return vec

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        cov = covariance(x)
        return self.normalize_vector(triu_vec(self.normalize(cov)))


@register_pooling('isqrt')
class ISqrtCov(CovPooling):
    """iSQRT-COV: covariance -> Newton-Schulz square root -> triu vector.

    Args:
        channels (int): channels of the input features.
        num_iter (int): Newton-Schulz iterations. Default: 5.
    """

    def __init__(self, channels: int, num_iter: int = 5) -> None:
        super().__init__(channels)
        self.num_iter = num_iter

    def normalize(self, cov: torch.Tensor) -> torch.Tensor:
        return isqrt(cov, self.num_iter)


@register_pooling('mpn')
class MPNCov(CovPooling):
    """MPN-COV: exact matrix power by eigendecomposition.

    Args:
        channels (int): channels of the input features.
        alpha (float): matrix power, ``> 0``. Default: 0.5.
    """

    def __init__(self, channels: int, alpha: float = 0.5) -> None:
        if not alpha > 0:
            raise ValueError(f'alpha must be > 0, got {alpha}')
        super().__init__(channels)
        self.alpha = alpha

    def normalize(self, cov: torch.Tensor) -> torch.Tensor:
        return mpn(cov, self.alpha)


class _ECAWeights(nn.Module):
    """Channel logits from a 1-D conv over globally pooled (B x C) features."""

    def __init__(self, kernel_size: int = 3) -> None:
        super().__init__()
        self.conv = nn.Conv1d(1, 1, kernel_size, padding=kernel_size // 2,
                              bias=False)

    def forward(self, pooled: torch.Tensor) -> torch.Tensor:
        # the same cross-correlation as self.conv, as a k-tap sum over
        # shifted views: on B x C inputs the conv kernels' fixed cost
        # (hundreds of microseconds on CPU) dwarfs the arithmetic
        weight = self.conv.weight.view(-1)
        size = weight.numel()
        padded = F.pad(pooled, (size // 2, size // 2))
        out = padded[:, :pooled.shape[1]] * weight[0]
        for tap in range(1, size):
            out = out + padded[:, tap:tap + pooled.shape[1]] * weight[tap]
        return out


@register_pooling('dropcov')
class DropCov(CovPooling):
    """DropCov: adaptive channel dropout before plain covariance pooling.

    Training (Wang et al., NeurIPS 2022; docs/method.md): channel weights
    ``omega = softmax(conv1d(GAP(x)))``; features re-weighted as
    ``x * omega + x``; ``pi`` = row sums of their covariance;
    ``rho = clamp(1 - D / log2(d) * mean_b cos(omega, pi), 0, 1)`` (one rho
    per batch, no gradient through it); the re-weighted features are
    channel-dropped with probability ``rho`` (survivors scaled by
    ``1 / (1 - rho)``) and pooled. ``pi`` needs only row sums, computed
    without the covariance, and the re-weighting and drop fold together
    (``x * omega + x``, the drop and the ``1 / (1 - rho)`` rescaling are one
    per-channel scale of ``x``) - exactly ``Dropout2d`` followed by
    covariance, at the cost of one covariance plus O(d*N) work.

    Evaluation: plain covariance -> triu vector, no re-weighting.

    Args:
        channels (int): channels of the input features.
        strength (float): ``D`` in the rho formula. Default: 10.
        weight_fn (str): ``'softmax'`` (the public code) or ``'sigmoid'``
            (the slides). Default: ``'softmax'``.
        kernel_size (int): the 1-D conv's kernel. Default: 3.
    """

    def __init__(self, channels: int,
                 strength: float = 10.0,
                 weight_fn: str = 'softmax',
                 kernel_size: int = 3) -> None:
        if weight_fn not in ('softmax', 'sigmoid'):
            raise ValueError(f"weight_fn must be 'softmax' or 'sigmoid', "
                             f'got {weight_fn!r}')
        super().__init__(channels)
        if self.channels < 2:
            raise ValueError('DropCov needs at least 2 channels')
        self.strength = strength
        self.weight_fn = weight_fn
        self.eca_layer = _ECAWeights(kernel_size)
        self.last_rho: Optional[torch.Tensor] = None

    def drop_rate(self, feats: torch.Tensor, mean: torch.Tensor,
                  weight: torch.Tensor, omega: torch.Tensor) -> torch.Tensor:
        """The batch's dropout probability rho (a 0-dim tensor, no grad).

        ``pi``, the row sums of the covariance of the re-weighted features,
        is ``w * (Xc (Xc^T w)) / N``. With ``s = X^T w - (mean . w)``, which
        sums to zero over the positions, ``Xc s = X s``: two matrix-vector
        products on the features, no covariance and no centred copy.
        """
        with torch.no_grad():
            s = torch.bmm(weight.unsqueeze(1), feats)  # B x 1 x N
            s -= (mean * weight).sum(1)[:, None, None]
            pi = weight * torch.bmm(feats, s.mT).squeeze(-1)
            cos = F.cosine_similarity(omega, pi / feats.shape[-1], dim=1)
            rho = 1 - self.strength / math.log2(self.channels) * cos.mean()
            return rho.clamp(0.0, 1.0)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if not self.training:
            return triu_vec(covariance(x))
        with no_autocast(x):
            feats = to_compute(x).flatten(2)
            mean = feats.mean(dim=-1)  # GAP
            logits = self.eca_layer(mean)
            omega = logits.softmax(dim=1) if self.weight_fn == 'softmax' \
                else logits.sigmoid()
            weight = omega + 1  # x * omega + x
            rho = self.drop_rate(feats, mean, weight, omega)
            self.last_rho = rho  # a tensor: reading it would sync the device
            # Dropout2d on the re-weighted features folded into one
            # per-channel scale: 0 if dropped, else (1 + omega) / (1 - rho);
            # scaling channels commutes with the centring
            keep = (torch.rand_like(omega) >= rho).to(omega.dtype)
            scale = weight * keep / (1 - rho).clamp_min(
                torch.finfo(omega.dtype).eps)
            cov = scaled_covariance(feats, mean, scale)
        return triu_vec(cov)
