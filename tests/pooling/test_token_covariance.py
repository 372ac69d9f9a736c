"""Covariance pooling of transformer tokens."""
import pytest
import torch

from mmgcp.ops import covariance, triu_vec
from mmgcp.pooling import MultiHeadCrossCovariance, TokenCovariance


def test_cross_covariance_is_the_released_formula():
    torch.manual_seed(0)
    pool = MultiHeadCrossCovariance(12, num_heads=2, head_dim=3).eval()
    tokens = torch.randn(4, 10, 12)
    out = pool(tokens)
    assert out.shape == (4, pool.output_dim) == (4, 2 * 3 * 3)
    # by hand, for image 1 and head 1: q and k are slices 0 and 1 of the
    # projection (the third is unused), each less its one mean
    proj = pool.wr(tokens[1]).reshape(10, 3, 2, 3)
    q, k = proj[:, 0, 1], proj[:, 1, 1]
    q, k = q - q.mean(), k - k.mean()
    torch.testing.assert_close(out[1, 9:], (q.T @ k / 10).flatten())


def test_cross_covariance_drops_whole_tokens_from_q_and_k():
    torch.manual_seed(0)
    pool = MultiHeadCrossCovariance(6, num_heads=1, head_dim=2,
                                    token_drop=0.5).train()
    tokens = torch.randn(1, 400, 6)
    dropped = pool(tokens)
    with torch.no_grad():
        pool.eval()
        kept = pool(tokens)
    assert not torch.allclose(dropped, kept)
    # dropping is the identity in expectation up to the mean removal: the
    # dropped estimate stays in the kept one's range
    assert (dropped - kept).abs().max() < 3 * kept.abs().max()
    with pytest.raises(ValueError, match='token_drop must be in'):
        MultiHeadCrossCovariance(6, token_drop=1.0)


def test_token_covariance_pools_the_reduced_tokens():
    torch.manual_seed(0)
    pool = TokenCovariance(16, reduced_channels=5, pooling='dropcov').eval()
    tokens = torch.randn(3, 20, 16)
    out = pool(tokens)
    assert out.shape == (3, pool.output_dim) == (3, 15)
    reduced = pool.reduce(tokens).transpose(1, 2).unsqueeze(-1)
    torch.testing.assert_close(out, triu_vec(covariance(reduced)))
    pool.train()
    assert pool(tokens).shape == (3, 15)
    assert 0 <= float(pool.pooling.last_rho) <= 1  # the adaptive rate ran


@pytest.mark.parametrize('pooling', [
    MultiHeadCrossCovariance(12, num_heads=2, head_dim=3),
    TokenCovariance(12, reduced_channels=4, pooling='isqrt')])
def test_half_precision_tokens_pool_in_float32(pooling):
    """Like every covariance pooling: float32 out for half input (under
    autocast too), and the float32 result of the same weights."""
    torch.manual_seed(0)
    tokens = torch.randn(2, 10, 12)
    expected = pooling.eval()(tokens)
    half = pooling.half()
    out = half(tokens.half())
    assert out.dtype == torch.float32
    torch.testing.assert_close(out, expected, atol=2e-2, rtol=2e-2)
    with torch.autocast('cpu', dtype=torch.bfloat16):
        assert pooling.float()(tokens).dtype == torch.float32
