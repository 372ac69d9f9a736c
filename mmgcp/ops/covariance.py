"""Sample covariance and the upper-triangular vectorisation."""
from functools import lru_cache

import torch

from ._dtype import no_autocast, to_compute

__all__ = ['covariance', 'triu_vec', 'triu_unvec', 'triu_size']


class _Covariance(torch.autograd.Function):
    """``Xc Xc^T / N`` with ``Xc`` the centred features.

    The output is symmetric in ``Xc``, so its backward is one bmm,
    ``dL/dX = (G + G^T) Xc / N``, where autograd through ``bmm(xc, xc^T)``
    does two; the rows of that product already sum to zero over the
    positions, so the centring needs no backward pass of its own.
    """

    @staticmethod
    def forward(ctx, x: torch.Tensor) -> torch.Tensor:
        xc = x - x.mean(dim=-1, keepdim=True)
        ctx.save_for_backward(xc)
        return torch.bmm(xc, xc.mT).div_(x.shape[-1])

    @staticmethod
    @torch.autograd.function.once_differentiable
    def backward(ctx, grad: torch.Tensor) -> torch.Tensor:
        (xc, ) = ctx.saved_tensors
        sym = (grad + grad.mT).div_(xc.shape[-1])
        return torch.bmm(sym, xc)


def covariance(x: torch.Tensor) -> torch.Tensor:
    """Covariance of the spatial samples of a feature map.

    Centring the features first gives the same matrix as the reference's
    M x M centring matrix with two bmm's, for O(C*N) instead of O(N^2) memory.
    The backward is a single bmm (see ``_Covariance``).

    Args:
        x (Tensor): ``B x C x H x W`` or ``B x C x N`` features; the ``N = H*W``
            positions are the samples. Half-precision input is computed in
            float32.

    Returns:
        Tensor: ``B x C x C`` covariance, mean removed, normalised by ``N``
        (not ``N - 1``), in float32 (float64 for float64 input).
    """
    if x.dim() not in (3, 4):
        raise ValueError(f'covariance expects B x C x H x W or B x C x N '
                         f'features, got shape {tuple(x.shape)}')
    with no_autocast(x):
        return _Covariance.apply(to_compute(x).flatten(2))


def triu_size(dim: int) -> int:
    """Length of the vectorised upper triangle of a ``dim x dim`` matrix."""
    return dim * (dim + 1) // 2


@lru_cache(maxsize=32)
def _flat_triu_index(dim: int, device: torch.device) -> torch.Tensor:
    rows, cols = torch.triu_indices(dim, dim, device=device)
    return rows * dim + cols


def triu_vec(mat: torch.Tensor) -> torch.Tensor:
    """Upper triangle (diagonal included) of square matrices, row-major.

    Args:
        mat (Tensor): ``... x C x C``.

    Returns:
        Tensor: ``... x C(C+1)/2``, ordered (0,0), (0,1), ..., (0,C-1),
        (1,1), ... as in the released iSQRT-COV models.
    """
    dim = mat.shape[-1]
    if mat.dim() < 2 or mat.shape[-2] != dim:
        raise ValueError(f'triu_vec expects square matrices, got shape '
                         f'{tuple(mat.shape)}')
    index = _flat_triu_index(dim, mat.device)
    return mat.flatten(-2).index_select(-1, index)


def triu_unvec(vec: torch.Tensor) -> torch.Tensor:
    """Inverse of :func:`triu_vec` for symmetric matrices.

    Args:
        vec (Tensor): ``... x C(C+1)/2``.

    Returns:
        Tensor: ``... x C x C`` symmetric matrices.
    """
    length = vec.shape[-1]
    dim = int(round(((8 * length + 1)**0.5 - 1) / 2))
    if triu_size(dim) != length:
        raise ValueError(f'{length} is not a triangular number C(C+1)/2')
    index = _flat_triu_index(dim, vec.device)
    flat = vec.new_zeros(*vec.shape[:-1], dim * dim)
    flat.index_copy_(-1, index, vec)
    upper = flat.unflatten(-1, (dim, dim))
    return upper + upper.transpose(-1, -2).tril(-1)
