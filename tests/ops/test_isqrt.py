import pytest
import torch

from mmgcp.ops import covariance, isqrt


def unrolled_isqrt(cov, num_iter=5):
    """iSQRT-COV (Li et al., CVPR 2018) written out independently, for
    autograd."""
    eye = torch.eye(cov.shape[-1], dtype=cov.dtype).expand_as(cov)
    trace = cov.diagonal(dim1=1, dim2=2).sum(-1)[:, None, None]
    y, z = cov / trace, eye
    for _ in range(num_iter - 1):
        t = 0.5 * (3 * eye - z @ y)
        y, z = y @ t, t @ z
    y = y @ (0.5 * (3 * eye - z @ y))
    return y * trace.sqrt()


def relu_covariance(b, c, n, dtype=torch.float64, seed=0):
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(b, c, n, generator=g, dtype=dtype).relu()
    return covariance(x)


def rel_err(a, b):
    return ((a.double() - b.double()).norm() / b.double().norm()).item()


CASES = [(2, 8, 30), (3, 16, 5), (1, 32, 196), (4, 12, 12)]  # N<C included


@pytest.mark.parametrize('b,c,n', CASES)
@pytest.mark.parametrize('num_iter', [1, 3, 5])
def test_forward_matches_unrolled_float64(b, c, n, num_iter):
    cov = relu_covariance(b, c, n)
    assert rel_err(isqrt(cov, num_iter), unrolled_isqrt(cov, num_iter)) < 1e-10


@pytest.mark.parametrize('b,c,n', CASES)
def test_forward_float32_matches_float64(b, c, n):
    cov = relu_covariance(b, c, n)
    out = isqrt(cov.float())
    assert out.dtype == torch.float32
    assert rel_err(out, unrolled_isqrt(cov)) < 1e-5


@pytest.mark.parametrize('b,c,n', [(2, 6, 10), (2, 5, 3)])
@pytest.mark.parametrize('num_iter', [1, 2, 5])
def test_gradcheck(b, c, n, num_iter):
    cov = relu_covariance(b, c, n).requires_grad_()
    assert torch.autograd.gradcheck(lambda m: isqrt(m, num_iter), (cov, ))


@pytest.mark.parametrize('b,c,n', CASES)
def test_gradient_matches_autograd_through_unrolled(b, c, n):
    cov = relu_covariance(b, c, n)
    weight = torch.randn(b, c, c, dtype=torch.float64)
    ours = cov.clone().requires_grad_()
    (isqrt(ours) * weight).sum().backward()
    ref = cov.clone().requires_grad_()
    (unrolled_isqrt(ref) * weight).sum().backward()
    assert rel_err(ours.grad, ref.grad) < 1e-10


def test_gradient_through_covariance_of_features():
    x = torch.randn(2, 5, 8, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(lambda f: isqrt(covariance(f)), (x, ))


def test_five_iterations_are_an_approximation():
    # On ReLU features the 5-iteration result is far (~40% at
    # d=256, M=196) from the exact square root, yet it is a square root of
    # a nearby matrix: the iteration converges with more steps.
    cov = relu_covariance(1, 64, 196)
    lam, vec = torch.linalg.eigh(cov)
    exact = vec @ torch.diag_embed(lam.clamp_min(0).sqrt()) @ vec.mT
    assert rel_err(isqrt(cov, 5), exact) > 0.1
    assert rel_err(isqrt(cov, 60), exact) < rel_err(isqrt(cov, 5), exact) / 3


@pytest.mark.parametrize('features', ['zeros', 'constant'])
def test_degenerate_features_are_finite(features):
    x = torch.zeros(2, 4, 3, 3) if features == 'zeros' else \
        torch.full((2, 4, 3, 3), 7.0)
    x.requires_grad_()
    out = isqrt(covariance(x))
    out.sum().backward()
    assert torch.isfinite(out).all() and (out == 0).all()
    assert torch.isfinite(x.grad).all()


@pytest.mark.parametrize('dtype', [torch.float16, torch.bfloat16])
def test_half_precision_is_computed_in_float32(dtype):
    x = torch.randn(2, 16, 49).relu()
    ref = isqrt(covariance(x))
    out = isqrt(covariance(x.to(dtype)))
    assert out.dtype == torch.float32 and torch.isfinite(out).all()
    # only the input rounding differs
    ref_rounded = isqrt(covariance(x.to(dtype).float()))
    assert rel_err(out, ref_rounded) < 1e-3
    assert rel_err(out, ref) < 2e-2


def test_autocast_input_is_computed_in_float32():
    x = torch.randn(2, 16, 49).relu().requires_grad_()
    ref = isqrt(covariance(x))
    with torch.autocast('cpu', dtype=torch.bfloat16):
        out = isqrt(covariance(x))
    assert out.dtype == torch.float32
    assert rel_err(out, ref) < 1e-3
    out.sum().backward()
    assert x.grad.dtype == torch.float32 and torch.isfinite(x.grad).all()


@pytest.mark.parametrize('scale', [1e-6, 1e-3, 1.0, 1e3, 1e6])
def test_extreme_scales_are_finite_and_scale_correctly(scale):
    x = torch.randn(2, 8, 20).relu()
    base = isqrt(covariance(x))
    out = isqrt(covariance(x * scale))
    assert torch.isfinite(out).all()
    # sqrt(cov(s x)) = s sqrt(cov(x)): the normalisation makes it exact
    assert rel_err(out / scale, base) < 1e-4


@pytest.mark.parametrize('bad', [float('nan'), float('inf')])
def test_non_finite_input_propagates_as_nan(bad):
    x = torch.randn(2, 4, 10)
    x[0, 1, 3] = bad
    out = isqrt(covariance(x))
    assert torch.isnan(out[0]).all()
    assert torch.isfinite(out[1]).all()  # other samples unaffected


def test_argument_errors():
    with pytest.raises(ValueError, match='B x C x C'):
        isqrt(torch.zeros(3, 4))
    with pytest.raises(ValueError, match='num_iter'):
        isqrt(torch.zeros(1, 3, 3), num_iter=0)


def test_second_backward_through_a_retained_graph_recomputes():
    cov = relu_covariance(2, 6, 10).requires_grad_()
    out = isqrt(cov)
    weight = torch.randn_like(out)
    first, = torch.autograd.grad(out, cov, weight, retain_graph=True)
    second, = torch.autograd.grad(out, cov, weight)
    assert torch.equal(first, second)
