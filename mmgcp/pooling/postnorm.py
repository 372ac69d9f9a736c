"""The post-normalisation family of the DropCov study, as covariance
poolings.

Element-wise methods act on the upper-triangle vector (so the l2 norms are
those of the triu vector, in which off-diagonal entries appear once);
structure-wise methods act on the covariance matrix before vectorisation.
Every class follows :class:`~mmgcp.pooling.GCP`'s API (``in_channels``,
optional ``reduced_channels``, ``B x C x H x W`` -> ``B x K``) and is
selected by name through :data:`COV_POOLINGS` / :func:`build_cov_pooling`.
"""
import math
from typing import Dict, Optional, Sequence, Type

import torch
import torch.nn.functional as F
from torch import nn

from ..ops import (floor_eigenvalues, signed_sqrt_l2, sym_matrix_function,
                   symmetric_eigvalsh)
from ..utils import check_keywords, keywords_of
from .cov_pooling import GCP, DropCov, ISqrtCov, MPNCov

__all__ = ['BCNN', 'SigmE', 'LayerNormCov', 'BCNNLT', 'DeepO2P', 'ILogM',
           'IBCNN', 'IBCNNLT', 'MaxExp', 'APN', 'COV_POOLINGS',
           'build_cov_pooling']


def _positive(name: str, value: float) -> float:
    if not value > 0:
        raise ValueError(f'{name} must be > 0, got {value}')
    return value


class BCNN(GCP):
    """B-CNN: signed square root, then l2 normalisation of the vector.

    Args:
        in_channels, reduced_channels: see :class:`GCP`.
        eps (float): smoothing of the square root at 0, ``> 0``.
            Default: 1e-8.
    """

    def __init__(self, in_channels: int,
                 reduced_channels: Optional[int] = None,
                 eps: float = 1e-8) -> None:
        super().__init__(in_channels, reduced_channels)
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


class BCNNLT(BCNN):
    """B-CNN followed by a learnable element-wise affine transform."""

    def __init__(self, in_channels: int,
                 reduced_channels: Optional[int] = None,
                 eps: float = 1e-8) -> None:
        super().__init__(in_channels, reduced_channels, eps)
        self.transform = _LearnableAffine(self.output_dim)

    def normalize_vector(self, vec: torch.Tensor) -> torch.Tensor:
        return self.transform(super().normalize_vector(vec))


class SigmE(GCP):
    """SigmE: ``2 / (1 + exp(-beta v)) - 1`` element-wise.

    Args:
        in_channels, reduced_channels: see :class:`GCP`.
        beta (float): initial slope, ``> 0``. Default: 1.
        learnable (bool): learn beta. Default: True.
    """

    def __init__(self, in_channels: int,
                 reduced_channels: Optional[int] = None, beta: float = 1.0,
                 learnable: bool = True) -> None:
        super().__init__(in_channels, reduced_channels)
        beta = torch.tensor(float(_positive('beta', beta)))
        if learnable:
            self.beta = nn.Parameter(beta)
        else:
            self.register_buffer('beta', beta)

    def normalize_vector(self, vec: torch.Tensor) -> torch.Tensor:
        # 2 sigmoid(x) - 1 == tanh(x / 2), the stable form
        return torch.tanh(0.5 * self.beta * vec)


class LayerNormCov(GCP):
    """LN: layer normalisation of the vector, with affine parameters."""

    def __init__(self, in_channels: int,
                 reduced_channels: Optional[int] = None,
                 eps: float = 1e-5) -> None:
        super().__init__(in_channels, reduced_channels)
        self.layer_norm = nn.LayerNorm(self.output_dim,
                                       eps=_positive('eps', eps))

    def normalize_vector(self, vec: torch.Tensor) -> torch.Tensor:
        return self.layer_norm(vec)


class DeepO2P(GCP):
    """DeepO2P: matrix logarithm ``U diag(log(max(l, eps))) U^T``.

    Args:
        in_channels, reduced_channels: see :class:`GCP`.
        eps (float): eigenvalue floor before the log, ``> 0``.
            Default: 1e-5.
    """

    def __init__(self, in_channels: int,
                 reduced_channels: Optional[int] = None,
                 eps: float = 1e-5) -> None:
        super().__init__(in_channels, reduced_channels)
        self.eps = _positive('eps', eps)

    def normalize(self, cov: torch.Tensor) -> torch.Tensor:
        eps = self.eps
        return sym_matrix_function(
            cov, lambda lam: torch.log(lam.clamp_min(eps)),
            lambda lam: torch.where(lam > eps, 1 / lam.clamp_min(eps),
                                    torch.zeros_like(lam)))


class ILogM(GCP):
    """I-LogM: eigenvalues mapped by ``eps * log((l + eps) / eps)``.

    Finite at 0 (maps to 0 with slope 1), unlike the plain logarithm.
    """

    def __init__(self, in_channels: int,
                 reduced_channels: Optional[int] = None,
                 eps: float = 1e-3) -> None:
        super().__init__(in_channels, reduced_channels)
        self.eps = _positive('eps', eps)

    def normalize(self, cov: torch.Tensor) -> torch.Tensor:
        eps = self.eps
        return sym_matrix_function(
            cov, lambda lam: eps * torch.log1p(lam / eps),
            lambda lam: eps / (lam + eps))


class IBCNN(ISqrtCov):
    """Improved B-CNN: Newton-Schulz square root, then signed square root and
    l2 normalisation of the vector."""

    def __init__(self, in_channels: int,
                 reduced_channels: Optional[int] = None, num_iter: int = 5,
                 eps: float = 1e-8) -> None:
        super().__init__(in_channels, reduced_channels, num_iter)
        self.eps = _positive('eps', eps)

    def normalize_vector(self, vec: torch.Tensor) -> torch.Tensor:
        return signed_sqrt_l2(vec, self.eps)


class IBCNNLT(IBCNN):
    """IB-CNN followed by a learnable element-wise affine transform."""

    def __init__(self, in_channels: int,
                 reduced_channels: Optional[int] = None, num_iter: int = 5,
                 eps: float = 1e-8) -> None:
        super().__init__(in_channels, reduced_channels, num_iter, eps)
        self.transform = _LearnableAffine(self.output_dim)

    def normalize_vector(self, vec: torch.Tensor) -> torch.Tensor:
        return self.transform(super().normalize_vector(vec))


class MaxExp(GCP):
    """MaxExp: eigenvalues mapped by ``1 - (1 - l / (l_max + eps))^alpha``.

    Args:
        in_channels, reduced_channels: see :class:`GCP`.
        alpha (float): the exponent, ``> 0``. Default: 2.
        eps (float): keeps ``l / (l_max + eps) < 1``, ``> 0``.
            Default: 1e-5.
    """

    def __init__(self, in_channels: int,
                 reduced_channels: Optional[int] = None, alpha: float = 2.0,
                 eps: float = 1e-5) -> None:
        super().__init__(in_channels, reduced_channels)
        self.alpha = _positive('alpha', alpha)
        self.eps = _positive('eps', eps)

    def normalize(self, cov: torch.Tensor) -> torch.Tensor:
        lam_max = symmetric_eigvalsh(cov)[..., -1].clamp_min(0)
        scaled = cov / (lam_max + self.eps)[..., None, None]
        alpha = self.alpha
        return sym_matrix_function(
            scaled, lambda x: 1 - (1 - x.clamp(0, 1))**alpha,
            lambda x: alpha * (1 - x.clamp(0, 1))**(alpha - 1))


class APN(GCP):
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
        in_channels, reduced_channels: see :class:`GCP`.
        alphas (Sequence[float]): candidate exponents, each ``> 0``.
            Default: 0.1, 0.2, ..., 1.0.
    """

    def __init__(self, in_channels: int,
                 reduced_channels: Optional[int] = None,
                 alphas: Sequence[float] = tuple(a / 10 for a in range(1, 11))
                 ) -> None:
        super().__init__(in_channels, reduced_channels)
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


COV_POOLINGS: Dict[str, Type[GCP]] = {
    'gcp': GCP,
    'bcnn': BCNN,
    'sigme': SigmE,
    'ln': LayerNormCov,
    'bcnn_lt': BCNNLT,
    'deep_o2p': DeepO2P,
    'ilogm': ILogM,
    'mpn': MPNCov,
    'isqrt': ISqrtCov,
    'ibcnn': IBCNN,
    'ibcnn_lt': IBCNNLT,
    'maxexp': MaxExp,
    'apn': APN,
    'dropcov': DropCov,
}


def build_cov_pooling(method: str, in_channels: int,
                      reduced_channels: Optional[int] = None,
                      **params) -> GCP:
    """A covariance pooling by name (see :data:`COV_POOLINGS`)."""
    if method not in COV_POOLINGS:
        raise KeyError(f'unknown covariance pooling {method!r}; known: '
                       f'{", ".join(COV_POOLINGS)}')
    pooling = COV_POOLINGS[method]
    check_keywords(pooling.__name__, params, keywords_of(
        pooling.__init__, skip=('in_channels', 'reduced_channels')))
    return pooling(in_channels, reduced_channels, **params)
