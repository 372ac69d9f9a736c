
import pytest
import torch
import torch.nn.functional as F

from mmgcp.ops import covariance, isqrt, mpn, signed_sqrt_l2, triu_vec
from mmgcp.pooling import (APN, COV_POOLINGS, ILogM, MaxExp,
                           build_cov_pooling)

SMOOTH = ['cov', 'bcnn', 'sigme', 'ln', 'bcnn_lt', 'isqrt', 'ibcnn',
          'ibcnn_lt']
EIGEN = ['deep_o2p', 'ilogm', 'mpn', 'maxexp', 'apn']


def features(b=2, c=6, n=30, seed=0, dtype=torch.float64):
    g = torch.Generator().manual_seed(seed)
    return torch.randn(b, c, n, generator=g, dtype=dtype).relu()


def head(name, c=6, **kw):
    torch.manual_seed(0)
    return build_cov_pooling(name, c, **kw).double().train()


def test_registry_is_complete_and_errors_list_names():
    assert set(SMOOTH + EIGEN + ['dropcov']) == set(COV_POOLINGS)
    with pytest.raises(KeyError, match='known: cov, isqrt, mpn, dropcov, '):
        build_cov_pooling('svd', 8)


def degenerate(kind, dtype):
    g = torch.Generator().manual_seed(0)
    return {'zeros': lambda: torch.zeros(2, 8, 5, 5),
            'constant': lambda: torch.full((2, 8, 5, 5), 3.),
            '1x1': lambda: torch.randn(2, 8, 1, 1, generator=g),
            'rank_deficient': lambda: torch.randn(
                2, 8, 3, 1, generator=g).relu()}[kind]().to(dtype)


@pytest.mark.parametrize('name', list(COV_POOLINGS))
@pytest.mark.parametrize('kind', ['zeros', 'constant', '1x1',
                                  'rank_deficient'])
@pytest.mark.parametrize('dtype', [torch.float32, torch.float64])
def test_degenerate_input_is_finite(name, kind, dtype):
    """Zero, constant and 1x1 features have a zero covariance: every
    pooling is finite there, forward and backward (float32: a small
    power's derivative overflows at a subnormal eigenvalue floor)."""
    x = degenerate(kind, dtype).requires_grad_()
    torch.manual_seed(0)
    out = build_cov_pooling(name, 8).to(dtype).train()(x)
    out.sum().backward()
    assert out.shape == (2, 36) and out.dtype == dtype
    assert torch.isfinite(out).all() and torch.isfinite(x.grad).all()


@pytest.mark.parametrize('name', list(COV_POOLINGS))
def test_non_finite_features(name):
    """Eigen-based poolings stop with one line; the bmm-based ones pass
    NaN on without reading a value back (no device sync)."""
    x = features(c=6, n=9).reshape(2, 6, 3, 3)
    x[1, 2, 0, 0] = float('nan')
    pooling = head(name).eval()
    if name in EIGEN:
        with pytest.raises(FloatingPointError,
                           match='features given to an eigendecomposition-'
                           'based covariance pooling are not finite'):
            pooling(x)
    else:
        assert torch.isnan(pooling(x)[1]).any()


@pytest.mark.parametrize('name', SMOOTH)
def test_gradcheck_smooth_methods(name):
    x = features(n=20).requires_grad_()
    assert torch.autograd.gradcheck(head(name), (x, ))


@pytest.mark.parametrize('name', EIGEN)
def test_gradcheck_eigen_methods_well_conditioned(name):
    # eigendecomposition gradients are exact analytically but ill-
    # conditioned near repeated eigenvalues: well-separated spectra here,
    # and a stated tolerance
    x = features(n=60, seed=3).requires_grad_()
    assert torch.autograd.gradcheck(head(name), (x, ), atol=1e-5, rtol=1e-3)


def test_elementwise_formulas():
    x = features()
    vec = triu_vec(covariance(x))
    root = torch.sign(vec) * (torch.sqrt(vec.abs() + 1e-8) - 1e-4)
    torch.testing.assert_close(head('bcnn')(x),
                               root / root.norm(dim=1, keepdim=True))
    sig = head('sigme', beta=2.5)
    torch.testing.assert_close(sig(x), 2 / (1 + torch.exp(-2.5 * vec)) - 1)
    torch.testing.assert_close(head('ln')(x), F.layer_norm(vec, vec.shape[1:]))
    lt = head('bcnn_lt')
    with torch.no_grad():
        lt.transform.beta.fill_(3.0)
        lt.transform.gamma.fill_(-1.0)
    torch.testing.assert_close(lt(x), 3 * signed_sqrt_l2(vec) - 1)
    torch.testing.assert_close(
        head('ibcnn')(x), signed_sqrt_l2(triu_vec(isqrt(covariance(x)))))


def eig_map(cov, fn):
    lam, vec = torch.linalg.eigh(cov)
    return vec @ torch.diag_embed(fn(lam)) @ vec.mT


def test_structure_formulas():
    x = features(n=40)
    cov = covariance(x)
    torch.testing.assert_close(
        head('deep_o2p', eps=1e-5)(x),
        triu_vec(eig_map(cov, lambda e: torch.log(e.clamp_min(1e-5)))))
    torch.testing.assert_close(
        head('ilogm', eps=0.01)(x),
        triu_vec(eig_map(cov, lambda e: 0.01 * torch.log((e + 0.01) / 0.01))))
    lam_max = torch.linalg.eigvalsh(cov)[:, -1:]
    torch.testing.assert_close(
        head('maxexp', alpha=3.0, eps=1e-5)(x),
        triu_vec(eig_map(cov, lambda e: 1 - (1 - e / (lam_max + 1e-5))**3)))


def test_apn_chooses_an_alpha_per_input():
    apn = head('apn')
    # a spiky spectrum wants stronger normalisation than a nearly flat one
    spiky = torch.diag_embed(torch.tensor([[100., 1., 0.1, 0.01, 1e-3, 1e-4]],
                                          dtype=torch.float64))
    flat = torch.diag_embed(torch.tensor([[1., 1.1, 0.9, 1.05, 0.95, 1.0]],
                                         dtype=torch.float64))
    alphas = apn.choose_alpha(torch.cat([spiky, flat]))
    assert alphas[0] < alphas[1]
    assert set(alphas.tolist()) <= set(apn.alphas.tolist())
    x = features(n=40)
    out = apn(x)
    cov = covariance(x)
    expected = torch.stack([triu_vec(mpn(cov[i:i + 1], float(a)))[0]
                            for i, a in enumerate(apn.last_alpha)])
    torch.testing.assert_close(out, expected)


@pytest.mark.parametrize('cls,kwargs,match', [
    (MaxExp, dict(alpha=0), 'alpha'), (MaxExp, dict(eps=-1), 'eps'),
    (ILogM, dict(eps=0), 'eps'), (APN, dict(alphas=(0.5, -1)), 'alpha'),
])
def test_parameter_ranges(cls, kwargs, match):
    with pytest.raises(ValueError, match=match):
        cls(8, **kwargs)


def test_a_misspelt_keyword_names_the_pooling_and_the_closest_one():
    with pytest.raises(TypeError, match=r"ISqrtCov got unexpected keyword "
                       r"argument 'num_iters' \(did you mean 'num_iter'\?\)"):
        build_cov_pooling('isqrt', 8, num_iters=3)
    with pytest.raises(TypeError, match=r"APN got unexpected keyword "
                       r"argument 'alpha' \(did you mean 'alphas'\?\)"):
        build_cov_pooling('apn', 8, alpha=(0.5, ))
