"""GCP MobileNetV2 weights in detection and segmentation: the classifier's
backbone exports in mmdet's and mmseg's key names, loads strictly into
their MobileNetV2, and the YOLOv3 / DeepLabV3 configs (GAP vs GCP) build,
train a step from the exported file and evaluate on the synthetic sets."""
import os.path as osp

import pytest
import torch
from mmdet.models.backbones import MobileNetV2 as DetMobileNetV2
from mmengine.config import Config
from mmengine.hub import get_config
from mmseg.models.backbones import MobileNetV2 as SegMobileNetV2

from mmgcp.pretrain import export_backbone

from helpers import (ROOT, first_base, random_classifier_checkpoint,
                     run_one_iteration, tiny_seg_run_config,
                     write_tiny_config)

CLASSIFIER = osp.join(ROOT, 'configs', 'pretrain',
                      'mobilenet-v2-isqrt-d256_8xb12-lrnorm_in1k.py')
DET_GCP = osp.join(ROOT, 'configs', 'det',
                   'yolov3_mobilenetv2-gcp_8xb24-320-300e_coco.py')
SEG_GCP = osp.join(
    ROOT, 'configs', 'seg',
    'deeplabv3_mobilenet-v2-d8-gcp_4xb2-80k_cityscapes-512x1024.py')


@pytest.fixture(scope='module')
def classifier(tmp_path_factory):
    """A GCP MobileNetV2 classifier checkpoint of the pretraining config
    (random weights) and its state dict."""
    return random_classifier_checkpoint(
        CLASSIFIER, tmp_path_factory.mktemp('mbv2'), 0.1)


def exported(classifier, tmp_path, toolbox):
    path = export_backbone(classifier[0], str(tmp_path / toolbox), toolbox)
    return path, torch.load(path, weights_only=True)


def test_mmdet_export_loads_strictly_into_mmdets_mobilenet(
        classifier, tmp_path):
    _, source = classifier
    _, saved = exported(classifier, tmp_path, 'mmdet')
    assert saved['meta']['toolbox'] == 'mmdet'
    net = DetMobileNetV2(out_indices=(2, 4, 6))
    net.load_state_dict(saved['state_dict'], strict=True)
    # the first block has no expansion conv: depthwise, then linear
    assert torch.equal(net.layer1[0].depthwise_conv.conv.weight,
                       source['backbone.layer1.0.conv.0.conv.weight'])
    assert torch.equal(net.layer3[2].expand_conv.bn.running_var,
                       source['backbone.layer3.2.conv.0.bn.running_var'])
    assert torch.equal(net.layer7[0].linear_conv.conv.weight,
                       source['backbone.layer7.0.conv.2.conv.weight'])
    assert torch.equal(net.conv2.conv.weight,
                       source['backbone.conv2.conv.weight'])


def test_mmseg_export_loads_strictly_into_mmsegs_mobilenet(
        classifier, tmp_path):
    _, source = classifier
    _, saved = exported(classifier, tmp_path, 'mmseg')
    net = SegMobileNetV2(strides=(1, 2, 2, 1, 1, 1, 1),
                         dilations=(1, 1, 1, 2, 2, 4, 4),
                         out_indices=(1, 2, 4, 6))
    net.load_state_dict(saved['state_dict'], strict=True)
    assert torch.equal(net.layer5[1].conv[1].conv.weight,
                       source['backbone.layer5.1.conv.1.conv.weight'])


def test_a_mobilenet_export_needs_its_toolbox(classifier, tmp_path):
    with pytest.raises(ValueError, match='mmdet, mmseg, mmpretrain'):
        export_backbone(classifier[0], str(tmp_path / 'x'))


@pytest.mark.parametrize('name', [
    'det/yolov3_mobilenetv2-{}_8xb24-320-300e_coco.py',
    'seg/deeplabv3_mobilenet-v2-d8-{}_4xb2-80k_cityscapes-512x1024.py'])
def test_gcp_config_is_the_gap_one_with_other_weights(name):
    gap = Config.fromfile(osp.join(ROOT, 'configs', name.format('gap')))
    gcp = Config.fromfile(osp.join(ROOT, 'configs', name.format('gcp')))
    upstream = get_config(first_base(
        osp.join(ROOT, 'configs', name.format('gap'))))
    assert gap.model.backbone == upstream.model.backbone
    gap_model, gcp_model = gap.model.to_dict(), gcp.model.to_dict()
    gap_backbone, gcp_backbone = gap_model.pop('backbone'), \
        gcp_model.pop('backbone')
    assert gcp_backbone.pop('init_cfg')['checkpoint'].startswith(
        'checkpoints/gcp_mobilenet_v2_isqrt_d256_')
    gap_backbone.pop('init_cfg', None)
    assert gcp_backbone == gap_backbone
    gap_model.pop('pretrained', None), gcp_model.pop('pretrained', None)
    assert gcp_model == gap_model
    assert gcp.train_cfg == gap.train_cfg


def test_yolov3_trains_from_the_exported_file(classifier, tmp_path,
                                              synthetic_coco):
    weights, _ = exported(classifier, tmp_path, 'mmdet')
    cfg = Config.fromfile(write_tiny_config(tmp_path, synthetic_coco[0]))
    recipe = Config.fromfile(DET_GCP)
    recipe.model.backbone.init_cfg.checkpoint = weights
    recipe.model.bbox_head.num_classes = len(cfg.classes)
    # keep every box of the one-step model, so that COCO has some to score
    recipe.model.test_cfg.update(score_thr=0., conf_thr=0., max_per_img=10)
    cfg.model = recipe.model
    cfg.val_evaluator.metric = cfg.test_evaluator.metric = 'bbox'
    log = run_one_iteration(cfg, tmp_path / 'work')
    assert weights in log and 'do not match exactly' not in log
    assert 'Iter(train) [1/1]' in log and 'coco/bbox_mAP:' in log


def test_deeplabv3_trains_from_the_exported_file(classifier, tmp_path):
    weights, _ = exported(classifier, tmp_path, 'mmseg')
    recipe = Config.fromfile(SEG_GCP)
    recipe.model.backbone.init_cfg.checkpoint = weights
    cfg = tiny_seg_run_config(tmp_path, recipe, seed=5)
    log = run_one_iteration(cfg, tmp_path / 'work')
    assert weights in log and 'do not match exactly' not in log
    assert 'Iter(train) [1/1]' in log and 'mIoU:' in log
