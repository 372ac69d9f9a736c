"""Pretraining on the real Runner: train, resume, export, detect."""
import re

import pytest
import torch

from mmgcp.models import GCPResNet
from mmgcp.pretrain import schedule_lr

from conftest import (run_dist, run_tool, tiny_pretrain_config,
                      venv_python)

def test_pretrain_resume_and_export(tmp_path):
    config = tiny_pretrain_config(tmp_path, 4, 2, extra='''
# the schedule's own length, not max_epochs, so that the resumed run below
# (max_epochs 3) continues it
param_scheduler = dict(end=30)
default_hooks = dict(checkpoint=dict(interval=1, max_keep_ckpts=5))
''')
    work = tmp_path / 'work'
    out = run_tool([venv_python(), 'tools/train.py', str(config),
                    '--work-dir', str(work)]).stdout
    assert 'Epoch(train) [2]' in out and 'accuracy/top1' in out
    out = run_tool([venv_python(), 'tools/train.py', str(config),
                    '--work-dir', str(work), '--resume', '--cfg-options',
                    'train_cfg.max_epochs=3']).stdout
    assert 'resumed epoch: 2' in out
    assert 'Epoch(train) [3]' in out and 'Epoch(train) [1]' not in out
    ckpt = torch.load(work / 'epoch_3.pth', weights_only=False)
    assert ckpt['meta']['epoch'] == 3
    # the LR schedule went on where it stopped: after 3 epochs it is set
    # for epoch index 3 (LR_fast, base 0.05)
    lr = ckpt['optimizer']['param_groups'][0]['lr']
    assert lr == pytest.approx(schedule_lr('LR_fast', 3, base_lr=0.05))

    out = run_tool([venv_python(), 'tools/export_backbone.py',
                    str(work / 'epoch_3.pth'), str(tmp_path / 'r18')]).stdout
    path = out.strip().splitlines()[-1]
    assert re.search(r'r18-[0-9a-f]{8}\.pth$', path)
    net = GCPResNet(18, 'M', init_cfg=dict(type='Pretrained',
                                           checkpoint=path))
    net.init_weights()
    assert torch.equal(net.conv1.weight,
                       ckpt['state_dict']['conv1.weight'])


def test_dist_pretrain_two_processes(tmp_path):
    config = tiny_pretrain_config(tmp_path, 2, 1)
    work = tmp_path / 'work'
    out = run_dist('tools/dist_pretrain.sh', config, 2, '--work-dir',
                   work).stdout
    assert 'GPU number: 2' in out
    # 12 images, 2 ranks x 2 per batch: 3 iterations per epoch
    assert 'Epoch(train) [1][3/3]' in out
    assert 'accuracy/top1' in out
    assert (work / 'epoch_1.pth').is_file()
