"""DropCov Swin-T in detection and segmentation: the classifier's backbone
exports for mmdet's and mmseg's SwinTransformer, and the Mask R-CNN Swin-T
and UperNet Swin-T configs (GAP vs DropCov, mmdet's and mmseg's recipes
unchanged) train a step from the exported file and evaluate."""
import os.path as osp

import pytest
import torch
from mmengine.config import Config
from mmengine.hub import get_config

from mmgcp.pretrain import export_backbone

from helpers import (ROOT, first_base, fit_mask_rcnn,
                     random_classifier_checkpoint, run_one_iteration,
                     tiny_seg_run_config, write_tiny_config)

CLASSIFIER = osp.join(ROOT, 'configs', 'pretrain',
                      'swin-tiny-dropcov-d80_16xb64_in1k.py')
NAMES = ['det/mask-rcnn_swin-t-{}_fpn_1x_coco.py',
         'seg/upernet_swin-t-{}_8xb2-160k_ade20k-512x512.py']


@pytest.fixture(scope='module')
def classifier(tmp_path_factory):
    """A DropCov Swin-T classifier checkpoint (random weights) and its
    state dict."""
    return random_classifier_checkpoint(
        CLASSIFIER, tmp_path_factory.mktemp('swin'), 0.02)


@pytest.fixture(scope='module')
def exported(classifier, tmp_path_factory):
    out = tmp_path_factory.mktemp('swin_backbone') / 'swin_tiny_dropcov'
    return export_backbone(classifier[0], str(out))


@pytest.mark.parametrize('toolbox', ['mmdet', 'mmseg'])
def test_export_loads_into_the_dense_swin(classifier, exported, toolbox):
    _, source = classifier
    saved = torch.load(exported, weights_only=True)
    assert saved['meta']['model'] == 'swin'
    assert saved['meta']['pretrain_pooling'] == 'token_cov'
    recipe = Config.fromfile(osp.join(ROOT, 'configs', NAMES[
        ['mmdet', 'mmseg'].index(toolbox)].format('dropcov')))
    backbone_cfg = recipe.model.backbone
    assert backbone_cfg.type == 'SwinTransformer'
    backbone_cfg.init_cfg.checkpoint = exported
    swin = __import__(f'{toolbox}.models.backbones',
                      fromlist=['SwinTransformer']).SwinTransformer
    backbone = swin(**{k: v for k, v in backbone_cfg.items()
                       if k != 'type'})
    backbone.init_weights()
    state = backbone.state_dict()
    # every tensor of the file is loaded; the dense Swin adds only the
    # norms of its first three outputs
    names = {k[len('backbone.'):] for k in saved['state_dict']}
    assert names <= set(state)
    assert set(state) - names == {
        f'norm{i}.{p}' for i in range(3) for p in ('weight', 'bias')}
    for name in ('stages.2.blocks.5.attn.w_msa.qkv.weight',
                 'stages.3.downsample.reduction.weight'
                 if 'stages.3.downsample.reduction.weight' in state else
                 'stages.2.downsample.reduction.weight', 'norm3.weight',
                 'patch_embed.projection.weight'):
        assert torch.equal(state[name], source['backbone.' + name]), name


@pytest.mark.parametrize('name', NAMES)
def test_dropcov_config_is_the_gap_one_with_other_weights(name):
    gap = Config.fromfile(osp.join(ROOT, 'configs', name.format('gap')))
    dropcov = Config.fromfile(osp.join(ROOT, 'configs',
                                       name.format('dropcov')))
    upstream = get_config(first_base(
        osp.join(ROOT, 'configs', name.format('gap'))))
    gap_model, dropcov_model = gap.model.to_dict(), dropcov.model.to_dict()
    up_model = upstream.model.to_dict()
    for model in (gap_model, dropcov_model, up_model):
        model.pop('_scope_', None)  # get_config's
        model['backbone'].pop('init_cfg')
        model['backbone'].pop('convert_weights', None)
    assert gap_model == dropcov_model == up_model
    assert gap.model.backbone.init_cfg.checkpoint == \
        'checkpoints/swin_tiny_gap.pth'
    assert dropcov.model.backbone.init_cfg.checkpoint == \
        'checkpoints/swin_tiny_dropcov_d80.pth'
    train = [{k: v for k, v in c.train_cfg.items() if k != '_scope_'}
             for c in (gap, dropcov, upstream)]
    assert train[0] == train[1] == train[2]


def test_mask_rcnn_trains_from_the_exported_file(exported, tmp_path,
                                                 synthetic_coco):
    cfg = Config.fromfile(write_tiny_config(tmp_path, synthetic_coco[0]))
    recipe = Config.fromfile(osp.join(
        ROOT, 'configs', 'det', 'mask-rcnn_swin-t-dropcov_fpn_1x_coco.py'))
    recipe.model.backbone.init_cfg.checkpoint = exported
    cfg.model = fit_mask_rcnn(recipe, len(cfg.classes)).model
    log = run_one_iteration(cfg, tmp_path / 'work')
    assert exported in log
    assert 'Iter(train) [1/1]' in log
    assert 'coco/bbox_mAP:' in log and 'coco/segm_mAP:' in log


def test_upernet_trains_from_the_exported_file(exported, tmp_path):
    recipe = Config.fromfile(osp.join(ROOT, 'configs',
                                      NAMES[1].format('dropcov')))
    recipe.model.backbone.init_cfg.checkpoint = exported
    cfg = tiny_seg_run_config(tmp_path, recipe, seed=6)
    log = run_one_iteration(cfg, tmp_path / 'work')
    assert exported in log
    assert 'Iter(train) [1/1]' in log and 'mIoU:' in log
