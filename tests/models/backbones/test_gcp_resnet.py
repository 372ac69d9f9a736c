import pytest
import torch
from mmcv.cnn.bricks import ContextBlock
from mmcv.ops import ModulatedDeformConv2dPack
from mmdet.models.backbones import ResNet
from mmdet.registry import MODELS
from mmseg.models.backbones import ResNet as SegResNet
from torch.nn.modules.batchnorm import _BatchNorm

from mmgcp.models import GCPResNet, SegGCPResNet

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
        GCPResNet(50, 'M').state_dict().keys() == \
        ResNet(50).state_dict().keys()


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


# (mmdet's or mmseg's ResNet, its GCP twin)
TOOLBOXES = {'mmdet': (ResNet, GCPResNet), 'mmseg': (SegResNet, SegGCPResNet)}
# strides, dilations and mmseg's extras of the recipes users run
LAYOUTS = {
    'c5-stride-32': dict(),
    'd16': dict(strides=(1, 2, 2, 1), dilations=(1, 1, 1, 2)),
    'd8': dict(strides=(1, 2, 1, 1), dilations=(1, 1, 2, 4)),
    'd8-contract': dict(strides=(1, 2, 1, 1), dilations=(1, 1, 2, 4),
                        contract_dilation=True),
    'd8-multi-grid': dict(strides=(1, 2, 1, 1), dilations=(1, 1, 2, 4),
                          contract_dilation=True, multi_grid=(1, 2, 4)),
    'odd-c5-stride-2': dict(strides=(1, 2, 1, 2), dilations=(1, 1, 2, 1)),
}
MMSEG_ONLY = ('contract_dilation', 'multi_grid')


def layouts(toolbox):
    return [name for name, kw in LAYOUTS.items()
            if toolbox == 'mmseg' or not set(kw) & set(MMSEG_ONLY)]


@pytest.mark.parametrize('toolbox,layout',
                         [(t, n) for t in TOOLBOXES for n in layouts(t)])
@pytest.mark.parametrize('variant', ['D', 'M'])
def test_output_strides_match_the_registry_resnet(toolbox, layout, variant):
    ref_cls, gcp_cls = TOOLBOXES[toolbox]
    kwargs = LAYOUTS[layout]
    x = torch.randn(1, 3, 67, 45)
    with torch.no_grad():
        ref = ref_cls(18, **kwargs)
        ref.eval()  # the registry ResNets' train() returns None
        ref = ref(x)
        ours = gcp_cls(18, variant, **kwargs).eval()(x)
    assert [o.shape for o in ours] == [o.shape for o in ref]


@pytest.mark.parametrize('toolbox', TOOLBOXES)
def test_variant_d_is_the_registry_resnet_when_dilated(toolbox):
    ref_cls, gcp_cls = TOOLBOXES[toolbox]
    kwargs = LAYOUTS['d8-contract' if toolbox == 'mmseg' else 'd8']
    ref = ref_cls(50, **kwargs)
    ref.eval()
    net = gcp_cls(50, 'D', **kwargs).eval()
    net.load_state_dict(ref.state_dict())
    x = torch.randn(1, 3, 40, 40)
    with torch.no_grad():
        for a, b in zip(net(x), ref(x)):
            torch.testing.assert_close(a, b)


@pytest.mark.parametrize('toolbox', TOOLBOXES)
def test_variants_coincide_when_stage4_has_stride_1(toolbox):
    _, gcp_cls = TOOLBOXES[toolbox]
    d = gcp_cls(18, 'D', **LAYOUTS['d16']).eval()
    m = gcp_cls(18, 'M', **LAYOUTS['d16']).eval()
    assert isinstance(m.c5_pool, torch.nn.Identity)
    assert d.strides == m.strides == (1, 2, 2, 1)
    m.load_state_dict(d.state_dict())
    x = torch.randn(1, 3, 48, 48)
    with torch.no_grad():
        for a, b in zip(d(x), m(x)):
            torch.testing.assert_close(a, b)
    # with a stride-2 request, M pools after a stride-1 stage 4
    m = gcp_cls(18, 'M')
    assert m.strides == (1, 2, 2, 1) and m.requested_strides == (1, 2, 2, 2)
    assert m.c5_pool.stride == 2


@pytest.mark.parametrize('toolbox', TOOLBOXES)
def test_dcn_and_plugins_are_built(toolbox):
    _, gcp_cls = TOOLBOXES[toolbox]
    net = gcp_cls(
        50, 'M', dcn=dict(type='DCNv2', deform_groups=1,
                          fallback_on_stride=False),
        stage_with_dcn=(False, True, True, True),
        plugins=[dict(cfg=dict(type='ContextBlock', ratio=1. / 16),
                      stages=(False, False, True, True),
                      position='after_conv3')])
    assert not isinstance(net.layer1[0].conv2, ModulatedDeformConv2dPack)
    assert all(isinstance(block.conv2, ModulatedDeformConv2dPack)
               for layer in (net.layer2, net.layer3, net.layer4)
               for block in layer)
    assert not [m for m in net.layer2.modules()
                if isinstance(m, ContextBlock)]
    assert len([m for m in net.layer3.modules()
                if isinstance(m, ContextBlock)]) == 6
    net.train()
    outs = net(torch.randn(2, 3, 64, 64))
    assert [o.shape[1:] for o in outs] == [
        (256, 16, 16), (512, 8, 8), (1024, 4, 4), (2048, 2, 2)]
    sum(o.mean() for o in outs).backward()
    offset = net.layer4[0].conv2.conv_offset.weight
    assert offset.grad is not None


@pytest.mark.parametrize('toolbox', TOOLBOXES)
def test_with_cp_and_norm_cfg(toolbox):
    _, gcp_cls = TOOLBOXES[toolbox]
    net = gcp_cls(18, 'M', with_cp=True, norm_eval=False,
                  norm_cfg=dict(type='GN', num_groups=8, requires_grad=True))
    assert all(block.with_cp for layer in (net.layer1, net.layer4)
               for block in layer)
    assert isinstance(net.layer1[0].gn1, torch.nn.GroupNorm)
    net.train()
    x = torch.randn(1, 3, 32, 32, requires_grad=True)
    sum(o.sum() for o in net(x)).backward()
    assert net.layer1[0].conv1.weight.grad is not None


@pytest.mark.parametrize('toolbox', TOOLBOXES)
def test_frozen_stages_and_norm_eval_in_both_toolboxes(toolbox):
    _, gcp_cls = TOOLBOXES[toolbox]
    net = gcp_cls(18, 'M', frozen_stages=1, norm_eval=True)
    assert net.train() is net
    assert not any(p.requires_grad for p in net.layer1.parameters())
    assert all(p.requires_grad for p in net.layer2.parameters())
    assert not net.layer1[0].bn1.training
    assert all(not m.training for m in net.modules()
               if isinstance(m, _BatchNorm))


@pytest.mark.parametrize('toolbox', TOOLBOXES)
@pytest.mark.parametrize('kwargs,match', [
    (dict(deep_stem=True), 'deep stem'),
    (dict(avg_down=True), 'avg_down'),
    (dict(style='caffe'), "'caffe'"),
    (dict(base_channels=32), 'widths'),
    (dict(stem_channels=128), 'stem'),
    (dict(num_stages=3, strides=(1, 2, 2), dilations=(1, 1, 1),
          out_indices=(0, 1, 2)), 'four stages'),
    (dict(strides=(1, 2, 2)), '4 entries'),
    (dict(pretrained='open-mmlab://resnet50_v1c'),
     'model.pretrained=None'),
])
def test_keywords_that_cannot_fit_gcp_weights(toolbox, kwargs, match):
    _, gcp_cls = TOOLBOXES[toolbox]
    with pytest.raises(ValueError, match=match):
        gcp_cls(50, 'M', **kwargs)


def test_mmseg_keywords_are_mmseg_only():
    with pytest.raises(TypeError, match='contract_dilation'):
        MODELS.build(dict(type='GCPResNet', depth=18, contract_dilation=True))


@pytest.mark.parametrize('backbone', [GCPResNet, SegGCPResNet])
def test_a_misspelt_keyword_names_the_class_and_the_closest_one(backbone):
    name = backbone.__name__
    with pytest.raises(TypeError, match=rf"{name} got unexpected keyword "
                       r"argument 'varient' \(did you mean 'variant'\?\)"):
        backbone(depth=18, varient='M')
    with pytest.raises(TypeError, match=r"'frozen_stage' \(did you mean "
                       r"'frozen_stages'\?\)"):
        backbone(depth=18, frozen_stage=1)
