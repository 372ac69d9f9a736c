"""A conversion is complete or refused: a release file cut short (at a
tensor boundary or inside a tensor), in either format, never converts."""
import os.path as osp

import pytest
import torch

from mmgcp.checkpoint import CheckpointError
from mmgcp.pretrain import (CheckpointIncompleteError, CheckpointLayoutError,
                            convert_official, convert_release)
from mmgcp.pretrain.mindspore_checkpoints import _checkpoint_message

from helpers import ROOT, run_tool, venv_python
from reference_models import (ReleasedGCPResNet, randomise,
                              released_checkpoint)

MINDSPORE = osp.join(ROOT, 'tests', 'data', 'mindspore',
                     'resnet18_fastmpn_w4.ckpt')


def mindspore_prefix(data, tag):
    """The bytes of the file up to (not including) the value ``tag``: a
    file cut exactly at that tensor boundary."""
    checkpoint = _checkpoint_message()
    message = checkpoint()
    message.ParseFromString(data)
    tags = [value.tag for value in message.value]
    head = checkpoint()
    head.value.extend(message.value[:tags.index(tag)])
    prefix = head.SerializeToString()
    assert data.startswith(prefix)  # a repeated field: values in order
    return prefix


@pytest.mark.parametrize('tag,missing', [
    # the file holds the trained parameters first, BN statistics after
    ('fc.weight', 'no classifier tensors (fc)'),
    ('layer_reduce.weight', 'no classifier tensors (fc)'),
    ('layer3.0.conv1.weight', 'no ResNet stage 4'),
    ('bn1.moving_mean', '42 of the 107 tensors of the model of configs/'
     'pretrain/resnet18-isqrt-d128-ms_4xb64-linear_in1k.py are missing '
     '(backbone.bn1.running_mean, backbone.bn1.running_var'),
    ('conv1.weight', 'no tensors in it (empty')])
def test_mindspore_file_cut_at_a_tensor_boundary(tmp_path, tag, missing):
    data = open(MINDSPORE, 'rb').read()
    cut = tmp_path / 'cut.ckpt'
    cut.write_bytes(mindspore_prefix(data, tag))
    with pytest.raises(CheckpointLayoutError) as err:
        convert_release(str(cut))
    assert str(err.value).startswith(f'{cut}')
    assert missing in str(err.value)
    if tag != 'conv1.weight':
        assert 'cut short' in str(err.value)


def test_mindspore_cut_with_its_zoo_name_names_what_is_missing(tmp_path):
    """A full-size file cut before its classifier: with the zoo entry the
    converter counts and names the missing tensors (never "pooling is gap,
    expected isqrt")."""
    from mmgcp.pretrain.checkpoints import check_converted, config_file
    from test_mindspore import mindspore_names

    from helpers import build_config_model
    config = 'configs/pretrain/resnet18-isqrt-d128-ms_4xb64-linear_in1k.py'
    state = build_config_model(config_file(config)).state_dict()
    tensors = mindspore_names(state, 18)
    message = _checkpoint_message()()
    for tag, value in tensors.items():
        if tag == 'fc.weight':
            break
        item = message.value.add(tag=tag)
        item.tensor.dims.extend(value.shape)
        item.tensor.tensor_type = 'Float32'
        item.tensor.tensor_content = value.float().numpy().tobytes()
    cut = tmp_path / 'r18.ckpt'
    cut.write_bytes(message.SerializeToString())
    with pytest.raises(CheckpointIncompleteError) as err:
        convert_release(str(cut), zoo_name='MindSpore_ResNet18_FastMPN')
    assert f'{cut}: 2 of the 107 tensors of the model of {config} are ' \
        'missing (head.fc.bias, head.fc.weight); the file looks cut short' \
        in str(err.value)
    assert 'pooling is gap' not in str(err.value)
    check_converted(state, config, {})  # the whole model passes


@pytest.mark.parametrize('fraction', [0.1, 0.5, 0.97])
def test_mindspore_file_cut_inside_a_tensor(tmp_path, fraction):
    data = open(MINDSPORE, 'rb').read()
    cut = tmp_path / 'cut.ckpt'
    cut.write_bytes(data[:int(len(data) * fraction)])
    with pytest.raises(CheckpointLayoutError,
                       match='cut.ckpt: not a MindSpore checkpoint, or '
                       'truncated or corrupt') as err:
        convert_release(str(cut))
    assert '.pth' not in str(err.value)


def released_resnet(layout='gcp_optimization'):
    return released_checkpoint(randomise(ReleasedGCPResNet(
        18, 'isqrt', 32, num_classes=7)), layout)


@pytest.mark.parametrize('last,missing', [
    ('fc.bias', '1 of the 107 tensors of the model of configs/pretrain/'
     'resnet18-isqrt-d256_8xb32-lrnorm_in1k.py are missing (head.fc.bias)'),
    ('fc.weight', 'no classifier tensors (fc)'),
    ('layer4.1.bn2.weight', 'no classifier tensors (fc)'),
    ('layer1.0.conv1.weight', 'it has a stem but no stage: a release cut '
     'short reads this way')])
def test_pytorch_file_cut_at_a_tensor_boundary(last, missing):
    """The tensors up to ``last`` (excluded), in the file's order."""
    checkpoint = released_resnet()
    state = checkpoint['state_dict']
    keys = list(state)
    cut = keys.index('module.' + last)
    checkpoint['state_dict'] = {k: state[k] for k in keys[:cut]}
    with pytest.raises(CheckpointLayoutError) as err:
        convert_official(checkpoint, 'cut.pth.tar')
    assert str(err.value).startswith('cut.pth.tar')
    assert missing in str(err.value) and 'cut short' in str(err.value)


def test_another_models_tensors_are_refused():
    checkpoint = released_resnet('fast_mpn_cov_zoo')
    checkpoint['layer4.1.bn2.extra'] = torch.zeros(3)
    checkpoint['layer_reduce.weight'] = torch.zeros(32, 256, 3, 3)
    with pytest.raises(CheckpointIncompleteError,
                       match=r'x.pth is not the model of configs/pretrain/'
                       r'resnet18-isqrt-d256_8xb32-lrnorm_in1k.py: 1 weights '
                       r'the model does not have \(backbone.layer4.1.bn2.'
                       r'extra\); 1 of another shape'):
        convert_official(checkpoint, 'x.pth')


def test_tool_refuses_a_cut_file_and_writes_nothing(tmp_path):
    checkpoint = released_resnet()
    full = tmp_path / 'full.pth.tar'
    torch.save(checkpoint, full)
    out = tmp_path / 'out.pth'
    state = checkpoint['state_dict']
    checkpoint['state_dict'] = dict(list(state.items())[:-2])  # no fc
    cut = tmp_path / 'cut.pth.tar'
    torch.save(checkpoint, cut)
    data = full.read_bytes()
    mid = tmp_path / 'mid.pth.tar'
    mid.write_bytes(data[:len(data) * 2 // 3])  # inside a tensor
    for path, line in (
            (cut, 'cut.pth.tar: no classifier tensors (fc): the file looks '
             'cut short'),
            (mid, 'not a PyTorch checkpoint, or truncated or corrupt')):
        for extra in ([], ['--backbone']):
            proc = run_tool([venv_python(), 'tools/convert_official.py',
                             str(path), str(out)] + extra, check=False)
            assert proc.returncode != 0
            assert line in proc.stdout.strip().splitlines()[-1]
            assert 'Traceback' not in proc.stdout
            assert not list(tmp_path.glob('out*'))
    with pytest.raises(CheckpointError, match='truncated or corrupt'):
        convert_release(str(mid))
    converted, report = convert_release(str(full))
    assert report[-1] == "checked: the 128 tensors are those of the " \
        "config's model, with its shapes"
