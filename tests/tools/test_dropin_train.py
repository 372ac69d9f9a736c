"""The drop-in recipes train: the model of the shipped DCN Mask R-CNN and
dilated PSPNet configs, with GCP weights from a checkpoint file, runs a
train step and an evaluation in mmengine's Runner on the synthetic sets."""
import os.path as osp

from mmengine.config import Config

from helpers import (ROOT, fit_mask_rcnn, run_one_iteration,
                     save_gcp_checkpoint, tiny_seg_run_config,
                     write_tiny_config)


def test_dconv_mask_rcnn_trains_and_evaluates(tmp_path, synthetic_coco):
    cfg = Config.fromfile(write_tiny_config(tmp_path, synthetic_coco[0]))
    recipe = Config.fromfile(osp.join(
        ROOT, 'configs', 'det',
        'mask-rcnn_r50-gcp-m-dconv-c3-c5_fpn_1x_coco.py'))
    recipe.model.backbone.init_cfg.checkpoint = save_gcp_checkpoint(
        tmp_path / 'gcp_r50.pth')
    cfg.model = fit_mask_rcnn(recipe, len(cfg.classes)).model
    log = run_one_iteration(cfg, tmp_path / 'work')
    assert 'Iter(train) [1/1]' in log
    assert 'coco/bbox_mAP:' in log and 'coco/segm_mAP:' in log
    assert 'Kept the initialisation of' in log
    assert 'DCN offsets (13:' in log and 'gcp_r50.pth' in log


def test_dilated_pspnet_trains_and_evaluates(tmp_path):
    recipe = Config.fromfile(osp.join(
        ROOT, 'configs', 'seg',
        'pspnet_r50-d8-gcp_4xb2-80k_cityscapes-512x1024.py'))
    recipe.model.backbone.init_cfg.checkpoint = save_gcp_checkpoint(
        tmp_path / 'gcp_r50.pth')
    cfg = tiny_seg_run_config(tmp_path, recipe)
    log = run_one_iteration(cfg, tmp_path / 'work')
    assert 'Iter(train) [1/1]' in log
    assert 'mIoU:' in log
    # a plain dilated ResNet: every backbone tensor comes from the file
    assert 'Loaded 318 backbone tensors' in log
    assert 'dropped 1 classifier-head tensors (fc)' in log
    assert 'Kept the initialisation' not in log
