"""iSQRT-COV: matrix square root by coupled Newton-Schulz iterations."""
import torch

from ._dtype import no_autocast, to_compute

__all__ = ['isqrt']


def _eye_like(mat: torch.Tensor) -> torch.Tensor:
    return torch.eye(mat.shape[-1], dtype=mat.dtype,
                     device=mat.device).expand_as(mat)


def _first_t(eye: torch.Tensor, a: torch.Tensor) -> torch.Tensor:
    """T_0 = (3I - Z_0 Y_0) / 2 = 1.5 I - 0.5 A, since Z_0 = I."""
    return torch.add(eye, a, alpha=-0.5).add_(eye, alpha=0.5)


def _upper_mask(mat: torch.Tensor) -> torch.Tensor:
    """C x C boolean mask of the upper triangle, diagonal included."""
    return torch.ones(mat.shape[-2:], dtype=torch.bool,
                      device=mat.device).triu_()


def _pack(upper: torch.Tensor, y: torch.Tensor, z: torch.Tensor):
    """Two symmetric matrices in the space of one: Y's upper triangle and
    diagonal, Z's strict lower triangle, and Z's diagonal aside."""
    return torch.where(upper, y, z), z.diagonal(dim1=1, dim2=2).clone()


def _unpack(upper: torch.Tensor, packed):
    both, z_diag = packed
    y = torch.where(upper, both, both.mT)
    z = torch.where(upper, both.mT, both)
    z.diagonal(dim1=1, dim2=2).copy_(z_diag)
    return y, z


def _iterate(cov: torch.Tensor, num_iter: int, keep: bool):
    """The forward iterations. Returns ``(Y_N, norm, packs)`` where
    ``packs[k - 2]`` holds (Y_k, Z_k) for k = 2..N-1 when ``keep``, packed
    but for the last."""
    eye = _eye_like(cov)
    trace = cov.diagonal(dim1=-2, dim2=-1).sum(-1)
    # Zero trace (all-zero or constant features) means cov == 0; clamping
    # keeps the output 0 instead of 0/0 while NaN still propagates.
    norm = trace.clamp_min(torch.finfo(cov.dtype).tiny)
    y = cov / norm[:, None, None]
    upper = _upper_mask(cov) if keep else None
    packs = []
    z = None  # Z_0 = I, never materialised; Z_1 = T_0 is cheap too
    for k in range(num_iter):
        if keep and k >= 2:
            # the last pair is used first in the backward, before the peak:
            # kept as is, it saves a pack and an unpack
            packs.append((y, z) if k == num_iter - 1 else
                         _pack(upper, y, z))
        if z is None:
            t = _first_t(eye, y)
        else:
            t = torch.baddbmm(eye, z, y, beta=1.5, alpha=-0.5)
        if k < num_iter - 1:
            z = t if z is None else torch.bmm(t, z)
        y = torch.bmm(y, t)
    return y, norm, packs


def _batch_dot(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    return torch.linalg.vecdot(a.flatten(1), b.flatten(1))


class _ISqrt(torch.autograd.Function):
    """Forward and hand-derived backward of iSQRT-COV (Li et al., CVPR
    2018; docs/method.md).

    Forward (A = cov / tr(cov), Y0 = A, Z0 = I, k = 0..N-1):
        T_k = (3I - Z_k Y_k) / 2;  Y_{k+1} = Y_k T_k;  Z_{k+1} = T_k Z_k
    with the last step computing Y only, then out = Y_N * sqrt(tr(cov)).
    Backward walks the iterations in reverse: 3N - 3 bmm's forward and
    7N - 6 backward, against 3N - 1 and 6N - 3 for autograd through the
    unrolled iterations.

    Memory: Y_k and Z_k are symmetric (polynomials in the symmetric A), so
    each pair is kept in one matrix (upper and lower triangle); T_k is
    recomputed (one baddbmm), A from ``cov`` and Y_1 = A T_0 (one bmm), and
    the last pair, used first, is kept as it is. The backward frees each
    pair once used and runs the recurrence on the incoming gradient
    itself, scaling once at the end. A second backward through the same
    graph (``retain_graph=True``, as in gradcheck) recomputes the forward
    iterations. The input must be symmetric, as covariance matrices are;
    gradients flow to all C x C entries, as through autograd.
    """

    @staticmethod
    def forward(ctx, cov: torch.Tensor, num_iter: int) -> torch.Tensor:
        keep = ctx.needs_input_grad[0]
        y, norm, packs = _iterate(cov, num_iter, keep)
        out = y.mul_(norm.sqrt()[:, None, None])
        ctx.num_iter, ctx.packs = num_iter, packs
        ctx.save_for_backward(cov, norm, out)
        return out

    @staticmethod
    def backward(ctx, grad: torch.Tensor):
        cov, norm, out = ctx.saved_tensors
        packs, ctx.packs = ctx.packs, None  # the only reference from here
        if packs is None:  # a second backward through a retained graph
            packs = _iterate(cov, ctx.num_iter, True)[2]
        with no_autocast(grad):
            eye, upper = _eye_like(cov), _upper_mask(cov)
            # the recurrence is linear in the gradient: run it on grad and
            # apply the sqrt(norm) of the output scaling once at the end
            g_y, g_z = grad, None
            a = None
            for k in reversed(range(1, ctx.num_iter)):
                if k >= 2:
                    y, z = packs.pop()
                    if k < ctx.num_iter - 1:
                        y, z = _unpack(upper, (y, z))
                else:  # Z_1 = T_0 and Y_1 = A T_0: cheaper to recompute
                    a = cov / norm[:, None, None]
                    z = _first_t(eye, a)
                    y = torch.bmm(a, z)
                t = torch.baddbmm(eye, z, y, beta=1.5, alpha=-0.5)
                # dL/dT from Y_{k+1} = Y_k T_k and Z_{k+1} = T_k Z_k; Y_k
                # and Z_k are symmetric, T_k only up to rounding
                g_t = torch.bmm(y, g_y)
                if g_z is not None:
                    g_t.baddbmm_(g_z, z)
                g_y_prev = torch.bmm(g_y, t.mT).baddbmm_(z, g_t, alpha=-0.5)
                del z, g_y
                if g_z is None:
                    g_z_prev = torch.bmm(g_t, y).mul_(-0.5)
                else:
                    g_z_prev = torch.bmm(t.mT, g_z).baddbmm_(g_t, y,
                                                             alpha=-0.5)
                del y, t, g_t
                g_y, g_z = g_y_prev, g_z_prev
            # k = 0: Y_1 = A T_0, Z_1 = T_0, T_0 = 1.5 I - 0.5 A, so
            # dL/dA = 1.5 G - 0.5 G A - 0.5 A G - 0.5 dL/dZ_1
            if a is None:
                a = cov / norm[:, None, None]
            g_a = torch.baddbmm(g_y, g_y, a, beta=1.5, alpha=-0.5)
            g_a.baddbmm_(a, g_y, alpha=-0.5)
            if g_z is not None:
                g_a.add_(g_z, alpha=-0.5)
            del a, g_y, g_z
            g_a.mul_(norm.sqrt()[:, None, None])  # now dL/dA
            g_norm = _batch_dot(grad, out) / (2 * norm) \
                - _batch_dot(g_a, cov) / norm.square()
            # the clamped (zero or negative) traces get no gradient
            g_norm = torch.where(norm > torch.finfo(cov.dtype).tiny, g_norm,
                                 torch.zeros_like(g_norm))
            g_cov = g_a.div_(norm[:, None, None])
            g_cov.diagonal(dim1=-2, dim2=-1).add_(g_norm[:, None])
        return g_cov, None


def isqrt(cov: torch.Tensor, num_iter: int = 5) -> torch.Tensor:
    """Approximate matrix square root of covariance matrices (iSQRT-COV).

    Trace pre-normalisation, ``num_iter`` coupled Newton-Schulz iterations
    (the last one computes Y only) and post-compensation by
    ``sqrt(trace)``. Five iterations are an approximation on purpose, not an
    exact ``sqrtm``.

    Numerics: half-precision input (or input under autocast) is computed in
    float32 and the result is float32. A zero matrix (zero trace) maps to
    zero with finite gradients. NaN/Inf input is not checked (that would
    force a device sync): it propagates as NaN to the output.

    Args:
        cov (Tensor): ``B x C x C`` symmetric positive semi-definite matrices.
        num_iter (int): Newton-Schulz iterations, ``>= 1``. Default: 5.

    Returns:
        Tensor: ``B x C x C``, float32 (float64 for float64 input).
    """
    if cov.dim() != 3 or cov.shape[1] != cov.shape[2]:
        raise ValueError(f'isqrt expects B x C x C matrices, got shape '
                         f'{tuple(cov.shape)}')
    if int(num_iter) != num_iter or num_iter < 1:
        raise ValueError(f'num_iter must be an integer >= 1, got {num_iter}')
    with no_autocast(cov):
        return _ISqrt.apply(to_compute(cov), int(num_iter))
