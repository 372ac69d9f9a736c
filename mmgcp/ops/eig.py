"""Exact matrix functions of symmetric matrices by eigendecomposition."""
from typing import Callable

import torch

from ._dtype import no_autocast, to_compute

__all__ = ['sym_matrix_function', 'mpn', 'floor_eigenvalues',
           'symmetric_eigvalsh', 'check_finite']

ScalarFn = Callable[[torch.Tensor], torch.Tensor]


def _divided_differences(lam: torch.Tensor, f: torch.Tensor,
                         df: torch.Tensor) -> torch.Tensor:
    """K_ij = (f_i - f_j) / (l_i - l_j), and f'(l) where l_i ~ l_j.

    The usual 1 / (l_i - l_j) form of the eigh gradient is infinite for
    repeated eigenvalues (a rank-deficient covariance has many zeros); the
    divided difference of f stays finite there.
    """
    diff = lam[..., :, None] - lam[..., None, :]
    scale = torch.maximum(lam[..., :, None].abs(), lam[..., None, :].abs())
    close = diff.abs() <= scale * torch.finfo(lam.dtype).eps**0.5
    safe_diff = torch.where(close, torch.ones_like(diff), diff)
    secant = (f[..., :, None] - f[..., None, :]) / safe_diff
    mid_slope = 0.5 * (df[..., :, None] + df[..., None, :])
    return torch.where(close, mid_slope, secant)


def floor_eigenvalues(lam: torch.Tensor) -> torch.Tensor:
    """Floor a PSD matrix's eigenvalues (ascending, last dim) at
    ``eps * lambda_max``, and at least at the smallest normal number:
    rounding can make them slightly negative, and f(lambda) and f'(lambda)
    must stay finite (``a * l^(a - 1)`` of a small power overflows float32
    at a subnormal l, as for a zero covariance)."""
    info = torch.finfo(lam.dtype)
    floor = (lam[..., -1:] * info.eps).clamp_min(info.tiny)
    return torch.maximum(lam, floor)


def check_finite(mat: torch.Tensor) -> None:
    """Raise one line if ``mat`` holds NaN or Inf: an eigendecomposition
    of it fails with an unrelated "ill-conditioned" error (or returns
    garbage). Reads a value back, so it syncs the device; the
    eigendecomposition that follows does so anyway."""
    if not bool(torch.isfinite(mat).all()):
        raise FloatingPointError(
            f'the features given to an eigendecomposition-based covariance '
            f'pooling are not finite (NaN or Inf in a {tuple(mat.shape)} '
            'covariance): check the network before it (learning rate, '
            'mixed precision, input data)')


def symmetric_eigvalsh(mat: torch.Tensor) -> torch.Tensor:
    """Eigenvalues (ascending) of ``(mat + mat^T) / 2`` after
    :func:`check_finite`."""
    check_finite(mat)
    return torch.linalg.eigvalsh(0.5 * (mat + mat.transpose(-1, -2)))


class _SymMatrixFunction(torch.autograd.Function):

    @staticmethod
    def forward(ctx, sym, fn, dfn):
        lam, vec = torch.linalg.eigh(sym)
        lam = floor_eigenvalues(lam)
        f = fn(lam)
        ctx.save_for_backward(lam, vec, f)
        ctx.dfn = dfn
        return vec @ (f[..., :, None] * vec.transpose(-1, -2))

    @staticmethod
    def backward(ctx, grad):
        lam, vec, f = ctx.saved_tensors
        with no_autocast(grad):
            kernel = _divided_differences(lam, f, ctx.dfn(lam))
            inner = vec.transpose(-1, -2) @ grad @ vec
            inner = 0.5 * (inner + inner.transpose(-1, -2))
            g = vec @ (kernel * inner) @ vec.transpose(-1, -2)
        return g, None, None


def sym_matrix_function(mat: torch.Tensor, fn: ScalarFn,
                        dfn: ScalarFn) -> torch.Tensor:
    """``U diag(fn(lambda)) U^T`` for symmetric ``mat = U diag(lambda) U^T``.

    The input is symmetrised first, so the gradient is that of
    ``f((X + X^T) / 2)``. Eigenvalues are floored at ``eps * lambda_max``
    (PSD input assumed). Non-finite input raises :class:`FloatingPointError`
    (:func:`check_finite`). The backward uses divided differences, so it is
    finite for repeated eigenvalues; it is still ill-conditioned where ``fn``
    is steep (e.g. ``sqrt`` near zero).

    Args:
        mat (Tensor): ``... x C x C`` symmetric PSD matrices.
        fn (callable): element-wise scalar function of the eigenvalues.
        dfn (callable): its derivative.

    Returns:
        Tensor: ``... x C x C``, float32 (float64 for float64 input).
    """
    with no_autocast(mat):
        mat = to_compute(mat)
        check_finite(mat)
        sym = 0.5 * (mat + mat.transpose(-1, -2))
        return _SymMatrixFunction.apply(sym, fn, dfn)


def mpn(cov: torch.Tensor, alpha: float = 0.5) -> torch.Tensor:
    """Exact matrix power normalisation (MPN-COV): ``U diag(l^alpha) U^T``.

    O(C^3) by eigendecomposition: the accurate but slow baseline that iSQRT
    approximates (for ``alpha = 0.5``).

    Args:
        cov (Tensor): ``... x C x C`` covariance matrices.
        alpha (float): the power, ``> 0``. Default: 0.5.

    Returns:
        Tensor: ``... x C x C``, float32 (float64 for float64 input).
    """
    if not alpha > 0:
        raise ValueError(f'alpha must be > 0, got {alpha}')
    return sym_matrix_function(cov, lambda lam: lam.pow(alpha),
                               lambda lam: alpha * lam.pow(alpha - 1))
