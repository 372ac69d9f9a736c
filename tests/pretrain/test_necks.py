"""GCPNeck: covariance pooling as an mmpretrain neck."""
import pytest
import torch
from mmpretrain.registry import MODELS

from mmgcp.ops import covariance, isqrt, triu_vec
from mmgcp.pooling import COV_POOLINGS
from mmgcp.pretrain import GCPNeck


@pytest.fixture(autouse=True)
def mmpretrain_scope():
    """Registry look-ups in mmpretrain's scope, whatever ran before."""
    from mmengine.registry import DefaultScope
    with DefaultScope.overwrite_default_scope('mmpretrain'):
        yield


def test_registered_in_mmpretrain():
    neck = MODELS.build(dict(type='GCPNeck', in_channels=32,
                             reduced_channels=8))
    assert isinstance(neck, GCPNeck) and neck.out_channels == 36


def test_isqrt_neck_is_reduction_then_isqrt_covariance():
    torch.manual_seed(0)
    neck = GCPNeck(32, 8, 'isqrt').eval()
    x = torch.randn(2, 32, 5, 6)
    out = neck((torch.randn(2, 16, 10, 12), x))  # pools the last output
    assert isinstance(out, tuple) and out[0].shape == (2, 36)
    reduced = torch.relu(neck.layer_reduce_bn(neck.layer_reduce(x)))
    expected = triu_vec(isqrt(covariance(reduced.flatten(2)), 5))
    torch.testing.assert_close(out[0], expected)
    assert neck(x).shape == (2, 36)  # tensor in, tensor out


def test_released_key_names():
    keys = set(GCPNeck(64, 16, 'dropcov').state_dict())
    assert {'layer_reduce.weight', 'layer_reduce_bn.running_var',
            'pooling.eca_layer.conv.weight'} <= keys
    assert not any('bias' in k and k.startswith('layer_reduce.')
                   for k in keys)


def test_dropcov_acts_in_training_only():
    torch.manual_seed(0)
    # a weak strength D gives a high drop rate rho = 1 - D/log2(d) cos
    neck = GCPNeck(16, 8, 'dropcov', pooling_cfg=dict(strength=0.5))
    x = torch.randn(4, 16, 6, 6)
    neck.train()
    first, second = neck(x), neck(x)
    assert 0.5 < float(neck.pooling.last_rho) < 1
    assert not torch.equal(first, second)  # random channel dropout
    neck.eval()
    reduced = neck.reduce(x)
    torch.testing.assert_close(neck(x), triu_vec(covariance(
        reduced.flatten(2))))


@pytest.mark.parametrize('pooling', sorted(COV_POOLINGS))
def test_every_pooling_is_one_config_key(pooling):
    neck = GCPNeck(16, 6, pooling)
    x = torch.randn(3, 16, 4, 4, requires_grad=True)
    out = neck(x)
    assert out.shape == (3, neck.out_channels)
    out.square().sum().backward()
    assert torch.isfinite(x.grad).all()


def test_no_reduction_and_other_activation():
    neck = GCPNeck(6, None, 'cov')
    assert not hasattr(neck, 'layer_reduce') and neck.out_channels == 21
    relu6 = GCPNeck(8, 4, act_cfg=dict(type='ReLU6'))
    assert isinstance(relu6.layer_reduce_act, torch.nn.ReLU6)


def test_bad_arguments():
    with pytest.raises(ValueError, match="unknown pooling 'svd'.*isqrt"):
        GCPNeck(8, 4, 'svd')
    with pytest.raises(ValueError, match='reduced_channels'):
        GCPNeck(8, 1)
    with pytest.raises(TypeError, match="bad pooling_cfg for 'isqrt'"):
        GCPNeck(8, 4, 'isqrt', pooling_cfg=dict(alpha=0.5))
    with pytest.raises(ValueError, match='B x 8 x H x W.*4, 3, 2, 2'):
        GCPNeck(8, 4)(torch.randn(4, 3, 2, 2))


def test_dropout_on_the_pooled_vector_in_training_only():
    neck = GCPNeck(16, reduced_channels=8, dropout_rate=0.5)
    x = torch.randn(4, 16, 5, 5)
    neck.eval()
    with torch.no_grad():
        clean = neck(x)
        neck.train()
        torch.manual_seed(0)
        dropped = neck(x)
    zeros = dropped == 0
    assert 0.3 < zeros.float().mean() < 0.7
    # the kept values are scaled by 1 / (1 - p); BN runs in batch mode in
    # training, so compare against a training pass without dropout
    plain = GCPNeck(16, reduced_channels=8)
    plain.load_state_dict(neck.state_dict())
    with torch.no_grad():
        reference = plain.train()(x)
    torch.testing.assert_close(dropped[~zeros], 2 * reference[~zeros])
    assert clean.shape == dropped.shape == (4, 36)
    with pytest.raises(ValueError, match='dropout_rate'):
        GCPNeck(16, dropout_rate=1.0)


def test_token_cov_head_takes_class_or_mean_tokens():
    from mmgcp.pretrain import TokenCovClsHead
    torch.manual_seed(0)
    head = TokenCovClsHead(
        7, 16, pooling='token_cov', pooling_cfg=dict(reduced_channels=4),
        dropout_rate=0.).eval()
    tokens = torch.randn(2, 10, 16)  # class token first
    logits = head((tokens, ))
    expected = head.visual_fc(head.pooling(tokens[:, 1:])) + \
        head.cls_fc(tokens[:, 0])
    torch.testing.assert_close(logits, expected)
    swin = torch.randn(2, 16, 3, 3)  # a map: the mean token stands in
    flat = swin.flatten(2).transpose(1, 2)
    torch.testing.assert_close(
        head((swin, )), head.visual_fc(head.pooling(flat)) +
        head.cls_fc(flat.mean(1)))
    with pytest.raises(ValueError, match="out_type='raw'"):
        head((torch.randn(2, 16), ))
    with pytest.raises(ValueError,
                       match='pooling must be one of cross_cov, token_cov'):
        TokenCovClsHead(7, 16, pooling='gap')


def test_misspelt_keywords_name_the_class_and_the_closest_one():
    with pytest.raises(TypeError, match=r"GCPNeck got unexpected keyword "
                       r"argument 'poolin' \(did you mean 'pooling'\?\)"):
        MODELS.build(dict(type='GCPNeck', in_channels=8, poolin='isqrt'))
    with pytest.raises(TypeError, match=r"TokenCovClsHead got unexpected "
                       r"keyword argument 'topK' \(did you mean 'topk'\?\)"):
        MODELS.build(dict(type='TokenCovClsHead', num_classes=3,
                          in_channels=12, topK=(1, )))
    with pytest.raises(TypeError, match=r"MultiHeadCrossCovariance got "
                       r"unexpected keyword argument 'head_dims' \(did you "
                       r"mean 'head_dim'\?\)"):
        MODELS.build(dict(type='TokenCovClsHead', num_classes=3,
                          in_channels=12, pooling_cfg=dict(head_dims=4)))
    with pytest.raises(TypeError, match=r"ISqrtCov got unexpected keyword "
                       r"argument 'num_iters'"):
        MODELS.build(dict(type='GCPNeck', in_channels=8, reduced_channels=4,
                          pooling_cfg=dict(num_iters=3)))
