"""Released checkpoints convert into the pretraining configs' models with
the authors' logits; classifier checkpoints export to GCPResNet."""
import os.path as osp
import re

import pytest
import torch

from mmgcp.pretrain import (CheckpointLayoutError, convert_official,
                            export_backbone, infer_architecture)

from helpers import ROOT, assert_same_logits, run_tool, venv_python
from reference_models import (ReleasedGCPMobileNetV2, ReleasedGCPResNet,
                              ReleasedGCPShuffleNetV2, randomise,
                              released_checkpoint)

LAYOUTS = ['gcp_optimization', 'fast_mpn_cov_zoo', 'fast_mpn_cov_train']


@pytest.mark.parametrize('layout', LAYOUTS)
def test_isqrt_releases_give_the_authors_logits(layout, tmp_path):
    reference = randomise(ReleasedGCPResNet(18, 'isqrt', 32, num_classes=7))
    converted, report = convert_official(
        released_checkpoint(reference, layout), 'release.pth')
    assert report[0] == f'layout: {layout}'
    meta = converted['meta']
    assert (meta['depth'], meta['pooling'], meta['reduced_channels'],
            meta['num_classes']) == (18, 'isqrt', 32, 7)
    assert meta['config'].endswith('resnet18-isqrt-d256_8xb32-lrnorm_in1k.py')
    assert_same_logits(reference, converted, tmp_path)
    if layout == 'fast_mpn_cov_train':
        assert 'renamed: features.module.4.0.conv1.weight -> ' \
            'layer1.0.conv1.weight' in report


def test_bottleneck_release_with_landscape_names(tmp_path):
    reference = randomise(ReleasedGCPResNet(50, 'isqrt', 16, num_classes=5))
    converted, _ = convert_official(released_checkpoint(
        reference, 'gcp_optimization', landscape_names=True), 'r50.pth.tar')
    assert converted['meta']['depth'] == 50
    assert 'neck.layer_reduce_bn.running_var' in converted['state_dict']
    assert_same_logits(reference, converted, tmp_path)


def test_dropcov_release_evaluates_the_plain_covariance(tmp_path):
    reference = randomise(ReleasedGCPResNet(34, 'dropcov', 128,
                                            num_classes=4))
    converted, _ = convert_official(
        released_checkpoint(reference, 'gcp_optimization'), 'dropcov.pth')
    meta = converted['meta']
    assert (meta['pooling'], meta['reduced_channels']) == ('dropcov', 128)
    assert meta['config'].endswith(
        'resnet34-dropcov-d128_8xb32-lrnorm_in1k.py')
    assert torch.equal(converted['state_dict'][
        'neck.pooling.eca_layer.conv.weight'],
        reference.eca_layer.conv.weight)
    assert_same_logits(reference, converted, tmp_path)


@pytest.mark.parametrize('pooling,dim,config', [
    ('isqrt', 256, 'mobilenet-v2-isqrt-d256_8xb12-lrnorm_in1k.py'),
    ('isqrt', 128, 'mobilenet-v2-isqrt-d128_8xb12-lrnorm_in1k.py'),
    ('isqrt', 24, 'mobilenet-v2-isqrt-d256_8xb12-lrnorm_in1k.py'),
    ('gap', None, 'mobilenet-v2_8xb12-lrnorm_in1k.py')])
def test_mobilenet_v2_releases_give_the_authors_logits(tmp_path, pooling,
                                                       dim, config):
    reference = randomise(ReleasedGCPMobileNetV2(pooling, dim or 256,
                                                 num_classes=5),
                          keep_weights=True)
    converted, report = convert_official(
        released_checkpoint(reference, 'gcp_optimization'), 'mbv2.pth.tar')
    meta = converted['meta']
    assert (meta['model'], meta['pooling'], meta.get('reduced_channels'),
            meta['num_classes']) == ('mobilenet_v2', pooling, dim, 5)
    assert meta['config'] == f'configs/pretrain/{config}'
    assert 'dropped: ' not in '\n'.join(report)  # every tensor mapped
    state = converted['state_dict']
    assert torch.equal(state['backbone.layer1.0.conv.1.bn.running_var'],
                       reference.features[1].conv[2].running_var)
    assert torch.equal(state['backbone.layer7.0.conv.2.conv.weight'],
                       reference.features[17].conv[2].weight)
    features = reference.features(torch.randn(1, 3, 64, 64))
    # positions must differ for a covariance to compare (not rounding noise)
    assert features.std(dim=(2, 3)).mean() > 1e-3
    assert_same_logits(reference, converted, tmp_path)


def test_mobilenet_v2_zoo_entry_is_checked():
    reference = ReleasedGCPMobileNetV2('isqrt', 128)
    checkpoint = released_checkpoint(reference, 'gcp_optimization')
    converted, _ = convert_official(checkpoint, 'x.pth.tar',
                                    zoo_name='MobileNetV2_GCP_LRadju_128')
    assert converted['meta']['top1'] == 72.58
    assert converted['meta']['config'].endswith(
        'mobilenet-v2-isqrt-d128_8xb24-lradj_in1k.py')
    with pytest.raises(CheckpointLayoutError,
                       match='reduced_channels is 128, expected 256'):
        convert_official(checkpoint, 'x.pth.tar',
                         zoo_name='MobileNetV2_GCP_LRadju')
    with pytest.raises(CheckpointLayoutError, match='model is mobilenet_v2'):
        convert_official(checkpoint, 'x.pth.tar',
                         zoo_name='ResNet50_GCP_LRnorm_128')


@pytest.mark.parametrize('pooling,dim,config', [
    ('isqrt', 256, 'shufflenet-v2-1x-isqrt-d256_16xb64-lrnorm_in1k.py'),
    ('isqrt', 20, 'shufflenet-v2-1x-isqrt-d256_16xb64-lrnorm_in1k.py'),
    ('gap', None, 'shufflenet-v2-1x_16xb64-lrnorm_in1k.py')])
def test_shufflenet_v2_releases_give_the_authors_logits(tmp_path, pooling,
                                                        dim, config):
    reference = randomise(ReleasedGCPShuffleNetV2(pooling, dim or 256,
                                                  num_classes=6),
                          keep_weights=True)
    converted, report = convert_official(
        released_checkpoint(reference, 'gcp_optimization'), 'snv2.pth.tar')
    meta = converted['meta']
    assert (meta['model'], meta['pooling'], meta.get('reduced_channels'),
            meta['num_classes']) == ('shufflenet_v2', pooling, dim, 6)
    assert meta['config'] == f'configs/pretrain/{config}'
    assert 'dropped: ' not in '\n'.join(report)  # every tensor mapped
    state = converted['state_dict']
    # a stride-2 block's two branches and the last 1x1 conv
    assert torch.equal(state['backbone.layers.1.0.branch1.1.bn.running_var'],
                       reference.stage3[0].branch1[3].running_var)
    assert torch.equal(state['backbone.layers.2.3.branch2.2.conv.weight'],
                       reference.stage4[3].branch2[5].weight)
    assert torch.equal(state['backbone.layers.3.conv.weight'],
                       reference.conv5[0].weight)
    assert_same_logits(reference, converted, tmp_path)


def test_shufflenet_v2_backbone_exports_for_mmpretrain_only(tmp_path):
    reference = ReleasedGCPShuffleNetV2('isqrt', 32)
    converted, _ = convert_official(
        released_checkpoint(reference, 'gcp_optimization'), 'snv2.pth.tar',
        zoo_name=None)
    src = tmp_path / 'classifier.pth'
    torch.save(converted, src)
    with pytest.raises(ValueError, match="mmdet has no ShuffleNetV2"):
        export_backbone(str(src), str(tmp_path / 'b.pth'), 'mmdet')
    path = export_backbone(str(src), str(tmp_path / 'b.pth'), 'mmpretrain')
    from mmpretrain.models import ShuffleNetV2
    backbone = ShuffleNetV2(widen_factor=1.0)
    exported = torch.load(path, weights_only=True)['state_dict']
    backbone.load_state_dict(exported, strict=True)
    assert torch.equal(backbone.layers[3].conv.weight,
                       reference.conv5[0].weight)


def test_gap_release_is_mmpretrains_resnet(tmp_path):
    reference = randomise(ReleasedGCPResNet(18, 'gap', num_classes=6))
    converted, _ = convert_official(
        released_checkpoint(reference, 'gcp_optimization'), 'gap.pth')
    assert converted['meta']['pooling'] == 'gap'
    assert converted['meta']['config'].endswith(
        'resnet18_8xb32-lrnorm_in1k.py')
    assert_same_logits(reference, converted, tmp_path)


def test_unknown_layout_lists_the_known_ones():
    with pytest.raises(CheckpointLayoutError) as err:
        convert_official({'net.w': torch.zeros(1)}, 'odd.pth')
    message = str(err.value)
    assert 'odd.pth' in message
    for layout in LAYOUTS:
        assert layout in message
    with pytest.raises(CheckpointLayoutError, match='already has mmgcp'):
        convert_official({'backbone.layer1.0.conv1.weight': torch.zeros(1)},
                         'mine.pth')


def test_export_refuses_non_classifier(tmp_path):
    torch.save(dict(state_dict={'w': torch.zeros(1)}), tmp_path / 'x.pth')
    with pytest.raises(CheckpointLayoutError, match='x.pth'):
        export_backbone(str(tmp_path / 'x.pth'), str(tmp_path / 'out.pth'))
    reference = ReleasedGCPResNet(18, 'isqrt', 8, num_classes=2)
    torch.save(dict(state_dict=reference.state_dict()), tmp_path / 'old.pth')
    with pytest.raises(CheckpointLayoutError, match='convert_official'):
        export_backbone(str(tmp_path / 'old.pth'), str(tmp_path / 'out.pth'))
    assert not list(tmp_path.glob('out*'))  # nothing half-written


def test_convert_tool_end_to_end(tmp_path):
    from mmgcp.models import GCPResNet
    reference = randomise(ReleasedGCPResNet(18, 'isqrt', 16, num_classes=3))
    src = tmp_path / 'iSQRT-COV-ResNet18.pth.tar'
    torch.save(released_checkpoint(reference, 'gcp_optimization'), src)
    out = run_tool([venv_python(), 'tools/convert_official.py', str(src),
                    str(tmp_path / 'gcp_r18'), '--backbone']).stdout
    assert 'layout: gcp_optimization' in out
    assert 'config: configs/pretrain/resnet18-isqrt-d256_8xb32-lrnorm_in1k' \
        '.py' in out
    assert 'config options: model.neck.reduced_channels=16 ' \
        'model.head.in_channels=136 model.head.num_classes=3' in out
    path = out.strip().splitlines()[-1].split()[-1]
    assert re.search(r'gcp_r18-[0-9a-f]{8}\.pth$', path)
    state = torch.load(path, weights_only=True)['state_dict']
    assert set(state) == set(GCPResNet(18).state_dict())
    assert torch.equal(state['layer4.0.conv1.weight'],
                       reference.layer4[0].conv1.weight)


def test_export_says_the_pooling_the_classifier_was_trained_with(tmp_path):
    """MPN-COV leaves no tensor of its own: the training checkpoint's
    config says it, where the tensors alone would read as iSQRT-COV."""
    from mmengine.runner import save_checkpoint

    from mmgcp.engine import build_model, load_run_config
    config = osp.join(ROOT, 'configs', 'pretrain',
                      'resnet18-isqrt-d128_8xb32-lrnorm_in1k.py')
    cfg = load_run_config(config, cfg_options={'model.neck.pooling': 'mpn'})
    model = build_model(cfg)
    src = str(tmp_path / 'epoch_1.pth')
    save_checkpoint(dict(meta=dict(epoch=1, cfg=cfg.pretty_text),
                         state_dict=model.state_dict()), src)
    assert infer_architecture(model.state_dict())['pooling'] == 'isqrt'
    path = export_backbone(src, str(tmp_path / 'backbone.pth'))
    meta = torch.load(path, weights_only=True)['meta']
    assert meta['pretrain_pooling'] == 'mpn'
    assert meta['pretrain_reduced_channels'] == 128
