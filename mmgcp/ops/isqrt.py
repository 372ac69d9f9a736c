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


class _ISqrt(torch.autograd.Function):
    """Forward and hand-derived backward of REFERENCE section 1.

    Forward (A = cov / tr(cov), Y0 = A, Z0 = I, k = 0..N-1):
        T_k = (3I - Z_k Y_k) / 2;  Y_{k+1} = Y_k T_k;  Z_{k+1} = T_k Z_k
    with the last step computing Y only, then out = Y_N * sqrt(tr(cov)).
    Backward walks the iterations in reverse. Transposes are kept (rather
    than using the symmetry of Y, Z, T) so the gradient is exact for
    non-symmetric perturbations too; a transposed operand is free in bmm.

    Memory: only Y_k and Z_k are kept for the backward, which recomputes T_k
    (one baddbmm a step) instead of holding it as autograd does. Step 0
    needs no product (Z0 = I, T0 = 1.5 I - 0.5 A, Z1 = T0): a pass costs
    3N - 3 bmm's forward and 7N - 7 backward.
    """

    @staticmethod
    def forward(ctx, cov: torch.Tensor, num_iter: int) -> torch.Tensor:
        eye = _eye_like(cov)
        trace = cov.diagonal(dim1=-2, dim2=-1).sum(-1)
        # Zero trace (all-zero or constant features) means cov == 0; clamping
        # keeps the output 0 instead of 0/0 while NaN still propagates.
        norm = trace.clamp_min(torch.finfo(cov.dtype).tiny)
        y = cov / norm[:, None, None]
        ys, zs = [], []
        z = None  # Z_0 = I, never materialised; Z_1 = T_0 is cheap too
        for k in range(num_iter):
            ys.append(y)
            zs.append(z if k >= 2 else None)
            if z is None:
                t = _first_t(eye, y)
            else:
                t = torch.baddbmm(eye, z, y, beta=1.5, alpha=-0.5)
            if k < num_iter - 1:
                z = t if z is None else torch.bmm(t, z)
            y = torch.bmm(y, t)
        out = y.mul_(norm.sqrt()[:, None, None])
        ctx.num_iter = num_iter
        ctx.save_for_backward(cov, trace, out, *ys, *zs[2:])
        return out

    @staticmethod
    def backward(ctx, grad: torch.Tensor):
        cov, trace, out, *rest = ctx.saved_tensors
        ys = list(rest[:ctx.num_iter])
        zs = [None, None][:ctx.num_iter] + list(rest[ctx.num_iter:])
        tiny = torch.finfo(cov.dtype).tiny
        with no_autocast(grad):
            eye = _eye_like(cov)
            norm = trace.clamp_min(tiny)
            g_y = grad * norm.sqrt()[:, None, None]
            g_norm = (grad * out).sum((1, 2)) / (2 * norm)
            g_z = None
            for k in reversed(range(len(ys))):
                y, z = ys.pop(), zs.pop()
                if k == 0:  # Y_1 = A T_0, Z_1 = T_0, T_0 = 1.5 I - 0.5 A
                    t = _first_t(eye, y)
                    g_t = torch.bmm(y.transpose(1, 2), g_y)
                    if g_z is not None:
                        g_t.add_(g_z)
                    g_y = torch.bmm(g_y, t.transpose(1, 2)).add_(g_t,
                                                                alpha=-0.5)
                    break
                if z is None:  # k == 1: Z_1 = T_0
                    z = _first_t(eye, ys[0])
                t = torch.baddbmm(eye, z, y, beta=1.5, alpha=-0.5)
                # dL/dT from Y_{k+1} = Y_k T_k and Z_{k+1} = T_k Z_k
                g_t = torch.bmm(y.transpose(1, 2), g_y)
                if g_z is not None:
                    g_t.baddbmm_(g_z, z.transpose(1, 2))
                g_y = torch.bmm(g_y, t.transpose(1, 2)).baddbmm_(
                    z.transpose(1, 2), g_t, alpha=-0.5)
                g_z_prev = torch.bmm(g_t, y.transpose(1, 2)).mul_(-0.5)
                if g_z is not None:
                    g_z_prev.baddbmm_(t.transpose(1, 2), g_z)
                g_z = g_z_prev
            # g_y is now dL/dA with A = cov / norm.
            g_norm = g_norm - (g_y * cov).sum((1, 2)) / norm.square()
            g_norm = torch.where(trace > tiny, g_norm,
                                 torch.zeros_like(g_norm))
            g_cov = g_y.div_(norm[:, None, None])
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
