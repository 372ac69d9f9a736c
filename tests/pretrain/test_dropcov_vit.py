"""The released DropCov transformers (DeiT-S and T2T-ViT-14 with a
convolutional tokenizer) convert into ConvTokenViT + TokenCovClsHead with
the authors' logits, from timm's checkpoint files."""
import collections
import os.path as osp

import pytest
import torch

from mmgcp.checkpoint import CheckpointError
from mmgcp.pretrain import CheckpointLayoutError, convert_official
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
    assert 'dropped: ' not in '\n'.join(report)  # every tensor mapped
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
