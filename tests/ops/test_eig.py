import pytest
import torch

from mmgcp.ops import covariance, mpn, sym_matrix_function


def spd(b, c, n, seed=0):
    g = torch.Generator().manual_seed(seed)
    return covariance(torch.randn(b, c, n, generator=g, dtype=torch.float64))


def test_mpn_half_power_is_the_square_root():
    cov = spd(2, 6, 40)
    root = mpn(cov, 0.5)
    torch.testing.assert_close(root @ root, cov, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize('alpha', [0.25, 0.5, 1.0, 2.0])
def test_mpn_matches_eigendecomposition(alpha):
    cov = spd(3, 5, 30)
    lam, vec = torch.linalg.eigh(cov)
    expected = vec @ torch.diag_embed(lam**alpha) @ vec.mT
    torch.testing.assert_close(mpn(cov, alpha), expected)


@pytest.mark.parametrize('alpha', [0.5, 1.5])
def test_mpn_gradcheck_well_conditioned(alpha):
    cov = spd(2, 5, 50).requires_grad_()
    assert torch.autograd.gradcheck(lambda m: mpn(m, alpha), (cov, ))


def test_mpn_gradient_is_finite_for_rank_deficient_and_repeated():
    # N < C: many zero (repeated) eigenvalues, where 1/(l_i - l_j) blows up
    cov = spd(2, 12, 4).requires_grad_()
    out = mpn(cov)
    out.sum().backward()
    assert torch.isfinite(out).all() and torch.isfinite(cov.grad).all()
    eye = torch.eye(4, dtype=torch.float64).expand(2, 4, 4).clone()
    eye.requires_grad_()
    mpn(eye).sum().backward()
    assert torch.isfinite(eye.grad).all()


def test_sym_matrix_function_gradient_uses_symmetric_part():
    cov = spd(1, 4, 20)
    nonsym = (cov + 0.1 * torch.randn(1, 4, 4, dtype=torch.float64))
    nonsym.requires_grad_()
    assert torch.autograd.gradcheck(
        lambda m: sym_matrix_function(m, torch.exp, torch.exp), (nonsym, ))


def test_mpn_half_precision_is_float32():
    assert mpn(spd(1, 4, 10).half()).dtype == torch.float32


@pytest.mark.parametrize('alpha', [0, -0.5])
def test_mpn_rejects_non_positive_alpha(alpha):
    with pytest.raises(ValueError, match='alpha'):
        mpn(spd(1, 3, 5), alpha)
