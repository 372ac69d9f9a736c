"""Every shipped config builds; the GCP detectors run a loss and a predict
step on tiny inputs through the real mmdet stack."""
import glob
import os.path as osp
import re

import pytest
import torch
from mmdet.registry import MODELS
from mmdet.structures import DetDataSample
from mmdet.utils import register_all_modules
from mmengine.config import Config
from mmengine.hub import get_config
from mmengine.structures import InstanceData

from helpers import ROOT

CONFIGS = sorted(glob.glob(osp.join(ROOT, 'configs', '**', '*.py'),
                           recursive=True))
CONFIGS = [c for c in CONFIGS if '_base_' not in c]
PRETRAIN = [c for c in CONFIGS if '/pretrain/' in c]
STUDY = [c for c in CONFIGS if '/study/' in c]
# segmentation configs: tests/configs/test_seg_configs.py
SEGMENTATION = [c for c in CONFIGS if '/seg/' in c
                or c.endswith('_synthetic_seg.py')]
# the MobileNetV2 and Swin-T configs: test_mobilenet_v2_configs.py
# and test_swin_dropcov_configs.py
OTHER_BACKBONES = [c for c in CONFIGS
                   if 'mobilenetv2' in osp.basename(c) or '_swin-t-' in c]
CONFIGS = [c for c in CONFIGS
           if c not in PRETRAIN + STUDY + SEGMENTATION + OTHER_BACKBONES]
# the paper's detection configs (configs/demo/ holds the CPU demo)
DETECTION = [c for c in CONFIGS
             if osp.dirname(c) == osp.join(ROOT, 'configs', 'det')]
# the short names users call, e.g. configs/mask_rcnn_r50_gcp.py
SHORT_NAMES = [c for c in CONFIGS
               if osp.dirname(c) == osp.join(ROOT, 'configs')]

register_all_modules()


def test_all_paper_configs_exist():
    names = {osp.basename(c)[:-3] for c in DETECTION}
    for det in ('faster-rcnn', 'mask-rcnn'):
        for depth in ('r50-{}', 'r101-{}', 'r50-{}-dconv-c3-c5'):
            for kind in ('gap', 'gcp-d', 'gcp-m'):
                assert f'{det}_{depth.format(kind)}_fpn_1x_coco' in names
    assert {osp.basename(c) for c in SHORT_NAMES} == {
        'faster_rcnn_r50_gcp.py', 'mask_rcnn_r50_gcp.py'}


@pytest.mark.parametrize('det', ['faster', 'mask'])
def test_dconv_configs_are_mmdets_with_the_type_swapped(det):
    """The drop-in rule: only the type, variant and weights change."""
    mmdet_cfg = get_config(
        f'mmdet::dcn/{det}-rcnn_r50-dconv-c3-c5_fpn_1x_coco.py')
    gap = Config.fromfile(osp.join(
        ROOT, 'configs', 'det',
        f'{det}-rcnn_r50-gap-dconv-c3-c5_fpn_1x_coco.py'))

    # mmdet::-inherited configs mark the model's scope; mmdet's own do not
    def model_without(cfg, *keys):
        return {k: v for k, v in cfg.model.to_dict().items()
                if k not in ('_scope_', ) + keys}

    assert model_without(gap) == model_without(mmdet_cfg)
    ours = set()
    for variant in ('d', 'm'):
        cfg = Config.fromfile(osp.join(
            ROOT, 'configs', 'det',
            f'{det}-rcnn_r50-gcp-{variant}-dconv-c3-c5_fpn_1x_coco.py'))
        backbone = cfg.model.backbone.to_dict()
        assert backbone.pop('type') == 'GCPResNet'
        assert backbone.pop('variant') == variant.upper()
        assert backbone.pop('init_cfg')['checkpoint'].endswith('.pth')
        reference = mmdet_cfg.model.backbone.to_dict()
        del reference['type'], reference['init_cfg']
        assert backbone == reference
        assert model_without(cfg, 'backbone') == \
            model_without(mmdet_cfg, 'backbone')
        model = MODELS.build(cfg.model)
        dcn = [type(layer[0].conv2).__name__ for layer in
               (model.backbone.layer1, model.backbone.layer3)]
        assert dcn == ['Conv2d', 'DeformConv2dPack']
        ours.add(model.backbone.strides)
    assert ours == {(1, 2, 2, 2), (1, 2, 2, 1)}  # D strides, M pools


@pytest.mark.parametrize('path', CONFIGS, ids=osp.basename)
def test_config_builds(path):
    cfg = Config.fromfile(path)
    model = MODELS.build(cfg.model)
    name = osp.basename(path)
    backbone = cfg.model.backbone
    if re.search('[-_]gcp', name):
        assert backbone.type == 'GCPResNet'
        assert backbone.variant == ('D' if re.search('[-_]gcp[-_]d', name)
                                    else 'M')
        assert type(model.backbone).__name__ == 'GCPResNet'
    depth = int(re.search(r'_r(\d+)[-_]', name).group(1))
    assert backbone.depth == depth
    if path in DETECTION:
        # the paper's setting: 1x, 8 GPUs x 2 images, frozen BN
        assert cfg.train_cfg.max_epochs == 12
        assert cfg.train_dataloader.batch_size == 2
        assert cfg.auto_scale_lr.base_batch_size == 16
        assert backbone.norm_eval and backbone.frozen_stages == 1
        assert ('mask' in type(model).__name__.lower()) == \
            name.startswith('mask')
    if path in DETECTION and '-gcp' in name:
        assert str(depth) in backbone.init_cfg.checkpoint


def test_gcp_alias_is_gcp_m():
    for det in ('faster_rcnn', 'mask_rcnn'):
        alias = Config.fromfile(osp.join(ROOT, 'configs', f'{det}_r50_gcp.py'))
        gcp_m = Config.fromfile(osp.join(
            ROOT, 'configs', 'det',
            f"{det.replace('_', '-')}_r50-gcp-m_fpn_1x_coco.py"))
        assert alias.model.to_dict() == gcp_m.model.to_dict()


def fake_batch(model, with_mask, size=96):
    torch.manual_seed(0)
    samples = []
    for _ in range(2):
        sample = DetDataSample(metainfo=dict(
            img_shape=(size, size), ori_shape=(size, size), pad_shape=(size,
                                                                       size),
            scale_factor=(1.0, 1.0), batch_input_shape=(size, size)))
        inst = InstanceData()
        inst.bboxes = torch.tensor([[10., 12., 50., 60.],
                                    [40., 30., 90., 80.]])
        inst.labels = torch.tensor([1, 5])
        if with_mask:
            from mmdet.structures.mask import BitmapMasks
            masks = torch.zeros(2, size, size, dtype=torch.uint8)
            masks[0, 12:60, 10:50] = 1
            masks[1, 30:80, 40:90] = 1
            inst.masks = BitmapMasks(masks.numpy(), size, size)
        sample.gt_instances = inst
        samples.append(sample)
    data = dict(inputs=[torch.randint(0, 255, (3, size, size),
                                      dtype=torch.uint8) for _ in range(2)],
                data_samples=samples)
    return model.data_preprocessor(data, training=True)


@pytest.mark.parametrize('name', [
    f'{det}-rcnn_r50-gcp-{variant}_fpn_1x_coco' for det in ('faster', 'mask')
    for variant in ('d', 'm')] + [
        'mask-rcnn_r50-gcp-m-dconv-c3-c5_fpn_1x_coco'])
def test_loss_and_predict_step(name):
    det = name[:name.index('-rcnn')] + '_rcnn'
    cfg = Config.fromfile(osp.join(ROOT, 'configs', 'det', f'{name}.py'))
    # fewer proposals/RoIs keep the CPU step short; the model is unchanged
    cfg.model.train_cfg.rpn_proposal.max_per_img = 64
    cfg.model.train_cfg.rcnn.sampler.num = 32
    cfg.model.test_cfg.rpn.max_per_img = 32
    model = MODELS.build(cfg.model)
    model.backbone.init_cfg = None
    model.init_weights()
    model.train()
    data = fake_batch(model, with_mask=det == 'mask_rcnn')
    losses = model(**data, mode='loss')
    expected = {'loss_rpn_cls', 'loss_rpn_bbox', 'loss_cls', 'loss_bbox'}
    if det == 'mask_rcnn':
        expected.add('loss_mask')
    assert expected <= set(losses)
    total = sum(v.sum() if isinstance(v, torch.Tensor) else sum(v)
                for k, v in losses.items() if 'loss' in k)
    assert torch.isfinite(total)
    total.backward()
    grads = [p.grad for p in model.backbone.layer4.parameters()]
    assert all(g is not None and torch.isfinite(g).all() for g in grads)
    model.eval()
    with torch.no_grad():
        results = model(**data, mode='predict')
    assert len(results) == 2
    pred = results[0].pred_instances
    assert pred.bboxes.shape[1] == 4 and len(pred.scores) == len(pred.labels)
    if det == 'mask_rcnn':
        assert pred.masks.shape[1:] == (96, 96)
