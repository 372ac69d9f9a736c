"""tools/dist_train.sh really trains on 2 CPU processes (gloo)."""
import json
import os

import torch

from helpers import run_dist, run_tool, write_tiny_config


def test_dist_train_two_processes(tmp_path, synthetic_coco):
    config = write_tiny_config(tmp_path, synthetic_coco[0], max_iters=2,
                               ckpt_interval=2)
    work = tmp_path / 'work'
    out = run_dist('tools/dist_train.sh', config, 2, '--work-dir',
                   work).stdout
    assert 'Distributed launcher: pytorch' in out
    assert 'Distributed training: True' in out
    assert 'GPU number: 2' in out  # mmengine's name for the world size
    # DDP all-reduces every step: a rank that did not train would hang it,
    # and torchrun fails the command if either rank exits non-zero.
    assert 'Iter(train) [2/2]' in out
    ckpt = torch.load(work / 'iter_2.pth', map_location='cpu',
                      weights_only=False)
    assert ckpt['meta']['iter'] == 2
    assert 'coco/bbox_mAP' in out  # distributed COCO evaluation


def test_dist_test_two_processes(tmp_path, synthetic_coco):
    config = write_tiny_config(tmp_path, synthetic_coco[0], max_iters=1,
                               ckpt_interval=1)
    work = tmp_path / 'work'
    run_tool([os.sys.executable, 'tools/train.py', config, '--work-dir',
              str(work)])
    out = run_dist('tools/dist_test.sh', config, work / 'iter_1.pth', 2,
                   '--work-dir', work).stdout
    assert 'GPU number: 2' in out
    assert out.count('metrics written to') == 1  # rank 0 only
    metrics = json.loads((work / 'test_metrics.json').read_text())['metrics']
    assert 'coco/segm_mAP' in metrics


def test_dist_scripts_without_arguments_print_their_usage():
    for script, usage in (('tools/dist_train.sh', 'CONFIG GPUS'),
                          ('tools/dist_test.sh', 'CONFIG CHECKPOINT GPUS')):
        proc = run_tool(['bash', script], check=False)
        assert proc.returncode == 2
        assert proc.stdout.strip() == f'usage: {script} {usage} ' \
            f'[{script[6:-3].replace("dist_", "")}.py options]'
