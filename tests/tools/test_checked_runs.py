"""tools/train.py and tools/test.py refuse a checkpoint that does not fit
the model before any work starts; a killed run leaves no worker behind."""
import os
import signal
import subprocess
import time

import pytest

from helpers import (PRETRAIN_DEMO_CONFIG, ROOT, random_classifier_checkpoint,
                     run_tool, tiny_pretrain_config, venv_python,
                     write_tiny_config)


@pytest.fixture
def classifier(tmp_path):
    """A pretraining run's checkpoint: another model than the detector's."""
    return random_classifier_checkpoint(PRETRAIN_DEMO_CONFIG, tmp_path,
                                        std=0.01)[0]


def last_line(proc):
    return proc.stdout.strip().splitlines()[-1]


def test_test_tool_refuses_another_models_checkpoint(tmp_path,
                                                     synthetic_coco,
                                                     classifier):
    config = write_tiny_config(tmp_path, synthetic_coco[0])
    work = tmp_path / 'w'
    proc = run_tool([venv_python(), 'tools/test.py', config, classifier,
                     '--work-dir', str(work)], check=False)
    assert proc.returncode != 0
    line = last_line(proc)
    assert line.startswith(f'test.py: {classifier}: does not fit the model '
                           f'of {config} (')
    # the detector's weights the file lacks (the same ResNet-18 trunk is
    # there), and the classifier's extra ones
    assert '42 model weights missing from it (neck.fpn_convs.0.conv.bias' \
        in line
    assert '8 weights the model does not have (head.fc.bias' in line
    assert line.endswith('(evaluate a checkpoint written by training this '
                         'config)')
    assert not (work / 'test_metrics.json').exists()


def test_load_from_is_strict_unless_partial_load(tmp_path, synthetic_coco,
                                                 classifier):
    config = write_tiny_config(tmp_path, synthetic_coco[0], max_iters=1,
                               ckpt_interval=1)
    args = [venv_python(), 'tools/train.py', config, '--work-dir',
            str(tmp_path / 'w'), '--cfg-options', f'load_from={classifier}']
    proc = run_tool(args, check=False)
    assert proc.returncode != 0
    assert last_line(proc).startswith(f'train.py: {classifier}: does not '
                                      'fit the model of')
    assert '--partial-load' in last_line(proc)
    assert not list((tmp_path / 'w').glob('*.pth'))
    # the explicit opt-in fine-tunes from what fits
    out = run_tool(args + ['--partial-load']).stdout
    assert 'Iter(train) [1/1]' in out
    assert (tmp_path / 'w' / 'iter_1.pth').is_file()


def test_resume_from_another_config_names_the_file(tmp_path, synthetic_coco,
                                                   classifier):
    config = write_tiny_config(tmp_path, synthetic_coco[0])
    proc = run_tool([venv_python(), 'tools/train.py', config, '--work-dir',
                     str(tmp_path / 'w'), '--resume', classifier],
                    check=False)
    assert proc.returncode != 0
    assert last_line(proc).startswith(
        f'train.py: {classifier}: belongs to another model than {config}')
    assert 'parameter group' not in proc.stdout


def children(pid):
    """The pids whose parent is ``pid``."""
    found = []
    for entry in os.listdir('/proc'):
        if not entry.isdigit():
            continue
        try:
            with open(f'/proc/{entry}/stat') as f:
                fields = f.read().rsplit(')', 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(entry))
    return found


def alive(pid):
    """Running (a zombie waiting for its new parent to reap it is not)."""
    try:
        with open(f'/proc/{pid}/stat') as f:
            return f.read().rsplit(')', 1)[1].split()[0] != 'Z'
    except OSError:
        return False


def pretrain_config(tmp_path):
    return str(tiny_pretrain_config(tmp_path, batch_size=2, max_epochs=200))


def detection_config(tmp_path, synthetic_coco):
    return write_tiny_config(tmp_path, synthetic_coco[0], max_iters=2000,
                             ckpt_interval=1000)


def segmentation_config(tmp_path):
    from mmgcp.datasets import SyntheticCocoSpec
    from test_seg_train import tiny_seg_config
    config, _ = tiny_seg_config(
        tmp_path, SyntheticCocoSpec(num_train=4, num_val=2, image_size=64,
                                    seed=2), batch_size=2, max_iters=2000,
        scheduler="dict(type='ConstantLR', factor=1.0, by_epoch=False)")
    return str(config)


@pytest.mark.parametrize('task', ['pretraining', 'detection',
                                  'segmentation'])
def test_killed_run_leaves_no_data_loader_worker(tmp_path, synthetic_coco,
                                                 task):
    """``kill -9`` of the training process alone (not its group): its
    data-loader workers exit within seconds."""
    config = {'pretraining': lambda: pretrain_config(tmp_path),
              'detection': lambda: detection_config(tmp_path,
                                                    synthetic_coco),
              'segmentation': lambda: segmentation_config(tmp_path)}[task]()
    log_path = tmp_path / 'train.log'
    env = dict(os.environ, PYTHONUNBUFFERED='1')
    with open(log_path, 'w') as log:
        proc = subprocess.Popen(
            [venv_python(), 'tools/train.py', config, '--work-dir',
             str(tmp_path / 'w'), '--cfg-options',
             'train_dataloader.num_workers=2',
             'train_dataloader.persistent_workers=True'],
            cwd=ROOT, env=env, stdout=log,
            stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.time() + 300
        while 'Iter(train)' not in log_path.read_text() and \
                'Epoch(train)' not in log_path.read_text():
            assert proc.poll() is None, log_path.read_text()[-3000:]
            assert time.time() < deadline, 'no training iteration in time'
            time.sleep(0.2)
        workers = children(proc.pid)
        assert len(workers) >= 2, workers  # the two data-loader workers
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        start = time.time()
        while any(alive(w) for w in workers) and time.time() - start < 30:
            time.sleep(0.1)
        left = [w for w in workers if alive(w)]
        assert not left, f'workers {left} alive {time.time() - start:.0f} s ' \
            'after the run was killed'
        print(f'{task}: workers gone {time.time() - start:.2f} s after '
              'kill -9')
    finally:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
