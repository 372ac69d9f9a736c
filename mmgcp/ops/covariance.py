"""Sample covariance and the upper-triangular vectorisation."""
from functools import lru_cache
from typing import Optional

import torch

from ._dtype import no_autocast, to_compute

__all__ = ['covariance', 'triu_vec', 'triu_unvec', 'triu_size']


class _Covariance(torch.autograd.Function):
    """``S Xc Xc^T S / N``: the covariance of ``x`` (channel means ``mean``)
    with channel ``i`` scaled by ``scale[:, i]``; no scaling when ``scale``
    is None.

    The output is symmetric in ``Xcs = S Xc``, so its backward is one bmm,
    ``P = (G + G^T) Xcs / N``, where autograd through ``bmm(xcs, xcs^T)``
    does two. The rows of ``P`` sum to zero over the positions, so neither
    the centring nor the mean (the true mean of ``x``) needs a backward of
    its own: ``dL/dx = s * P`` and ``dL/ds = sum_n P * x``.
    """

    @staticmethod
    def forward(ctx, x: torch.Tensor, mean: torch.Tensor,
                scale: Optional[torch.Tensor]) -> torch.Tensor:
        if scale is None:
            centred = x - mean.unsqueeze(-1)
        else:  # one pass for the centring and the scaling
            centred = torch.addcmul((-mean * scale).unsqueeze(-1), x,
                                    scale.unsqueeze(-1))
        # x only for dL/ds: unscaled, it would keep a copy alive for nothing
        ctx.save_for_backward(None if scale is None else x, scale, centred)
        return torch.bmm(centred, centred.mT).div_(x.shape[-1])

    @staticmethod
    @torch.autograd.function.once_differentiable
    def backward(ctx, grad: torch.Tensor):
        x, scale, centred = ctx.saved_tensors
        p = torch.bmm((grad + grad.mT).div_(centred.shape[-1]), centred)
        if scale is None:
            return p, None, None
        g_scale = torch.linalg.vecdot(p, x) if ctx.needs_input_grad[2] \
            else None
        return p.mul_(scale.unsqueeze(-1)), None, g_scale


def scaled_covariance(feats: torch.Tensor, mean: torch.Tensor,
                      scale: torch.Tensor) -> torch.Tensor:
    """Covariance of ``B x C x N`` features whose channel ``i`` is scaled by
    ``scale[:, i]``, given their channel means (``B x C``, as computed for
    global average pooling). Compute-dtype input (see ``_dtype``)."""
    return _Covariance.apply(feats, mean, scale)


def covariance(x: torch.Tensor) -> torch.Tensor:
    """Covariance of the spatial samples of a feature map.

    Centring the features first gives the same matrix as the reference's
    M x M centring matrix with two bmm's, for O(C*N) instead of O(N^2) memory.
    The backward is a single bmm (see ``_Covariance``).

    Args:
        x (Tensor): ``B x C x H x W`` or ``B x C x N`` features; the
            ``N = H*W`` positions are the samples. Half-precision input is
            computed in float32.

    Returns:
        Tensor: ``B x C x C`` covariance, mean removed, normalised by ``N``
        (not ``N - 1``), in float32 (float64 for float64 input).
    """
    if x.dim() not in (3, 4):
        raise ValueError(f'covariance expects B x C x H x W or B x C x N '
                         f'features, got shape {tuple(x.shape)}')
    with no_autocast(x):
        x = to_compute(x).flatten(2)
        return _Covariance.apply(x, x.mean(dim=-1), None)


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
