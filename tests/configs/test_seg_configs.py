"""Segmentation configs build and run a loss and a predict step in mmseg."""
import glob
import os.path as osp

import pytest
import torch
from mmengine.config import Config
from mmengine.model import revert_sync_batchnorm
from mmengine.registry import init_default_scope
from mmengine.structures import PixelData
from mmseg.structures import SegDataSample

from conftest import ROOT

SEG = sorted(glob.glob(osp.join(ROOT, 'configs', '*_ade20k_*.py')) +
             glob.glob(osp.join(ROOT, 'configs', '*_cityscapes_*.py')))


def build(path):
    cfg = Config.fromfile(path)
    init_default_scope(cfg.default_scope)
    from mmseg.registry import MODELS
    return cfg, MODELS.build(cfg.model)


def test_all_segmentation_configs_exist():
    names = {osp.basename(p)[:-3] for p in SEG}
    assert names == {f'{m}_r50_{d}_{k}' for m in ('sem_fpn', 'upernet')
                     for d in ('ade20k', 'cityscapes')
                     for k in ('gap', 'gcp_d', 'gcp_m')}


@pytest.mark.parametrize('path', SEG + [osp.join(
    ROOT, 'configs', 'demo', 'sem_fpn_r18_gcp_m_synthetic_seg.py')],
    ids=osp.basename)
def test_config_builds(path):
    cfg, model = build(path)
    name = osp.basename(path)
    assert cfg.default_scope == 'mmseg'
    if '_gcp_' in name:
        assert type(model.backbone).__name__ == 'GCPResNet'
        assert model.backbone.variant == ('D' if '_gcp_d' in name else 'M')
    else:
        assert type(model.backbone).__name__ == 'ResNetV1c'
    classes = 19 if 'cityscapes' in name else 4 if 'synthetic' in name \
        else 150
    assert model.decode_head.num_classes == classes


@pytest.mark.parametrize('path', SEG, ids=osp.basename)
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
