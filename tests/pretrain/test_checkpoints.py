import os.path as osp
import re

import pytest
import torch

from mmgcp.models import GCPResNet
from mmgcp.pretrain import GCPClassifier, convert_official, export_backbone
from mmgcp.pretrain.checkpoints import CheckpointLayoutError

from conftest import run_tool, venv_python


def trained_classifier(depth=18, head='isqrt', dim=32):
    torch.manual_seed(0)
    model = GCPClassifier(depth, head, dim, num_classes=7)
    for key, p in model.state_dict().items():
        if key.endswith('running_var'):
            p.uniform_(0.5, 1.5)
        elif p.is_floating_point():
            p.normal_(std=0.1)
    return model


def released(model, layout):
    state = model.state_dict()
    if layout == 'gcp_optimization':
        return dict(epoch=50, best_prec1=78.5,
                    state_dict={'module.' + k: v for k, v in state.items()})
    if layout == 'fast_mpn_cov_zoo':
        return dict(state)
    features = {'conv1': 0, 'bn1': 1, 'layer1': 4, 'layer2': 5, 'layer3': 6,
                'layer4': 7}
    out = {}
    for key, value in state.items():
        top, rest = key.split('.', 1)
        if top in features:
            out[f'features.module.{features[top]}.{rest}'] = value
        elif top == 'layer_reduce':
            out[f'representation.conv_dr_block.0.{rest}'] = value
        elif top == 'layer_reduce_bn':
            out[f'representation.conv_dr_block.1.{rest}'] = value
        elif top == 'fc':
            out[f'classifier.{rest}'] = value
    return dict(epoch=60, arch='mpncovresnet18', state_dict=out)


@pytest.mark.parametrize('layout', ['gcp_optimization', 'fast_mpn_cov_zoo',
                                    'fast_mpn_cov_train'])
def test_round_trip_is_exact(layout):
    model = trained_classifier()
    converted, report = convert_official(released(model, layout), 'x.pth')
    assert report[0] == f'layout: {layout}'
    assert converted['meta']['depth'] == 18
    assert converted['meta']['dim'] == 32
    fresh = GCPClassifier(18, 'isqrt', 32, num_classes=7)
    fresh.load_state_dict(converted['state_dict'], strict=True)
    for key, value in model.state_dict().items():
        assert torch.equal(fresh.state_dict()[key], value), key
    if layout == 'fast_mpn_cov_train':
        assert any('features.module.4.0.conv1.weight -> layer1.0.conv1.weight'
                   in line for line in report)


def test_dropcov_release_is_recognised():
    model = trained_classifier(head='dropcov')
    converted, _ = convert_official(released(model, 'gcp_optimization'))
    assert converted['meta']['head'] == 'dropcov'
    assert 'eca_layer.conv.weight' in converted['state_dict']


def test_unknown_layout_lists_the_known_ones():
    with pytest.raises(CheckpointLayoutError) as err:
        convert_official({'net.w': torch.zeros(1)}, 'odd.pth')
    message = str(err.value)
    assert 'odd.pth' in message
    for layout in ('gcp_optimization', 'fast_mpn_cov_zoo',
                   'fast_mpn_cov_train'):
        assert layout in message


def test_export_backbone_matches_classifier_features(tmp_path):
    model = trained_classifier(depth=18).eval()
    ckpt = tmp_path / 'epoch_3.pth'
    torch.save(dict(meta=dict(epoch=3), state_dict=model.state_dict()), ckpt)
    out = export_backbone(str(ckpt), str(tmp_path / 'gcp_r18.pth'))
    assert re.fullmatch(r'gcp_r18-[0-9a-f]{8}\.pth', osp.basename(out))
    backbone = GCPResNet(18, 'M', init_cfg=dict(type='Pretrained',
                                                checkpoint=out))
    backbone.init_weights()  # strict: no renaming needed
    backbone.eval()
    x = torch.randn(2, 3, 96, 96)
    with torch.no_grad():
        c5 = backbone(x)[3]
        stage4 = model.stage4(x)
    torch.testing.assert_close(c5, torch.nn.functional.max_pool2d(stage4, 2))


def test_export_refuses_non_classifier(tmp_path):
    torch.save(dict(state_dict={'w': torch.zeros(1)}), tmp_path / 'x.pth')
    with pytest.raises(CheckpointLayoutError, match='x.pth'):
        export_backbone(str(tmp_path / 'x.pth'), str(tmp_path / 'out.pth'))
    assert not list(tmp_path.glob('out*'))  # nothing half-written


def test_convert_tool_end_to_end(tmp_path):
    model = trained_classifier()
    src = tmp_path / 'iSQRT-COV-ResNet18.pth.tar'
    torch.save(released(model, 'gcp_optimization'), src)
    out = run_tool([venv_python(), 'tools/convert_official.py', str(src),
                    str(tmp_path / 'gcp_r18'), '--backbone']).stdout
    assert 'layout: gcp_optimization' in out
    path = out.strip().splitlines()[-1].split()[-1]
    state = torch.load(path, weights_only=True)['state_dict']
    assert set(state) == set(GCPResNet(18).state_dict())
