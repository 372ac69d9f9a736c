import pytest
import torch

from mmgcp.ops import covariance, triu_size, triu_unvec, triu_vec


def centering_matrix_covariance(x):
    """The reference's formulation: X Ibar X^T with an M x M centring
    matrix."""
    b, c, m = x.shape
    ibar = (torch.eye(m, dtype=x.dtype) - torch.ones(m, m, dtype=x.dtype) / m)
    return x @ ibar @ x.transpose(1, 2) / m


@pytest.mark.parametrize('shape', [(2, 5, 7), (3, 16, 4), (1, 8, 64)])
def test_covariance_matches_centering_matrix(shape):
    x = torch.randn(*shape, dtype=torch.float64)
    torch.testing.assert_close(covariance(x), centering_matrix_covariance(x),
                               rtol=1e-12, atol=1e-12)


def test_covariance_of_4d_features_flattens_positions():
    x = torch.randn(2, 6, 3, 5, dtype=torch.float64)
    torch.testing.assert_close(covariance(x), covariance(x.flatten(2)))
    assert covariance(x).shape == (2, 6, 6)


def test_covariance_divides_by_n_not_n_minus_1():
    x = torch.tensor([[[1.0, -1.0]]])  # one channel, values +-1
    assert covariance(x).item() == pytest.approx(1.0)


def test_covariance_half_precision_is_float32():
    x = torch.randn(2, 4, 9).half()
    assert covariance(x).dtype == torch.float32


def test_covariance_rejects_bad_rank():
    with pytest.raises(ValueError, match='B x C x H x W'):
        covariance(torch.randn(4, 4))


def test_triu_vec_is_row_major_upper_triangle():
    mat = torch.arange(9.0).reshape(1, 3, 3)
    assert triu_vec(mat).tolist() == [[0.0, 1.0, 2.0, 4.0, 5.0, 8.0]]


@pytest.mark.parametrize('dim,length', [(256, 32896), (128, 8256), (1, 1)])
def test_triu_sizes(dim, length):
    assert triu_size(dim) == length
    assert triu_vec(torch.zeros(2, dim, dim)).shape == (2, length)


def test_triu_unvec_inverts_triu_vec_for_symmetric_matrices():
    a = torch.randn(3, 7, 7, dtype=torch.float64)
    sym = a + a.transpose(1, 2)
    torch.testing.assert_close(triu_unvec(triu_vec(sym)), sym)
    vec = torch.randn(4, 28)
    torch.testing.assert_close(triu_vec(triu_unvec(vec)), vec)


def test_triu_errors():
    with pytest.raises(ValueError, match='square'):
        triu_vec(torch.zeros(2, 3, 4))
    with pytest.raises(ValueError, match='triangular'):
        triu_unvec(torch.zeros(5))


def test_covariance_gradient_is_exact():
    x = torch.randn(2, 5, 7, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(covariance, (x, ))
    # and equals autograd through the centring and the product
    weight = torch.randn(2, 5, 5, dtype=torch.float64)
    ours, = torch.autograd.grad((covariance(x) * weight).sum(), x)
    xc = x - x.mean(-1, keepdim=True)
    ref, = torch.autograd.grad((xc @ xc.mT / 7 * weight).sum(), x)
    assert torch.allclose(ours, ref, atol=1e-12)
