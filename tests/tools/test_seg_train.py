"""A short segmentation run on the synthetic set learns (mIoU above chance)
through tools/train.py and evaluates through tools/test.py."""
import json
import os.path as osp

import cv2
import numpy as np

from mmgcp.datasets import SyntheticCocoSpec, generate_synthetic_seg

from helpers import ROOT, run_dist, run_tool, venv_python

DEMO = osp.join(ROOT, 'configs', 'demo', 'sem_fpn_r18_gcp_m_synthetic_seg.py')


def tiny_seg_config(tmp_path, spec, batch_size, max_iters, scheduler):
    """The demo segmentation config on a generated set of ``spec``."""
    root = str(tmp_path / 'seg')
    folders = generate_synthetic_seg(root, spec)
    size = spec.image_size
    config = tmp_path / 'tiny_seg.py'
    config.write_text(f'''
_base_ = {DEMO!r}
data_root = {root + '/'!r}
model = dict(data_preprocessor=dict(size=({size}, {size})))
loader = dict(batch_size={batch_size}, num_workers=0, persistent_workers=False,
              dataset=dict(data_root=data_root))
train_dataloader = loader
val_dataloader = loader
test_dataloader = loader
train_cfg = dict(max_iters={max_iters}, val_interval={max_iters})
param_scheduler = [{scheduler}]
default_hooks = dict(checkpoint=dict(interval={max_iters}))
''')
    return config, folders


def test_short_segmentation_run_beats_chance(tmp_path):
    config, folders = tiny_seg_config(
        tmp_path, SyntheticCocoSpec(num_train=24, num_val=8, image_size=96,
                                    seed=2),
        batch_size=4, max_iters=120,
        scheduler="dict(type='PolyLR', eta_min=1e-4, power=0.9, begin=0, "
                  "end=120, by_epoch=False)")
    work = tmp_path / 'work'
    out = run_tool([venv_python(), 'tools/train.py', str(config),
                    '--work-dir', str(work)]).stdout
    assert 'Iter(train) [120/120]' in out

    run_tool([venv_python(), 'tools/test.py', str(config),
              str(work / 'iter_120.pth'), '--work-dir', str(work)])
    metrics = json.loads((work / 'test_metrics.json').read_text())['metrics']
    # chance: everything predicted as the majority class (background)
    labels = np.concatenate([
        cv2.imread(osp.join(folders['val']['seg'], f), 0).ravel()
        for f in sorted(osp.os.listdir(folders['val']['seg']))])
    background = (labels == 0).mean()
    chance_miou = 100 * background / 4
    assert metrics['mIoU'] > chance_miou + 10, (metrics, chance_miou)


def test_dist_train_segmentation_two_processes(tmp_path):
    config, _ = tiny_seg_config(
        tmp_path, SyntheticCocoSpec(num_train=8, num_val=4, image_size=64,
                                    seed=3),
        batch_size=2, max_iters=4,
        scheduler="dict(type='ConstantLR', factor=1.0, by_epoch=False)")
    work = tmp_path / 'work'
    out = run_dist('tools/dist_train.sh', config, 2, '--work-dir',
                   work).stdout
    assert 'GPU number: 2' in out and 'mIoU' in out
    assert (work / 'iter_4.pth').is_file()
