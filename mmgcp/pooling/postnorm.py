"""The post-normalisation family of the DropCov study, as covariance
poolings.

Element-wise methods act on the upper-triangle vector (so the l2 norms are
those of the triu vector, in which off-diagonal entries appear once);
structure-wise methods act on the covariance matrix before vectorisation.
Every class follows :class:`~mmgcp.pooling.CovPooling`'s API
(``channels``, ``B x C x H x W`` -> ``B x K``) and registers its name for
:func:`~mmgcp.pooling.build_cov_pooling`.
"""
import math
from typing import Optional, Sequence

import torch
import torch.nn.functional as F
from torch import nn

from ..ops import (floor_eigenvalues, signed_sqrt_l2, sym_matrix_function,
                   symmetric_eigvalsh)
from .builder import register_pooling
from .cov_pooling import CovPooling, ISqrtCov

__all__ = ['BCNN', 'SigmE', 'LayerNormCov', 'BCNNLT', 'DeepO2P', 'ILogM',
           'IBCNN', 'IBCNNLT', 'MaxExp', 'APN']


def _positive(name: str, value: float) -> float:
    if not value > 0:
        raise ValueError(f'{name} must be > 0, got {value}')
    return value


@register_pooling('bcnn')
class BCNN(CovPooling):
    """B-CNN: signed square root, then l2 normalisation of the vector.

    Args:
        channels: see :class:`CovPooling`.
        eps (float): smoothing of the square root at 0, ``> 0``.
            Default: 1e-8.
    """

    def __init__(self, channels: int, eps: float = 1e-8) -> None:
        super().__init__(channels)
        self.eps = _positive('eps', eps)

    def normalize_vector(self, vec: torch.Tensor) -> torch.Tensor:
        return signed_sqrt_l2(vec, self.eps)


class _LearnableAffine(nn.Module):
    """Element-wise ``beta * v + gamma`` with one (beta, gamma) per entry."""

    def __init__(self, dim: int) -> None:
        super().__init__()
        self.beta = nn.Parameter(torch.ones(dim))
        self.gamma = nn.Parameter(torch.zeros(dim))

    def forward(self, vec: torch.Tensor) -> torch.Tensor:
        return torch.addcmul(self.gamma, self.beta, vec)


@register_pooling('bcnn_lt')
class BCNNLT(BCNN):
    """B-CNN followed by a learnable element-wise affine transform."""

    def __init__(self, channels: int, eps: float = 1e-8) -> None:
        super().__init__(channels, eps)
        self.transform = _LearnableAffine(self.output_dim)

    def normalize_vector(self, vec: torch.Tensor) -> torch.Tensor:
        return self.transform(super().normalize_vector(vec))


@register_pooling('sigme')
class SigmE(CovPooling):
    """SigmE: ``2 / (1 + exp(-beta v)) - 1`` element-wise.

    Args:
        channels: see :class:`CovPooling`.
        beta (float): initial slope, ``> 0``. Default: 1.
        learnable (bool): learn beta. Default: True.
    """

    def __init__(self, channels: int, beta: float = 1.0,
                 learnable: bool = True) -> None:
        super().__init__(channels)
        beta = torch.tensor(float(_positive('beta', beta)))
        if learnable:
            self.beta = nn.Parameter(beta)
        else:
            self.register_buffer('beta', beta)

    def normalize_vector(self, vec: torch.Tensor) -> torch.Tensor:
        # 2 sigmoid(x) - 1 == tanh(x / 2), the stable form
        return torch.tanh(0.5 * self.beta * vec)


@register_pooling('ln')
class LayerNormCov(CovPooling):
    """LN: layer normalisation of the vector, with affine parameters."""

    def __init__(self, channels: int, eps: float = 1e-5) -> None:
        super().__init__(channels)
        self.layer_norm = nn.LayerNorm(self.output_dim,
                                       eps=_positive('eps', eps))

    def normalize_vector(self, vec: torch.Tensor) -> torch.Tensor:
        return self.layer_norm(vec)


@register_pooling('deep_o2p')
class DeepO2P(CovPooling):
    """DeepO2P: matrix logarithm ``U diag(log(max(l, eps))) U^T``.

    Args:
        channels: see :class:`CovPooling`.
        eps (float): eigenvalue floor before the log, ``> 0``.
            Default: 1e-5.
    """

    def __init__(self, channels: int, eps: float = 1e-5) -> None:
        super().__init__(channels)
        self.eps = _positive('eps', eps)

    def normalize(self, cov: torch.Tensor) -> torch.Tensor:
        eps = self.eps
        return sym_matrix_function(
            cov, lambda lam: torch.log(lam.clamp_min(eps)),
            lambda lam: torch.where(lam > eps, 1 / lam.clamp_min(eps),
                                    torch.zeros_like(lam)))


@register_pooling('ilogm')
class ILogM(CovPooling):
    """I-LogM: eigenvalues mapped by ``eps * log((l + eps) / eps)``.

    Finite at 0 (maps to 0 with slope 1), unlike the plain logarithm.
    """

    def __init__(self, channels: int, eps: float = 1e-3) -> None:
        super().__init__(channels)
        self.eps = _positive('eps', eps)

    def normalize(self, cov: torch.Tensor) -> torch.Tensor:
        eps = self.eps
        return sym_matrix_function(
            cov, lambda lam: eps * torch.log1p(lam / eps),
            lambda lam: eps / (lam + eps))


@register_pooling('ibcnn')
class IBCNN(ISqrtCov):
    """Improved B-CNN: Newton-Schulz square root, then signed square root and
    l2 normalisation of the vector."""

    def __init__(self, channels: int, num_iter: int = 5,
                 eps: float = 1e-8) -> None:
        super().__init__(channels, num_iter)
        self.eps = _positive('eps', eps)

    def normalize_vector(self, vec: torch.Tensor) -> torch.Tensor:
        return signed_sqrt_l2(vec, self.eps)


@register_pooling('ibcnn_lt')
class IBCNNLT(IBCNN):
    """IB-CNN followed by a learnable element-wise affine transform."""

    def __init__(self, channels: int, num_iter: int = 5,
                 eps: float = 1e-8) -> None:
        super().__init__(channels, num_iter, eps)
        self.transform = _LearnableAffine(self.output_dim)

    def normalize_vector(self, vec: torch.Tensor) -> torch.Tensor:
        return self.transform(super().normalize_vector(vec))


@register_pooling('maxexp')
class MaxExp(CovPooling):
    """MaxExp: eigenvalues mapped by ``1 - (1 - l / (l_max + eps))^alpha``.

    Args:
        channels: see :class:`CovPooling`.
        alpha (float): the exponent, ``> 0``. Default: 2.
        eps (float): keeps ``l / (l_max + eps) < 1``, ``> 0``.
            Default: 1e-5.
    """

    def __init__(self, channels: int, alpha: float = 2.0,
                 eps: float = 1e-5) -> None:
        super().__init__(channels)
        self.alpha = _positive('alpha', alpha)
        self.eps = _positive('eps', eps)

    def normalize(self, cov: torch.Tensor) -> torch.Tensor:
        lam_max = symmetric_eigvalsh(cov)[..., -1].clamp_min(0)
        scaled = cov / (lam_max + self.eps)[..., None, None]
        alpha = self.alpha
        return sym_matrix_function(
            scaled, lambda x: 1 - (1 - x.clamp(0, 1))**alpha,
            lambda x: alpha * (1 - x.clamp(0, 1))**(alpha - 1))


@register_pooling('apn')
class APN(CovPooling):
    """APN: matrix power normalisation with a per-input exponent.

    Our reading of the slides' trade-off (they give no formula we could
    reproduce): for each input, every alpha of ``alphas`` is scored by
    ``H(p_alpha) / log(d) * cos(l, l^alpha)``, where ``p_alpha`` is the
    normalised spectrum ``l^alpha / sum(l^alpha)`` (its entropy rewards
    decorrelation: a flat spectrum is fully whitened) and the cosine between
    the spectra rewards information preservation (alpha = 1 keeps it). The
    best alpha is chosen without gradient, then ``U diag(l^alpha) U^T``.
    Cost: one eigendecomposition plus O(len(alphas) * d) per input.

    Args:
        channels: see :class:`CovPooling`.
        alphas (Sequence[float]): candidate exponents, each ``> 0``.
            Default: 0.1, 0.2, ..., 1.0.
    """

    def __init__(self, channels: int,
                 alphas: Sequence[float] = tuple(a / 10 for a in range(1, 11))
                 ) -> None:
        super().__init__(channels)
        if not alphas:
            raise ValueError('alphas must not be empty')
        for a in alphas:
            _positive('alpha', a)
        self.register_buffer('alphas',
                             torch.tensor([float(a) for a in alphas]),
                             persistent=False)
        self.last_alpha: Optional[torch.Tensor] = None

    def choose_alpha(self, cov: torch.Tensor) -> torch.Tensor:
        """The per-input exponent (``B``), chosen without gradient."""
        with torch.no_grad():
            lam = floor_eigenvalues(symmetric_eigvalsh(cov))
            alphas = self.alphas.to(lam)
            powered = lam[:, None, :]**alphas[None, :, None]  # B x A x d
            p = powered / powered.sum(-1, keepdim=True)
            entropy = -(p * p.clamp_min(1e-30).log()).sum(-1) / \
                math.log(lam.shape[-1])
            cos = F.cosine_similarity(powered, lam[:, None, :], dim=-1)
            return alphas[(entropy * cos).argmax(dim=1)]

    def normalize(self, cov: torch.Tensor) -> torch.Tensor:
        alpha = self.choose_alpha(cov)
        self.last_alpha = alpha
        a = alpha[:, None]
        return sym_matrix_function(cov, lambda lam: lam.pow(a),
                                   lambda lam: a * lam.pow(a - 1))
