"""Segmentation configs build and run a loss and a predict step in mmseg."""
import glob
import os.path as osp
import re

import pytest
import torch
from mmengine.config import Config
from mmengine.hub import get_config
from mmengine.model import revert_sync_batchnorm
from mmengine.registry import init_default_scope
from mmengine.structures import PixelData
from mmseg.structures import SegDataSample

from helpers import ROOT, first_base

# the ResNet ones (MobileNetV2: tests/configs/test_mobilenet_v2_configs.py;
# Swin-T: test_swin_dropcov_configs.py)
SEG = sorted(p for p in glob.glob(osp.join(ROOT, 'configs', 'seg', '*.py'))
             if '_mobilenet-v2-' not in p and '_swin-t-' not in p)


def build(path):
    cfg = Config.fromfile(path)
    init_default_scope(cfg.default_scope)
    from mmseg.registry import MODELS
    return cfg, MODELS.build(cfg.model)


def test_all_segmentation_configs_exist():
    names = {osp.basename(p)[:-3] for p in SEG}
    recipes = ('4xb4-160k_ade20k-512x512', '4xb2-80k_cityscapes-512x1024')
    assert names == {f'{m}_r50-{k}_{r}' for m in ('fpn', 'upernet')
                     for r in recipes for k in ('gap', 'gcp-d', 'gcp-m')} | {
        f'{m}_r50-d8-{k}_{r}' for m in ('pspnet', 'deeplabv3plus')
        for r in recipes for k in ('gap', 'gcp')}


DILATED = [p for p in SEG if '-d8-' in p]


@pytest.mark.parametrize('path',
                         [p for p in DILATED if '-d8-gcp_' in p],
                         ids=osp.basename)
def test_dilated_configs_are_mmsegs_with_the_type_swapped(path):
    """The drop-in rule: the type and weights change, and the stem (the
    deep stem of ResNetV1c has no GCP weights); the rest is mmseg's."""
    cfg = Config.fromfile(path)
    mmseg_cfg = get_config(first_base(path))
    backbone = cfg.model.backbone.to_dict()
    assert backbone.pop('type') == 'GCPResNet'
    assert backbone.pop('init_cfg')['checkpoint'].endswith('.pth')
    reference = mmseg_cfg.model.backbone.to_dict()
    assert reference.pop('type') == 'ResNetV1c'
    assert backbone == reference
    assert cfg.model.pretrained is None
    assert mmseg_cfg.model.pretrained is not None
    # stage 4 at stride 1: both variants are one network, nothing pools
    _, model = build(path)
    assert model.backbone.strides == (1, 2, 1, 1)
    assert isinstance(model.backbone.c5_pool, torch.nn.Identity)
    assert model.backbone.layer4[1].conv2.dilation == (4, 4)
    assert model.backbone.layer4[0].conv2.dilation == (2, 2)  # contracted


@pytest.mark.parametrize('path', SEG + [osp.join(
    ROOT, 'configs', 'demo', 'sem_fpn_r18_gcp_m_synthetic_seg.py')],
    ids=osp.basename)
def test_config_builds(path):
    cfg, model = build(path)
    name = osp.basename(path)
    assert cfg.default_scope == 'mmseg'
    if re.search('[-_]gcp', name):
        assert type(model.backbone).__name__ == 'SegGCPResNet'
        assert model.backbone.variant == (
            'D' if re.search('[-_]gcp[-_]d', name) else 'M')
    else:
        assert type(model.backbone).__name__ == 'ResNetV1c'
    classes = 19 if 'cityscapes' in name else 4 if 'synthetic' in name \
        else 150
    assert model.decode_head.num_classes == classes


@pytest.mark.parametrize('path', [p for p in SEG if '-gcp' in osp.basename(p)],
                         ids=osp.basename)
def test_loss_and_predict_step(path):
    cfg, model = build(path)
    model = revert_sync_batchnorm(model)  # one CPU process, no SyncBN
    model.backbone.init_cfg = None  # no download of ImageNet weights
    model.init_weights()
    num_classes = model.decode_head.num_classes
    torch.manual_seed(0)
    size = 64
    samples = []
    for _ in range(2):
        sample = SegDataSample(metainfo=dict(
            img_shape=(size, size), ori_shape=(size, size),
            pad_shape=(size, size)))
        sample.gt_sem_seg = PixelData(
            data=torch.randint(0, num_classes, (1, size, size)))
        samples.append(sample)
    inputs = torch.randn(2, 3, size, size)
    model.train()
    losses = model(inputs, samples, mode='loss')
    total = sum(v for k, v in losses.items() if 'loss' in k)
    assert torch.isfinite(total)
    total.backward()
    assert all(p.grad is not None for p in model.backbone.layer4.parameters())
    model.eval()
    with torch.no_grad():
        preds = model(inputs, samples, mode='predict')
    assert preds[0].pred_sem_seg.data.shape == (1, size, size)
