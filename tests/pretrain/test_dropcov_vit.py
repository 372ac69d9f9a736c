"""The released DropCov transformers (DeiT-S and T2T-ViT-14 with a
convolutional tokenizer) convert into ConvTokenViT + TokenCovClsHead with
the authors' logits, from timm's checkpoint files."""
import collections
import os.path as osp

import numpy as np
import pytest
import torch

from mmgcp.checkpoint import CheckpointError, load_matching_checkpoint
from mmgcp.pretrain import (CheckpointLayoutError, convert_official,
                            convert_release)
from mmgcp.pretrain.checkpoints import read_release

from helpers import ROOT, assert_same_logits, build_config_model
from reference_models import (ReleasedDropCovViT, randomise,
                              released_checkpoint)


@pytest.mark.parametrize('depth,mlp_ratio,config', [
    (12, 4, 'convtoken-deit-small-dropcov_8xb128_in1k.py'),
    (14, 3, 'convtoken-t2t-vit-14-dropcov_8xb128_in1k.py')])
def test_release_gives_the_authors_logits(tmp_path, depth, mlp_ratio,
                                          config):
    reference = randomise(ReleasedDropCovViT(depth, mlp_ratio),
                          keep_weights=True)
    path = tmp_path / 'release.pth.tar'
    torch.save(released_checkpoint(reference, 'timm'), path)
    converted, report = convert_official(read_release(str(path)),
                                         str(path))
    meta = converted['meta']
    assert (meta['layout'], meta['model'], meta['depth'], meta['pooling'],
            meta['mlp_ratio']) == ('dropcov_vit', 'conv_token_vit', depth,
                                   'cross_cov', mlp_ratio)
    assert meta['config'] == f'configs/pretrain/{config}'
    assert meta['config_options'] == {} and meta['dense_norm'] is False
    assert 'dropped: ' not in '\n'.join(report)  # every tensor mapped
    assert 'tokenizer: dense layers with ReLU only, no BatchNorm (as ' \
        'released: timm 0.4.12)' in report
    state = converted['state_dict']
    tokens = reference.visual_tokens.tokens
    assert torch.equal(
        state['backbone.visual_tokens.stage.2.block.5.conv2.weight'],
        tokens.stage[2]['denselayer6'].conv2.weight)
    assert torch.equal(state[f'backbone.blocks.{depth - 1}.ffn.layers.1.'
                             'bias'], reference.blocks[-1].mlp.fc2.bias)
    assert torch.equal(state['head.pooling.wr.weight'],
                       reference.classifier.representation.wr.weight)
    assert_same_logits(reference, converted, tmp_path, size=224)


FIXTURE = osp.join(ROOT, 'tests', 'data', 'dropcov_vit',
                   'dropcov_vit_tiny')


@pytest.mark.parametrize('ema', [False, True])
def test_file_saved_by_the_authors_code(tmp_path, ema):
    """A file written by DropCov's own model code and timm 0.4.12's
    CheckpointSaver (tests/data/dropcov_vit/make_fixture.py: 48-wide
    tokens, 2 blocks, 10 classes, the released tokenizer and head): it
    converts with nothing left over, loads strictly into the config's
    model and gives the authors' logits. The tokenizer's dense layers have
    no BatchNorm there (timm 0.4.12's DenseBlock norm is a bare ReLU)."""
    expected = np.load(FIXTURE + '.npz')
    assert str(expected['timm']) == '0.4.12'
    converted, report = convert_release(FIXTURE + '.pth.tar', ema=ema)
    meta = converted['meta']
    assert (meta['depth'], meta['embed_dims'], meta['mlp_ratio'],
            meta['num_classes'], meta['dense_norm']) == (2, 48, 2.0, 10,
                                                         False)
    assert meta['config_options'] == {
        'model.backbone.num_layers': 2, 'model.backbone.mlp_ratio': 2.0,
        'model.backbone.embed_dims': 48, 'model.head.in_channels': 48,
        'model.head.num_classes': 10, 'data_preprocessor.num_classes': 10}
    assert not [line for line in report if line.startswith('dropped')]
    assert not any('.norm1.' in k for k in converted['state_dict']
                   if '.block.' in k)
    path = tmp_path / 'converted.pth'
    torch.save(converted, path)
    model = build_config_model(osp.join(ROOT, meta['config']),
                               meta['config_options'])
    load_matching_checkpoint(model, str(path))  # strict
    with torch.no_grad():
        got = model(torch.from_numpy(expected['input']), mode='tensor')
    torch.testing.assert_close(
        got, torch.from_numpy(expected['logits_ema' if ema else 'logits']),
        rtol=1e-4, atol=1e-4)


def test_file_saved_with_a_newer_timm_has_dense_norms(tmp_path):
    """The same code under timm >= 0.6.11 builds BN + ReLU in the dense
    layers: such a file converts too, and says so."""
    reference = randomise(ReleasedDropCovViT(12, 4., dense_norm=True),
                          keep_weights=True)
    converted, report = convert_official(
        released_checkpoint(reference, 'timm'), 'new_timm.pth.tar')
    assert 'tokenizer: dense layers with BatchNorm + ReLU (saved with timm ' \
        '>= 0.6.11; config option dense_norm=True)' in report
    assert converted['meta']['config_options'] == {
        'model.backbone.dense_norm': True}
    assert_same_logits(reference, converted, tmp_path, size=224)


def test_ema_weights_and_the_zoo_entry(tmp_path):
    reference = ReleasedDropCovViT(12, 4.)
    checkpoint = released_checkpoint(reference, 'timm')
    converted, report = convert_official(checkpoint, 'deit.pth.tar',
                                         zoo_name='DeiT-S+DropCov', ema=True)
    assert report[2] == 'weights: state_dict_ema'
    assert torch.equal(converted['state_dict']['backbone.norm.bias'],
                       checkpoint['state_dict_ema']['norm.bias'])
    assert converted['meta']['top1'] == 82.4
    with pytest.raises(CheckpointLayoutError,
                       match='depth is 12, expected 14'):
        convert_official(checkpoint, 'deit.pth.tar',
                         zoo_name='T2T-ViT-14+DropCov')
    del checkpoint['state_dict_ema']
    with pytest.raises(CheckpointLayoutError, match='no state_dict_ema'):
        convert_official(checkpoint, 'deit.pth.tar', ema=True)


def test_timm_files_are_read_safely(tmp_path):
    """timm's saver keeps its arguments in an argparse.Namespace: allowed;
    anything else is refused with one line."""
    path = tmp_path / 'timm.pth.tar'
    torch.save(released_checkpoint(ReleasedDropCovViT(12, 4.), 'timm'),
               path)
    assert read_release(str(path))['args'].model_ema is True
    bad = tmp_path / 'bad.pth'
    torch.save(dict(state_dict={}, queue=collections.deque()), bad)
    with pytest.raises(CheckpointError,
                       match='bad.pth holds more than tensors.*'
                       'collections.deque') as err:
        read_release(str(bad))
    assert 'weights_only=False' not in str(err.value)
    npz = tmp_path / 'x.npz'
    import numpy as np
    np.savez(npz, a=np.zeros(2))
    with pytest.raises(CheckpointError,
                       match='x.npz: not a PyTorch checkpoint.*ckpt'):
        read_release(str(npz))


def test_parameter_counts_and_wrong_image_size():
    """The released sizes (DeiT-S + DropCov: 25.6M as published; the
    position encoding is a parameter that is not trained)."""
    deit = build_config_model(osp.join(
        ROOT, 'configs', 'pretrain',
        'convtoken-deit-small-dropcov_8xb128_in1k.py'))
    assert round(sum(p.numel() for p in deit.parameters()) / 1e6, 1) == 25.7
    assert round(sum(p.numel() for p in deit.parameters()
                     if p.requires_grad) / 1e6, 1) == 25.6
    with pytest.raises(ValueError, match='built for 224 px images'):
        deit(torch.randn(1, 3, 96, 96), mode='tensor')
