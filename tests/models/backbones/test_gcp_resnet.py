import pytest
import torch
from mmdet.models.backbones import ResNet
from mmdet.registry import MODELS
from torch.nn.modules.batchnorm import _BatchNorm

from mmgcp.models import GCPResNet

CHANNELS = {18: (64, 128, 256, 512), 34: (64, 128, 256, 512),
            50: (256, 512, 1024, 2048), 101: (256, 512, 1024, 2048)}


@pytest.fixture(autouse=True)
def mmdet_scope():
    """Registry look-ups in mmdet's scope, whatever ran before."""
    from mmengine.registry import DefaultScope
    with DefaultScope.overwrite_default_scope('mmdet'):
        yield


@pytest.mark.parametrize('depth', [18, 34, 50, 101])
@pytest.mark.parametrize('variant', ['D', 'M'])
def test_strides_and_channels(depth, variant):
    net = MODELS.build(dict(type='GCPResNet', depth=depth, variant=variant))
    net.eval()
    with torch.no_grad():
        outs = net(torch.randn(1, 3, 96, 128))
    assert [o.shape[1] for o in outs] == list(CHANNELS[depth])
    assert [(o.shape[2], o.shape[3]) for o in outs] == \
        [(96 // s, 128 // s) for s in (4, 8, 16, 32)]


@pytest.mark.parametrize('size', [(65, 97), (100, 100)])
def test_odd_sizes_round_like_a_strided_conv(size):
    d = GCPResNet(18, 'D').eval()
    m = GCPResNet(18, 'M').eval()
    x = torch.randn(1, 3, *size)
    with torch.no_grad():
        assert [o.shape for o in d(x)] == [o.shape for o in m(x)]


def test_variant_d_is_mmdet_resnet():
    ref = ResNet(50)
    ref.eval()  # mmdet ResNet.train() returns None
    net = GCPResNet(50, 'D').eval()
    net.load_state_dict(ref.state_dict())
    x = torch.randn(1, 3, 64, 64)
    with torch.no_grad():
        for a, b in zip(net(x), ref(x)):
            torch.testing.assert_close(a, b)


def test_variant_m_is_stride1_stage4_then_maxpool():
    ref = ResNet(18, strides=(1, 2, 2, 1))
    ref.eval()
    net = GCPResNet(18, 'M').eval()
    net.load_state_dict(ref.state_dict())
    assert net.layer4[0].conv1.stride == (1, 1)
    x = torch.randn(2, 3, 64, 64)
    with torch.no_grad():
        ours, theirs = net(x), ref(x)
    for a, b in zip(ours[:3], theirs[:3]):
        torch.testing.assert_close(a, b)
    torch.testing.assert_close(ours[3],
                               torch.nn.functional.max_pool2d(theirs[3], 2))


def test_same_parameter_names_for_both_variants():
    assert GCPResNet(50, 'D').state_dict().keys() == \
        GCPResNet(50, 'M').state_dict().keys() == ResNet(50).state_dict().keys()


def test_out_indices_subset():
    net = GCPResNet(18, 'M', out_indices=(1, 3)).eval()
    with torch.no_grad():
        outs = net(torch.randn(1, 3, 64, 64))
    assert [o.shape[1:] for o in outs] == [(128, 8, 8), (512, 2, 2)]
    net = GCPResNet(18, 'M', out_indices=(0, 2)).eval()
    with torch.no_grad():
        assert [o.shape[1] for o in net(torch.randn(1, 3, 64, 64))] == \
            [64, 256]


def test_frozen_stages_and_norm_eval():
    net = GCPResNet(18, 'M', frozen_stages=2, norm_eval=True)
    net.train()
    for name in ('conv1', 'bn1', 'layer1', 'layer2'):
        assert not any(p.requires_grad
                       for p in getattr(net, name).parameters()), name
    assert all(p.requires_grad for p in net.layer3.parameters())
    assert all(not m.training for m in net.modules()
               if isinstance(m, _BatchNorm))
    net = GCPResNet(18, 'M', norm_eval=False).train()
    assert all(m.training for m in net.modules() if isinstance(m, _BatchNorm))


@pytest.mark.parametrize('kwargs,match', [
    (dict(depth=152), r'depth must be one of \(18, 34, 50, 101\)'),
    (dict(depth=50, variant='X'), r"variant must be one of \('D', 'M'\)"),
    (dict(depth=50, init_cfg=dict(type='Pretrained')), 'checkpoint'),
])
def test_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        GCPResNet(**kwargs)


def test_unknown_config_key_is_an_error():
    with pytest.raises(TypeError, match='varaint'):
        MODELS.build(dict(type='GCPResNet', depth=18, varaint='M'))
