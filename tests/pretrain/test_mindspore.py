"""MindSpore ``.ckpt`` releases: read without MindSpore, converted, and
evaluated with MindSpore's numerics to the logits MindSpore's own model
gave (the fixtures of tests/data/mindspore, written by the real package
with make_fixtures.py there)."""
import os.path as osp
import re

import numpy as np
import pytest
import torch

from mmgcp.checkpoint import load_matching_checkpoint
from mmgcp.pretrain import (CheckpointLayoutError, MindSporeResNet,
                            convert_mindspore, export_backbone,
                            read_mindspore_checkpoint)
from mmgcp.pretrain.mindspore_checkpoints import _checkpoint_message
from mmgcp.pretrain.mindspore_resnet import SamePaddingMaxPool2d

from helpers import ROOT, build_config_model, run_tool, venv_python

FIXTURES = osp.join(ROOT, 'tests', 'data', 'mindspore')
# fixture -> (depth, pooling)
RELEASES = {'resnet18_fastmpn_w4': (18, 'isqrt'),
            'resnet50_fastmpn_w4': (50, 'isqrt'),
            'resnet18_dropcov_w4': (18, 'dropcov')}


def converted_model(tmp_path, name, options=None):
    """(model of the converted fixture's config, loaded strictly, meta)"""
    converted, _ = convert_mindspore(read_mindspore_checkpoint(
        osp.join(FIXTURES, f'{name}.ckpt')), f'{name}.ckpt')
    path = tmp_path / 'converted.pth'
    torch.save(converted, path)
    meta = converted['meta']
    model = build_config_model(osp.join(ROOT, meta['config']),
                               dict(meta['config_options'], **(options or {})))
    load_matching_checkpoint(model, str(path))  # strict, names the keys
    return model, meta


def logits(model, x):
    with torch.no_grad():
        return model(torch.from_numpy(x), mode='tensor')


@pytest.mark.parametrize('name', RELEASES)
def test_release_gives_mindspores_logits(tmp_path, name):
    depth, pooling = RELEASES[name]
    model, meta = converted_model(tmp_path, name)
    assert (meta['framework'], meta['depth'], meta['pooling'],
            meta['reduced_channels'], meta['num_classes']) == \
        ('mindspore', depth, pooling, 8, 1001)
    assert meta['config'] == (f'configs/pretrain/resnet{depth}-{pooling}-'
                              f'd128-ms_4xb64-linear_in1k.py')
    assert isinstance(model.backbone, MindSporeResNet)
    expected = np.load(osp.join(FIXTURES, f'{name}.npz'))
    for case in 'ab':  # 2x3x64x64 and an uneven 1x3x58x71
        torch.testing.assert_close(
            logits(model, expected[f'input_{case}']),
            torch.from_numpy(expected[f'logits_{case}']),
            rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize('name', ['resnet18_fastmpn_w4',
                                  'resnet50_fastmpn_w4'])
def test_pytorch_numerics_would_not(tmp_path, name):
    """The same weights in mmpretrain's plain ResNet (PyTorch's padding, BN
    eps 1e-5): the numerics option is what makes the logits MindSpore's."""
    model, _ = converted_model(tmp_path, name, {
        'model.backbone.type': 'ResNet', 'model.neck.norm_cfg.eps': 1e-5})
    expected = np.load(osp.join(FIXTURES, f'{name}.npz'))
    got = logits(model, expected['input_a'])
    want = torch.from_numpy(expected['logits_a'])
    assert (got - want).abs().max() > 100 * 1e-4 * want.abs().max()


def test_same_padding_is_tensorflows():
    pool = SamePaddingMaxPool2d(3, 2)
    assert [pool.padding(n) for n in (112, 113, 7)] == \
        [(0, 1), (1, 1), (1, 1)]
    x = torch.arange(16.).reshape(1, 1, 4, 4)
    # windows rows/cols {0,1,2} and {2,3,pad}
    assert pool(x).flatten().tolist() == [10., 11., 14., 15.]
    model = MindSporeResNet(50, strides=(1, 2, 2, 1))
    assert type(model.conv1).__name__ == 'Conv2dAdaptivePadding'
    assert {m.eps for m in model.modules()
            if isinstance(m, torch.nn.BatchNorm2d)} == {1e-4}
    small = MindSporeResNet(18)
    assert isinstance(small.maxpool, torch.nn.MaxPool2d)
    assert (small.bn1.eps, small.layer2[0].downsample[1].eps,
            small.layer2[0].bn1.eps, small.layer4[1].bn2.eps) == \
        (1e-5, 1e-5, 1e-4, 1e-4)
    with pytest.raises(ValueError, match='deep_stem=True builds another'):
        MindSporeResNet(50, deep_stem=True)


def test_reader_skips_and_names_what_is_not_the_model():
    tensors = read_mindspore_checkpoint(
        osp.join(FIXTURES, 'resnet18_dropcov_w4.ckpt'))
    assert tensors['layer1.0.bn1d.moving_variance'].dtype == torch.float32
    assert tensors['global_step'].dtype == torch.int32
    assert tensors['epoch_num'].shape == () and tensors['epoch_num'] == 1
    converted, report = convert_mindspore(tensors, 'r18.ckpt')
    skipped = [line for line in report if line.startswith('skipped')]
    assert 'skipped (optimizer state): moments.fc.weight' in skipped
    assert 'skipped (optimizer state): learning_rate' in skipped
    state = converted['state_dict']
    assert torch.equal(state['backbone.layer2.0.downsample.1.running_var'],
                       tensors['layer2.0.down_sample_layer.1.'
                               'moving_variance'])
    assert torch.equal(state['backbone.layer1.1.bn2.weight'],
                       tensors['layer1.1.bn2d.gamma'])
    assert state['neck.pooling.eca_layer.conv.weight'].shape == (1, 1, 3)
    assert state['head.fc.weight'].shape == (1001, 36)
    # the model zoo's plain ResNet calls its classifier end_point
    tensors['end_point.weight'] = torch.zeros(2)
    with pytest.raises(CheckpointLayoutError,
                       match='unknown tensors end_point.weight'):
        convert_mindspore(tensors, 'r18.ckpt')


def test_reader_joins_split_tensors_and_refuses_bad_files(tmp_path):
    message = _checkpoint_message()()
    values = np.arange(6, dtype=np.float16)
    for part in (values[:4], values[4:]):  # one tensor over two values
        value = message.value.add(tag='big')
        value.tensor.dims.extend([2, 3])
        value.tensor.tensor_type = 'Float16'
        value.tensor.tensor_content = part.tobytes()
    value = message.value.add(tag='odd')
    value.tensor.dims.append(1)
    value.tensor.tensor_type = 'Complex64'
    value.tensor.tensor_content = b'\0' * 8
    path = tmp_path / 'split.ckpt'
    path.write_bytes(message.SerializeToString())
    with pytest.raises(CheckpointLayoutError,
                       match="'odd' has tensor type 'Complex64'"):
        read_mindspore_checkpoint(str(path))
    del message.value[-1]
    path.write_bytes(message.SerializeToString())
    big = read_mindspore_checkpoint(str(path))['big']
    assert big.dtype == torch.float16
    assert big.tolist() == [[0., 1., 2.], [3., 4., 5.]]
    data = open(osp.join(FIXTURES, 'resnet18_fastmpn_w4.ckpt'), 'rb').read()
    cut = tmp_path / 'cut.ckpt'
    cut.write_bytes(data[:len(data) // 2])
    with pytest.raises(CheckpointLayoutError, match='cut.ckpt'):
        read_mindspore_checkpoint(str(cut))


def test_zoo_name_is_checked():
    tensors = read_mindspore_checkpoint(
        osp.join(FIXTURES, 'resnet18_fastmpn_w4.ckpt'))
    with pytest.raises(CheckpointLayoutError,
                       match='reduced_channels is 8, expected 128'):
        convert_mindspore(tensors, 'x.ckpt',
                          zoo_name='MindSpore_ResNet18_FastMPN')
    with pytest.raises(CheckpointLayoutError,
                       match='framework is mindspore, expected pytorch'):
        convert_mindspore(tensors, 'x.ckpt', zoo_name='ResNet18_GCP_LRnorm')


def mindspore_names(state, depth):
    """A classifier state dict in the names a MindSpore release uses."""
    bn = {k.rsplit('.', 1)[0] for k in state if k.endswith('running_mean')}
    params = {'weight': 'gamma', 'bias': 'beta',
              'running_mean': 'moving_mean', 'running_var': 'moving_variance'}
    out = {}
    for key, value in state.items():
        module, param = key.rsplit('.', 1)
        if param == 'num_batches_tracked':
            continue
        if module in bn:
            param = params[param]
        name = f'{module}.{param}'.split('.', 1)[1]  # drop backbone./neck.
        name = name.replace('downsample', 'down_sample_layer')
        if depth < 50:
            name = re.sub(r'^(layer\d\.\d+)\.bn([12])\.', r'\1.bn\2d.', name)
        if name.startswith('pooling.'):
            name = name[len('pooling.'):]
            value = value[:, :, None]  # MindSpore's Conv1d: 1 x 1 x 1 x k
        out[name] = value
    return out


@pytest.mark.parametrize('depth', [18, 50])
def test_full_size_release_exports_to_gcp_resnet(tmp_path, depth):
    from mmgcp.models import GCPResNet
    config = osp.join(ROOT, 'configs', 'pretrain',
                      f'resnet{depth}-dropcov-d128-ms_4xb64-linear_in1k.py')
    classifier = build_config_model(config)
    assert sum(p.numel() for p in classifier.parameters()) == {
        18: 19_507_564, 50: 32_035_692}[depth]  # + DropCov's 3 weights
    tensors = mindspore_names(classifier.state_dict(), depth)
    tensors['moments.fc.weight'] = torch.zeros(1)
    converted, _ = convert_mindspore(tensors, 'release.ckpt',
                                     zoo_name=f'MindSpore_ResNet{depth}_'
                                     'DropCov')
    assert converted['meta']['top1'] == {18: 73.8, 50: 77.77}[depth]
    assert converted['meta']['config_options'] == {}
    assert set(converted['state_dict']) == set(classifier.state_dict())
    src = tmp_path / 'classifier.pth'
    torch.save(converted, src)
    path = export_backbone(str(src), str(tmp_path / 'backbone.pth'))
    backbone = GCPResNet(depth=depth, variant='M', init_cfg=dict(
        type='Pretrained', checkpoint=path))
    backbone.init_weights()  # strict: names any key it misses
    assert torch.equal(backbone.layer3[1].conv1.weight,
                       classifier.backbone.layer3[1].conv1.weight)
    with torch.no_grad():
        assert backbone(torch.randn(1, 3, 64, 64))[-1].shape[1] == \
            {18: 512, 50: 2048}[depth]


def test_convert_tool_reads_a_ckpt(tmp_path):
    out = tmp_path / 'r50.pth'
    log = run_tool([venv_python(), 'tools/convert_official.py',
                    osp.join(FIXTURES, 'resnet50_fastmpn_w4.ckpt'),
                    str(out)]).stdout
    assert 'layout: mindspore' in log
    assert 'config: configs/pretrain/resnet50-isqrt-d128-ms_4xb64-' \
        'linear_in1k.py' in log
    assert torch.load(out, weights_only=True)['meta']['framework'] == \
        'mindspore'
    bad = run_tool([venv_python(), 'tools/convert_official.py',
                    osp.join(FIXTURES, 'resnet50_fastmpn_w4.npz'),
                    str(out)], check=False)
    assert bad.returncode != 0
    assert 'resnet50_fastmpn_w4.npz: not a PyTorch checkpoint' in bad.stdout
    assert 'Traceback' not in bad.stdout
