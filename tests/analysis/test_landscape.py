"""Loss landscape: the measurement itself, the hook, the tool."""
import json

import pytest
import torch
from mmengine.config import Config
from mmengine.model import BaseModel
from mmengine.runner import Runner
from torch import nn

from mmgcp.analysis import (find_split_module, landscape_etas,
                            landscape_protocol, landscape_table,
                            load_landscape, measure_landscape,
                            plot_landscape)
from mmgcp.checkpoint import CheckpointMismatchError, load_matching_checkpoint

from helpers import (build_config_model, run_tool, tiny_pretrain_config,
                     venv_python, write_tiny_config)


class Quadratic(BaseModel):
    """y = maxpool(x) = x; L = 0.5 * ||y||^2, so g = y, L(y + eta g) =
    0.5 (1 + eta)^2 ||y||^2 and ||dL/dy(y + eta g) - g|| = eta ||y||."""

    def __init__(self):
        super().__init__()
        self.maxpool = nn.Identity()
        self.bn = nn.BatchNorm1d(3)

    def forward(self, inputs, data_samples=None, mode='loss'):
        y = self.maxpool(inputs)
        self.bn(torch.randn(4, 3))  # moves running stats, draws the RNG
        return dict(loss=0.5 * (y ** 2).sum())


def test_etas_and_their_errors():
    etas = landscape_etas(0.1, 75, 50)
    assert len(etas) == 50 and etas[0] == 0.1 and etas[-1] == 75
    for low, high in [(0, 1), (2, 1), (1, float('inf'))]:
        with pytest.raises(ValueError, match='0 < a < b'):
            landscape_etas(low, high)
    with pytest.raises(ValueError, match='at least 2'):
        landscape_etas(0.1, 1, 1)


def test_measurement_matches_the_analytic_landscape():
    model = Quadratic()
    x = torch.randn(2, 5, dtype=torch.float64)
    norm2 = float((x ** 2).sum())
    running = model.bn.running_mean.clone()
    out = measure_landscape(model, dict(inputs=x.float()), [0.5, 2.0])
    assert out['loss0'] == pytest.approx(0.5 * norm2, rel=1e-5)
    assert out['grad_norm'] == pytest.approx(norm2 ** 0.5, rel=1e-5)
    for eta, loss, change in zip(out['eta'], out['loss'],
                                 out['grad_change']):
        assert loss == pytest.approx(0.5 * (1 + eta) ** 2 * norm2, rel=1e-5)
        assert change == pytest.approx(eta * norm2 ** 0.5, rel=1e-5)
    # the model's buffers are as they were
    assert torch.equal(model.bn.running_mean, running)


def test_split_module_lookup():
    model = Quadratic()
    assert find_split_module(model) is model.maxpool
    with pytest.raises(KeyError, match="no module 'backbone.stem'.*maxpool"):
        find_split_module(model, 'backbone.stem')
    with pytest.raises(KeyError, match='no module named \\*maxpool'):
        find_split_module(nn.Sequential(nn.ReLU()))


def test_mobilenet_v2_protocol():
    """MobileNetV2 (no max-pool): split after the first stride-2 conv + BN +
    ReLU6, eta in [0.045, 1.5], every 1000 iterations."""
    import os.path as osp
    from mmpretrain.structures import DataSample

    from mmgcp.engine import LandscapeHook
    from helpers import ROOT
    model = build_config_model(osp.join(
        ROOT, 'configs', 'pretrain',
        'mobilenet-v2-isqrt-d256_8xb12-lrnorm_in1k.py'))
    split = find_split_module(model)
    assert split is model.backbone.conv1
    assert split.conv.stride == (2, 2)
    assert type(split.activate).__name__ == 'ReLU6'
    protocol = landscape_protocol('mobilenet_v2')
    assert protocol == dict(eta_range=(0.045, 1.5), interval=1000)
    hook = LandscapeHook(protocol='mobilenet_v2', steps=3)
    assert hook.interval == 1000
    assert hook.etas == pytest.approx([0.045, 0.7725, 1.5])
    data = model.data_preprocessor(dict(
        inputs=[torch.randint(0, 255, (3, 64, 64), dtype=torch.uint8)
                for _ in range(2)],
        data_samples=[DataSample().set_gt_label(i) for i in (1, 7)]), True)
    model.train()
    out = measure_landscape(model, data, hook.etas)
    assert out['grad_norm'] > 0
    assert all(torch.isfinite(torch.tensor(out[k])).all()
               for k in ('loss', 'grad_change'))
    # every step size moves the stem output, so loss and gradient change
    assert len({out['loss0'], *out['loss']}) == 4
    assert min(out['grad_change']) > 0
    with pytest.raises(ValueError, match="known: resnet, mobilenet_v2"):
        landscape_protocol('vgg')


def test_on_a_real_detector(synthetic_coco, tmp_path):
    config = write_tiny_config(tmp_path, synthetic_coco[0])
    cfg = Config.fromfile(config)
    cfg.work_dir = str(tmp_path / 'work')
    runner = Runner.from_cfg(cfg)
    model = runner.model
    model.train()
    batch = next(iter(runner.build_dataloader(cfg.train_dataloader)))
    params = {k: v.clone() for k, v in model.state_dict().items()}
    first = measure_landscape(model, batch, [1.0, 40.0], seed=3)
    again = measure_landscape(model, batch, [1.0, 40.0], seed=3)
    # the RPN/RoI samplers draw the same boxes at every step and every call
    assert first == again
    assert all(torch.equal(v, model.state_dict()[k])
               for k, v in params.items())
    assert all(p.grad is None for p in model.parameters())
    assert first['loss'][1] != first['loss'][0]
    assert all(v > 0 for v in first['grad_change'])
    assert isinstance(find_split_module(model),
                      nn.MaxPool2d)  # backbone.maxpool


@pytest.fixture(scope='module')
def hooked_run(tmp_path_factory):
    """A classifier trained with the hook: 3 iterations an epoch."""
    tmp = tmp_path_factory.mktemp('landscape')
    config = tiny_pretrain_config(tmp, 4, 2, extra='''
custom_hooks = [dict(type='mmgcp.LandscapeHook', interval=2, steps=4,
                     eta_range=(0.5, 20), label='GCP')]
default_hooks = dict(checkpoint=dict(interval=1, max_keep_ckpts=5))
''')
    work = tmp / 'work'
    run_tool([venv_python(), 'tools/train.py', str(config), '--work-dir',
              str(work)])
    return config, work


def test_hook_records_and_resumes(hooked_run):
    config, work = hooked_run
    run = load_landscape(str(work / 'landscape.json'))
    assert run['label'] == 'GCP'
    assert [r['iter'] for r in run['records']] == [1, 2, 4, 6]
    assert all(len(r['loss']) == 4 for r in run['records'])
    # a resumed run keeps the records up to its checkpoint and goes on
    (work / 'landscape.json').write_text(json.dumps(dict(
        run, records=run['records'] + [dict(run['records'][-1], iter=99)])))
    run_tool([venv_python(), 'tools/train.py', str(config), '--work-dir',
              str(work), '--resume', '--cfg-options',
              'train_cfg.max_epochs=3'])
    resumed = load_landscape(str(work / 'landscape.json'))
    assert [r['iter'] for r in resumed['records']] == [1, 2, 4, 6, 8]
    assert resumed['records'][:4] == run['records']


def test_tool_measures_checkpoints_and_plots(hooked_run, tmp_path):
    config, work = hooked_run
    out = tmp_path / 'gcp.json'
    log = run_tool([venv_python(), 'tools/analysis/landscape.py', 'measure',
                    str(config), str(work / 'epoch_1.pth'),
                    str(work / 'epoch_2.pth'), '--out', str(out),
                    '--steps', '3', '--eta', '1', '10', '--label',
                    'GCP']).stdout
    assert '[2/2]' in log
    assert (tmp_path / 'gcp.png').read_bytes()[:4] == b'\x89PNG'
    records = load_landscape(str(out))['records']
    assert [r['iter'] for r in records] == [3, 6]
    assert all(len(r['grad_change']) == 3 for r in records)
    png = tmp_path / 'l.png'
    table = run_tool([venv_python(), 'tools/analysis/landscape.py', 'plot',
                      str(out), str(work / 'landscape.json'), '--labels',
                      'checkpoints', 'hook', '--out', str(png)]).stdout
    assert 'checkpoints' in table and 'hook' in table
    assert png.read_bytes()[:4] == b'\x89PNG'
    runs = {'a': records}
    assert 'a ' in landscape_table(runs)
    plot_landscape(runs, str(tmp_path / 'one.png'))


def test_bad_input(hooked_run, tmp_path):
    config, work = hooked_run
    gap = Config.fromfile(str(config))
    gap.model.backbone.strides = (1, 2, 2, 2)
    gap.model.neck = dict(type='GlobalAveragePooling')
    gap.model.head.in_channels = 512
    gap.dump(str(tmp_path / 'gap.py'))
    proc = run_tool([venv_python(), 'tools/analysis/landscape.py', 'measure',
                     str(tmp_path / 'gap.py'), str(work / 'epoch_1.pth'),
                     '--out', str(tmp_path / 'x.json')], check=False)
    assert proc.returncode != 0
    assert 'does not fit' in proc.stdout and 'layer_reduce' in proc.stdout
    five_classes = build_config_model(config, {'model.head.num_classes': 5})
    with pytest.raises(CheckpointMismatchError, match='another shape'):
        load_matching_checkpoint(five_classes, str(work / 'epoch_1.pth'))
    bad = tmp_path / 'bad.json'
    bad.write_text('{"records": []}')
    with pytest.raises(ValueError, match='no measurements'):
        load_landscape(str(bad))
    bad.write_text('[1, 2]')
    with pytest.raises(ValueError, match='expected an object'):
        load_landscape(str(bad))
    proc = run_tool([venv_python(), 'tools/analysis/landscape.py', 'plot',
                     str(work / 'landscape.json'),
                     str(work / 'landscape.json')], check=False)
    assert proc.returncode != 0 and 'labels must differ' in proc.stdout


def test_hook_on_a_detector_training(synthetic_coco, tmp_path):
    config = write_tiny_config(tmp_path, synthetic_coco[0], max_iters=2,
                               extra='''
custom_hooks = [dict(type='mmgcp.LandscapeHook', interval=2, steps=2,
                     eta_range=(1, 10))]
''')
    work = tmp_path / 'work'
    log = run_tool([venv_python(), 'tools/train.py', config, '--work-dir',
                    str(work)]).stdout
    assert 'landscape @ iter 2' in log
    run = load_landscape(str(work / 'landscape.json'))
    assert run['label'] == 'work'
    assert [r['iter'] for r in run['records']] == [1, 2]
    assert all(len(r['loss']) == 2 and r['grad_change'][1] > 0
               for r in run['records'])
