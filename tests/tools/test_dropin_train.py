"""The drop-in recipes train: the model of the shipped DCN Mask R-CNN and
dilated PSPNet configs, with GCP weights from a checkpoint file, runs a
train step and an evaluation in mmengine's Runner on the synthetic sets."""
import os.path as osp

from mmengine.config import Config
from mmengine.runner import Runner

from mmgcp.datasets import SyntheticCocoSpec, generate_synthetic_seg

from conftest import ROOT, save_gcp_checkpoint, write_tiny_config

SEG_DEMO = osp.join(ROOT, 'configs', 'demo',
                    'sem_fpn_r18_gcp_m_synthetic_seg.py')


def run_one_iteration(cfg, work_dir):
    cfg.work_dir = str(work_dir)
    cfg.train_cfg.max_iters = 1
    cfg.train_cfg.val_interval = 1
    cfg.param_scheduler = [dict(type='ConstantLR', factor=1.0,
                                by_epoch=False)]
    cfg.default_hooks.checkpoint.interval = 1
    cfg.default_hooks.logger.interval = 1
    runner = Runner.from_cfg(cfg)
    runner.train()
    log = open(osp.join(runner.log_dir, f'{runner.timestamp}.log')).read()
    del runner
    return log


def test_dconv_mask_rcnn_trains_and_evaluates(tmp_path, synthetic_coco):
    cfg = Config.fromfile(write_tiny_config(tmp_path, synthetic_coco[0]))
    recipe = Config.fromfile(osp.join(
        ROOT, 'configs', 'mask_rcnn_r50_dconv_c3_c5_gcp_m.py'))
    classes = len(cfg.classes)
    recipe.model.backbone.init_cfg.checkpoint = save_gcp_checkpoint(
        tmp_path / 'gcp_r50.pth')
    recipe.merge_from_dict({
        'model.roi_head.bbox_head.num_classes': classes,
        'model.roi_head.mask_head.num_classes': classes,
        # fewer proposals and RoIs keep the CPU step short
        'model.train_cfg.rpn_proposal.max_per_img': 64,
        'model.train_cfg.rcnn.sampler.num': 32,
        'model.test_cfg.rpn.max_per_img': 32})
    cfg.model = recipe.model
    log = run_one_iteration(cfg, tmp_path / 'work')
    assert 'Iter(train) [1/1]' in log
    assert 'coco/bbox_mAP:' in log and 'coco/segm_mAP:' in log
    assert 'Kept the initialisation of' in log
    assert 'DCN offsets (13:' in log and 'gcp_r50.pth' in log


def test_dilated_pspnet_trains_and_evaluates(tmp_path):
    root = str(tmp_path / 'seg')
    generate_synthetic_seg(root, SyntheticCocoSpec(
        num_train=4, num_val=2, image_size=64, seed=4))
    cfg = Config.fromfile(SEG_DEMO)
    cfg.merge_from_dict({
        'train_dataloader.dataset.data_root': root,
        'val_dataloader.dataset.data_root': root,
        'test_dataloader.dataset.data_root': root,
        'train_dataloader.batch_size': 2, 'val_dataloader.batch_size': 2,
        'train_dataloader.num_workers': 0, 'val_dataloader.num_workers': 0,
        'train_dataloader.persistent_workers': False,
        'val_dataloader.persistent_workers': False})
    recipe = Config.fromfile(osp.join(ROOT, 'configs',
                                      'pspnet_r50_d8_cityscapes_gcp.py'))
    recipe.model.backbone.init_cfg.checkpoint = save_gcp_checkpoint(
        tmp_path / 'gcp_r50.pth')
    recipe.merge_from_dict({
        'model.data_preprocessor.size': (64, 64),
        'model.decode_head.num_classes': cfg.num_classes,
        'model.auxiliary_head.num_classes': cfg.num_classes})
    cfg.model = recipe.model
    log = run_one_iteration(cfg, tmp_path / 'work')
    assert 'Iter(train) [1/1]' in log
    assert 'mIoU:' in log
    # a plain dilated ResNet: every backbone tensor comes from the file
    assert 'Loaded 318 backbone tensors' in log
    assert 'dropped 1 classifier-head tensors (fc)' in log
    assert 'Kept the initialisation' not in log
