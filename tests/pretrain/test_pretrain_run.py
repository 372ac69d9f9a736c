"""Pretraining through mmpretrain on the real Runner: train, resume,
evaluate, export, load into detectors; distributed and Slurm launches;
bad data."""
import json
import os
import re
import stat
import sys

import pytest
import torch

from mmgcp.models import GCPResNet
from mmgcp.engine import schedule_lr

from helpers import (free_port, run_tool, tiny_pretrain_config,
                     venv_python)


@pytest.fixture(scope='module')
def trained(tmp_path_factory):
    """A tiny pretraining run of 2 epochs, then resumed to 3."""
    tmp_path = tmp_path_factory.mktemp('pretrain')
    config = tiny_pretrain_config(tmp_path, 4, 2, extra='''
# the schedule's own length, not max_epochs, so that the resumed run
# (max_epochs 3) continues it
param_scheduler = dict(end=30)
default_hooks = dict(checkpoint=dict(interval=1, max_keep_ckpts=5))
''')
    work = tmp_path / 'work'
    first = run_tool([venv_python(), 'tools/train.py', str(config),
                      '--work-dir', str(work)]).stdout
    resumed = run_tool([venv_python(), 'tools/train.py', str(config),
                        '--work-dir', str(work), '--resume', '--cfg-options',
                        'train_cfg.max_epochs=3']).stdout
    return config, work, first, resumed


def test_train_and_resume(trained):
    _, work, first, resumed = trained
    assert 'Epoch(train) [2]' in first and 'accuracy/top1' in first
    assert 'resumed epoch: 2' in resumed
    assert 'Epoch(train) [3]' in resumed
    assert 'Epoch(train) [1]' not in resumed
    ckpt = torch.load(work / 'epoch_3.pth', weights_only=False)
    assert ckpt['meta']['epoch'] == 3
    # the LR schedule went on where it stopped: after 3 epochs it is set
    # for epoch index 3 (LR_fast, base 0.05)
    lr = ckpt['optimizer']['param_groups'][0]['lr']
    assert lr == pytest.approx(schedule_lr('LR_fast', 3, base_lr=0.05))
    assert any(k.startswith('neck.layer_reduce.') for k in ckpt['state_dict'])


def test_export_and_load_into_gcp_resnet(trained, tmp_path):
    _, work, _, _ = trained
    ckpt = torch.load(work / 'epoch_3.pth', weights_only=False)
    out = run_tool([venv_python(), 'tools/export_backbone.py',
                    str(work / 'epoch_3.pth'), str(tmp_path / 'r18')]).stdout
    path = out.strip().splitlines()[-1]
    assert re.search(r'r18-[0-9a-f]{8}\.pth$', path)
    exported = GCPResNet(18, 'M', init_cfg=dict(type='Pretrained',
                                                checkpoint=path))
    exported.init_weights()
    # a detection config may also point straight at the whole checkpoint
    direct = GCPResNet(18, 'M', init_cfg=dict(
        type='Pretrained', checkpoint=str(work / 'epoch_3.pth'),
        prefix='backbone.'))
    direct.init_weights()
    for net in (exported, direct):
        assert torch.equal(
            net.layer4[1].conv2.weight,
            ckpt['state_dict']['backbone.layer4.1.conv2.weight'])
    # C5 of GCP_M is the classifier's stride-16 stage 4, max-pooled
    from mmengine.registry import init_default_scope
    from mmpretrain.registry import MODELS
    from mmengine.config import Config
    init_default_scope('mmpretrain')
    classifier = MODELS.build(Config.fromfile(str(trained[0])).model)
    classifier.load_state_dict(ckpt['state_dict'])
    classifier.eval(), exported.eval()
    x = torch.randn(2, 3, 64, 64)
    with torch.no_grad():
        stage4 = classifier.backbone(x)[-1]
        c5 = exported(x)[3]
    torch.testing.assert_close(c5, torch.nn.functional.max_pool2d(stage4, 2))


def test_whole_checkpoint_without_prefix_gives_its_backbone(trained):
    """A pretraining checkpoint needs no prefix='backbone.'; GCPResNet takes
    the backbone of a whole-model file and leaves the neck and head."""
    _, work, _, _ = trained
    ckpt = torch.load(work / 'epoch_3.pth', weights_only=False)
    net = GCPResNet(18, 'M', init_cfg=dict(
        type='Pretrained', checkpoint=str(work / 'epoch_3.pth')))
    net.init_weights()
    for key, value in net.state_dict().items():
        assert torch.equal(value, ckpt['state_dict']['backbone.' + key]), key
    deeper = GCPResNet(50, 'M', init_cfg=dict(
        type='Pretrained', checkpoint=str(work / 'epoch_3.pth')))
    with pytest.raises(KeyError, match='epoch_3.pth.*missing backbone keys'):
        deeper.init_weights()


FAKE_SRUN = '''#!/usr/bin/env bash
# srun stand-in: start --ntasks copies of the command with Slurm's variables
echo "srun $*" > "$SRUN_LOG"
ntasks=1
while [ $# -gt 0 ]; do
  case "$1" in
    --ntasks=*) ntasks=${1#--ntasks=}; shift ;;
    -p) shift 2 ;;
    -*) shift ;;
    *) break ;;
  esac
done
pids=()
for ((i = 0; i < ntasks; i++)); do
  SLURM_PROCID=$i SLURM_LOCALID=$i SLURM_NTASKS=$ntasks \\
    SLURM_NODELIST=node-a "$@" &
  pids+=($!)
done
status=0
for pid in "${pids[@]}"; do wait "$pid" || status=1; done
exit $status
'''
FAKE_SCONTROL = '''#!/usr/bin/env bash
[ "$1 $2 $3" = "show hostname node-a" ] && echo 127.0.0.1
'''


def test_slurm_train_and_test(tmp_path):
    bindir = tmp_path / 'bin'
    bindir.mkdir()
    for name, text in (('srun', FAKE_SRUN), ('scontrol', FAKE_SCONTROL)):
        (bindir / name).write_text(text)
        (bindir / name).chmod(stat.S_IRWXU)
    config = tiny_pretrain_config(tmp_path, 2, 1)
    work = tmp_path / 'work'
    env = dict(PATH=f'{bindir}{os.pathsep}{os.path.dirname(sys.executable)}'
               f'{os.pathsep}{os.environ["PATH"]}', GPUS='2',
               PYTHON=sys.executable, MASTER_PORT=str(free_port()),
               SRUN_LOG=str(tmp_path / 'srun.txt'), OMP_NUM_THREADS='1')
    out = run_tool(['bash', 'tools/slurm_train.sh', 'gpu', 'gcp-r18',
                    str(config), str(work)], env=env).stdout
    srun = (tmp_path / 'srun.txt').read_text()
    assert '-p gpu --job-name=gcp-r18 --gres=gpu:2 --ntasks=2' in srun
    assert '--launcher=slurm' in srun
    assert 'Distributed launcher: slurm' in out and 'GPU number: 2' in out
    assert 'Epoch(train) [1][3/3]' in out
    # evaluation through mmpretrain's Accuracy, on one task
    env.update(MASTER_PORT=str(free_port()), GPUS='1')
    out = run_tool(['bash', 'tools/slurm_test.sh', 'gpu', 'eval',
                    str(config), str(work / 'epoch_1.pth'), '--work-dir',
                    str(work / 'test')], env=env).stdout
    assert '--ntasks=1' in (tmp_path / 'srun.txt').read_text()
    assert 'Epoch(test)' in out
    metrics = json.loads((work / 'test' / 'test_metrics.json').read_text())
    top1 = metrics['metrics']['accuracy/top1']
    assert 0 <= top1 <= 100 and 'accuracy/top2' in metrics['metrics']
    proc = run_tool(['bash', 'tools/slurm_train.sh', 'gpu'], env=env,
                    check=False)
    assert proc.returncode == 2 and 'usage:' in proc.stdout


def test_empty_dataset_and_corrupt_image_are_named(tmp_path):
    from mmengine.config import Config
    from mmengine.registry import init_default_scope
    from mmpretrain.registry import DATASETS
    cfg = Config.fromfile(str(tiny_pretrain_config(tmp_path, 2, 1)))
    init_default_scope('mmpretrain')
    for image in (tmp_path / 'tex' / 'val').glob('*/*.png'):
        image.unlink()
    with pytest.raises(RuntimeError,
                       match='Found 0 files in subfolders of: .*tex/val'):
        DATASETS.build(cfg.val_dataloader.dataset)
    train = DATASETS.build(cfg.train_dataloader.dataset)
    bad = train.get_data_info(0)['img_path']
    with open(bad, 'wb') as f:
        f.write(b'not an image')
    with pytest.raises(AssertionError, match=f'failed to load image: {bad}'):
        train[0]
