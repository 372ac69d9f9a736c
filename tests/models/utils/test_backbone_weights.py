import logging

import pytest
import torch
from mmengine.logging import MMLogger
from torch import nn

from mmgcp.models import GCPResNet
from mmgcp.ops import triu_size


def released_checkpoint(depth=18, d=64, dropcov=False, seed=0):
    """A classifier checkpoint in the GCP_Optimization/DropCov layout."""
    torch.manual_seed(seed)
    backbone = GCPResNet(depth, 'M')
    backbone.init_weights()
    for p in backbone.parameters():
        p.data.normal_()
    state = dict(backbone.state_dict())
    in_ch = 512 if depth in (18, 34) else 2048
    # the GCP head's 1x1 reduction, under the releases' names
    for name, layer in (('layer_reduce', nn.Conv2d(in_ch, d, 1, bias=False)),
                        ('layer_reduce_bn', nn.BatchNorm2d(d))):
        state.update({f'{name}.{k}': v
                      for k, v in layer.state_dict().items()})
    state['fc.weight'] = torch.randn(10, triu_size(d))
    state['fc.bias'] = torch.randn(10)
    if dropcov:
        state['eca_layer.conv.weight'] = torch.randn(1, 1, 3)
    return backbone, dict(
        epoch=100, arch=f'resnet{depth}',
        state_dict={'module.' + k: v for k, v in state.items()})


def log_lines(fn):
    """Run ``fn`` and return its result and the messages it logged."""
    records = []
    handler = logging.Handler()
    handler.emit = records.append
    logger = MMLogger.get_current_instance()
    logger.addHandler(handler)
    try:
        result = fn()
    finally:
        logger.removeHandler(handler)
    return result, [r.getMessage() for r in records]


def load(path, variant='M', depth=18, prefix=None):
    net = GCPResNet(depth, variant, init_cfg=dict(
        type='Pretrained', checkpoint=str(path), prefix=prefix))
    net.init_weights()
    return net


@pytest.mark.parametrize('variant', ['D', 'M'])
@pytest.mark.parametrize('dropcov', [False, True])
def test_released_layout_loads_with_equal_weights(tmp_path, variant, dropcov):
    source, ckpt = released_checkpoint(dropcov=dropcov)
    path = tmp_path / 'released.pth.tar'
    torch.save(ckpt, path)
    net, lines = log_lines(lambda: load(path, variant))
    for key, value in source.state_dict().items():
        assert torch.equal(net.state_dict()[key], value), key
    lines = [line for line in lines if 'dropped' in line]
    assert len(lines) == 1
    assert 'fc' in lines[0] and 'layer_reduce' in lines[0]
    assert ('eca_layer' in lines[0]) == dropcov


def test_detector_checkpoint_with_prefix(tmp_path):
    source, ckpt = released_checkpoint()
    state = {'backbone.' + k: v for k, v in source.state_dict().items()}
    state['neck.lateral_convs.0.conv.weight'] = torch.zeros(1)
    path = tmp_path / 'det.pth'
    torch.save(dict(state_dict=state, meta=dict(iter=5)), path)
    net = load(path, prefix='backbone')
    assert torch.equal(net.conv1.weight, source.conv1.weight)


def test_whole_model_checkpoint_gives_its_backbone_without_prefix(tmp_path):
    """An mmpretrain classifier (what the converter writes) needs no
    prefix='backbone.'; the log line says what was taken."""
    source, _ = released_checkpoint()
    state = {'backbone.' + k: v for k, v in source.state_dict().items()}
    state.update({'neck.layer_reduce.weight': torch.zeros(64, 512, 1, 1),
                  'head.fc.weight': torch.zeros(10, triu_size(64))})
    path = tmp_path / 'classifier.pth'
    torch.save(dict(state_dict=state, meta=dict(epoch=1)), path)
    net, lines = log_lines(lambda: load(path))
    for key, value in source.state_dict().items():
        assert torch.equal(net.state_dict()[key], value), key
    line, = [x for x in lines if x.startswith('Loaded')]
    assert line.startswith(
        f'Loaded 120 backbone tensors from the backbone.* tensors of the '
        f'whole-model checkpoint {path} (not its head, neck)')


def test_old_checkpoint_without_bn_counters_loads(tmp_path):
    source, ckpt = released_checkpoint()
    ckpt['state_dict'] = {k: v for k, v in ckpt['state_dict'].items()
                          if not k.endswith('num_batches_tracked')}
    torch.save(ckpt, tmp_path / 'old.pth')
    net = load(tmp_path / 'old.pth')
    assert torch.equal(net.layer4[1].bn2.running_var,
                       source.layer4[1].bn2.running_var)


def test_missing_backbone_keys_are_listed(tmp_path):
    _, ckpt = released_checkpoint()
    del ckpt['state_dict']['module.layer3.0.conv1.weight']
    del ckpt['state_dict']['module.bn1.weight']
    torch.save(ckpt, tmp_path / 'partial.pth')
    with pytest.raises(KeyError, match='partial.pth') as err:
        load(tmp_path / 'partial.pth')
    assert 'bn1.weight' in str(err.value)
    assert 'layer3.0.conv1.weight' in str(err.value)


def test_wrong_depth_is_an_error(tmp_path):
    _, ckpt = released_checkpoint(depth=18)
    torch.save(ckpt, tmp_path / 'r18.pth')
    with pytest.raises(KeyError, match='r18.pth.*missing backbone keys'):
        load(tmp_path / 'r18.pth', depth=50)


def test_checkpoint_without_backbone_keys(tmp_path):
    torch.save(dict(state_dict={'fc.weight': torch.zeros(2, 2)}),
               tmp_path / 'head_only.pth')
    with pytest.raises(KeyError, match='head_only.pth'):
        load(tmp_path / 'head_only.pth')
    torch.save([1, 2, 3], tmp_path / 'list.pth')
    with pytest.raises(ValueError, match='list.pth.*dict'):
        load(tmp_path / 'list.pth')


def test_missing_file_says_how_to_get_one(tmp_path):
    with pytest.raises(FileNotFoundError) as err:
        load(tmp_path / 'nope.pth')
    assert 'nope.pth' in str(err.value)
    assert 'convert_official.py' in str(err.value)


DCN_AND_PLUGINS = dict(
    dcn=dict(type='DCNv2', deform_groups=1, fallback_on_stride=False),
    stage_with_dcn=(False, False, True, True),
    plugins=[dict(cfg=dict(type='ContextBlock', ratio=1. / 4),
                  stages=(False, False, False, True),
                  position='after_conv3')])


@pytest.mark.parametrize('backbone', ['GCPResNet', 'SegGCPResNet'])
def test_dcn_and_plugins_keep_their_init_the_rest_loads(tmp_path, backbone):
    import mmgcp.models
    source, ckpt = released_checkpoint(depth=50, d=32)
    torch.save(ckpt, tmp_path / 'gcp.pth')
    net = getattr(mmgcp.models, backbone)(
        50, 'M', init_cfg=dict(type='Pretrained',
                               checkpoint=str(tmp_path / 'gcp.pth')),
        **DCN_AND_PLUGINS)
    _, lines = log_lines(net.init_weights)
    state = net.state_dict()
    for key, value in source.state_dict().items():
        assert torch.equal(state[key], value), key  # DCN weights included
    offsets = [m for n, m in net.named_modules() if n.endswith('conv_offset')]
    assert len(offsets) == 6 + 3  # the blocks of layer3 and layer4
    assert all(not m.weight.any() and not m.bias.any() for m in offsets)
    # ContextBlock's own init: the last conv of each add branch is zero
    block = net.layer4[2].context_block
    assert not block.channel_add_conv[-1].weight.any()
    assert block.conv_mask.weight.abs().sum() > 0
    kept = [line for line in lines if line.startswith('Kept')]
    assert len(kept) == 1
    assert 'DCN offsets (9: layer3.0.conv2.conv_offset' in kept[0]
    assert 'plugins (3: layer4.0.context_block' in kept[0]
    assert 'gcp.pth' in kept[0]


def test_dcn_backbone_stays_strict_for_everything_else(tmp_path):
    _, ckpt = released_checkpoint(depth=50, d=32)
    del ckpt['state_dict']['module.layer3.1.conv2.weight']
    torch.save(ckpt, tmp_path / 'cut.pth')
    net = GCPResNet(50, 'M', init_cfg=dict(
        type='Pretrained', checkpoint=str(tmp_path / 'cut.pth')),
        **DCN_AND_PLUGINS)
    with pytest.raises(KeyError, match=r'cut.pth.*layer3\.1\.conv2\.weight'):
        net.init_weights()


def test_a_dcn_detector_checkpoint_loads_its_offsets(tmp_path):
    trained = GCPResNet(50, 'M', **DCN_AND_PLUGINS)
    for p in trained.parameters():
        p.data.normal_()
    torch.save({'state_dict': {'backbone.' + k: v for k, v in
                               trained.state_dict().items()}},
               tmp_path / 'det.pth')
    net = GCPResNet(50, 'M', init_cfg=dict(
        type='Pretrained', checkpoint=str(tmp_path / 'det.pth'),
        prefix='backbone.'), **DCN_AND_PLUGINS)
    _, lines = log_lines(net.init_weights)
    assert not [line for line in lines if line.startswith('Kept')]
    for key, value in trained.state_dict().items():
        assert torch.equal(net.state_dict()[key], value), key


def test_groupnorm_backbone_takes_the_convs_only(tmp_path):
    source, ckpt = released_checkpoint(depth=18)
    torch.save(ckpt, tmp_path / 'bn.pth')
    net = GCPResNet(18, 'M', norm_cfg=dict(type='GN', num_groups=8),
                    init_cfg=dict(type='Pretrained',
                                  checkpoint=str(tmp_path / 'bn.pth')))
    _, lines = log_lines(net.init_weights)
    assert torch.equal(net.layer2[0].conv1.weight,
                       source.layer2[0].conv1.weight)
    assert torch.equal(net.layer2[0].downsample[0].weight,
                       source.layer2[0].downsample[0].weight)
    for norm in (net.layer2[0].gn1, net.layer2[0].downsample[1], net.gn1):
        assert torch.equal(norm.weight, torch.ones_like(norm.weight))
        assert not norm.bias.any()
    kept = [line for line in lines if line.startswith('Kept')]
    assert len(kept) == 1 and 'GroupNorm layers (20:' in kept[0]
    assert "dropped the file's" in kept[0] and '20 BN layers' in kept[0]
