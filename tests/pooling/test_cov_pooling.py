import math

import pytest
import torch
import torch.nn.functional as F

from mmgcp.ops import covariance, isqrt, mpn, triu_vec
from mmgcp.pooling import (COV_POOLINGS, CovPooling, DropCov, ISqrtCov,
                           MPNCov, build_cov_pooling, register_pooling)


@pytest.mark.parametrize('d,length', [(256, 32896), (128, 8256)])
def test_isqrt_head_output_length(d, length):
    head = ISqrtCov(d).eval()
    assert head.output_dim == length
    assert head(torch.randn(2, d, 4, 4)).shape == (2, length)


def test_heads_compose_covariance_and_normalisation():
    x = torch.randn(2, 16, 5, 5)
    for head, norm in [(CovPooling(16), lambda c: c), (ISqrtCov(16), isqrt),
                       (MPNCov(16, alpha=0.5), mpn)]:
        torch.testing.assert_close(head(x), triu_vec(norm(covariance(x))))


def test_poolings_hold_only_their_own_parameters():
    # the reduction before them belongs to the neck (layer_reduce*)
    assert not ISqrtCov(32).state_dict()
    assert set(DropCov(32).state_dict()) == {'eca_layer.conv.weight'}


def test_a_new_pooling_registers_itself_by_name():
    @register_pooling('test_trace_scaled')
    class TraceScaled(CovPooling):
        def normalize(self, cov):
            return cov / cov.diagonal(dim1=1, dim2=2).sum(-1)[:, None, None]

    try:
        head = build_cov_pooling('test_trace_scaled', 6)
        x = torch.randn(2, 6, 3, 3)
        cov = covariance(x)
        expected = triu_vec(cov / cov.diagonal(dim1=1, dim2=2).sum(-1)
                            [:, None, None])
        assert isinstance(head, TraceScaled)
        torch.testing.assert_close(head(x), expected)
        with pytest.raises(KeyError, match='already registered'):
            register_pooling('test_trace_scaled')(CovPooling)
    finally:
        del COV_POOLINGS['test_trace_scaled']


def test_dropcov_eval_is_plain_covariance():
    torch.manual_seed(0)
    x = torch.randn(3, 16, 4, 4)
    head = DropCov(16).eval()
    torch.testing.assert_close(head(x), CovPooling(16)(x))


@pytest.mark.parametrize('weight_fn', ['softmax', 'sigmoid'])
def test_dropcov_training_equals_dropout2d_then_covariance(weight_fn):
    torch.manual_seed(1)
    b, d = 4, 16
    x = torch.randn(b, d, 5, 5).relu()
    head = DropCov(d, strength=2.0, weight_fn=weight_fn).train()
    torch.manual_seed(123)
    out = head(x)

    logits = head.eca_layer.conv(x.mean((2, 3)).unsqueeze(1)).squeeze(1)
    omega = logits.softmax(1) if weight_fn == 'softmax' else logits.sigmoid()
    xw = x * omega[:, :, None, None] + x
    pi = covariance(xw).sum(2)
    cos = F.cosine_similarity(omega, pi, dim=1).mean()
    rho = float(torch.clamp(1 - 2.0 / math.log2(d) * cos, 0, 1))
    assert float(head.last_rho) == pytest.approx(rho, abs=1e-6)
    assert 0 < rho < 1, 'pick inputs where dropout is partial'
    torch.manual_seed(123)
    keep = (torch.rand(b, d) >= rho).float()
    dropped = xw * keep[:, :, None, None] / (1 - rho)  # Dropout2d
    torch.testing.assert_close(out, triu_vec(covariance(dropped)),
                               rtol=1e-5, atol=1e-5)


def test_dropcov_rho_is_clamped_and_has_no_gradient():
    x = torch.randn(2, 8, 3, 3, requires_grad=True)
    head = DropCov(8, strength=0.0).train()  # rho = 1: drop everything
    out = head(x)
    assert float(head.last_rho) == 1.0 and not head.last_rho.requires_grad
    assert torch.isfinite(out).all() and (out == 0).all()
    head = DropCov(8, strength=1e6).train()  # rho clamps at 0 or 1
    head(x)
    assert float(head.last_rho) in (0.0, 1.0)


def test_dropcov_trains():
    head = DropCov(12).train()
    x = torch.randn(4, 12, 5, 5, requires_grad=True)
    head(x).pow(2).sum().backward()
    assert head.eca_layer.conv.weight.grad is not None
    assert torch.isfinite(x.grad).all()


def test_head_argument_errors():
    with pytest.raises(ValueError, match='weight_fn'):
        DropCov(8, weight_fn='tanh')
    with pytest.raises(ValueError, match='alpha'):
        MPNCov(8, alpha=0)


def test_dropcov_gradient_equals_autograd_through_the_reference():
    torch.manual_seed(2)
    b, d = 3, 10
    x = torch.randn(b, d, 4, 4, dtype=torch.float64).relu()
    head = DropCov(d, strength=2.0).double().train()
    weight = torch.randn(b, d * (d + 1) // 2, dtype=torch.float64)
    ours_x = x.clone().requires_grad_()
    torch.manual_seed(7)
    (head(ours_x) * weight).sum().backward()
    ours_conv = head.eca_layer.conv.weight.grad.clone()
    rho = float(head.last_rho)
    assert 0 < rho < 1
    head.zero_grad()
    # the same computation through autograd, with the same rho and mask
    ref_x = x.clone().requires_grad_()
    logits = head.eca_layer.conv(ref_x.mean((2, 3)).unsqueeze(1)).squeeze(1)
    omega = logits.softmax(1)
    torch.manual_seed(7)
    keep = (torch.rand(b, d, dtype=torch.float64) >= rho).double()
    scale = (omega + 1) * keep / (1 - rho)
    xs = ref_x.flatten(2) * scale[:, :, None]
    xc = xs - xs.mean(-1, keepdim=True)
    (triu_vec(xc @ xc.mT / 16) * weight).sum().backward()
    torch.testing.assert_close(ours_x.grad, ref_x.grad, rtol=1e-10,
                               atol=1e-12)
    torch.testing.assert_close(ours_conv, head.eca_layer.conv.weight.grad,
                               rtol=1e-10, atol=1e-12)
