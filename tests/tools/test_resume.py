"""A run killed after a checkpoint resumes at the right iteration on
torch >= 2.6 with safe (weights_only) loading left on."""
import os
import re
import signal
import subprocess
import time

import torch

from helpers import ROOT, run_tool, venv_python, write_tiny_config


def test_killed_run_resumes_from_last_checkpoint(tmp_path, synthetic_coco):
    config = write_tiny_config(tmp_path, synthetic_coco[0], max_iters=400,
                               ckpt_interval=2)
    work = tmp_path / 'work'
    env = dict(os.environ, PYTHONUNBUFFERED='1')
    env.pop('TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD', None)
    log = open(tmp_path / 'first.log', 'w')
    proc = subprocess.Popen(
        [venv_python(), 'tools/train.py', config, '--work-dir', str(work)],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        start_new_session=True)
    deadline = time.time() + 300
    try:
        # mmengine writes last_checkpoint once a checkpoint is complete
        while not (work / 'last_checkpoint').exists():
            assert proc.poll() is None, (tmp_path / 'first.log').read_text()
            assert time.time() < deadline, 'no checkpoint written in time'
            time.sleep(0.02)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        log.close()
    last = (work / 'last_checkpoint').read_text().strip()
    last_iter = int(re.search(r'iter_(\d+)\.pth', last).group(1))
    assert last_iter % 2 == 0 and last_iter < 400

    resumed_to = last_iter + 2
    out = run_tool([venv_python(), 'tools/train.py', config, '--work-dir',
                    str(work), '--resume', '--cfg-options',
                    f'train_cfg.max_iters={resumed_to}',
                    f'train_cfg.val_interval={resumed_to}'],
                   env=dict(TORCH_FORCE_WEIGHTS_ONLY_LOAD='1')).stdout
    assert f'resumed epoch: 0, iter: {last_iter}' in out
    assert f'Iter(train) [{last_iter + 1}/{resumed_to}]' in out
    assert f'Iter(train) [1/{resumed_to}]' not in out
    final = torch.load(work / f'iter_{resumed_to}.pth', map_location='cpu',
                       weights_only=False)
    assert final['meta']['iter'] == resumed_to
