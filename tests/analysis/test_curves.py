"""Training curves from real mmengine logs."""
import json

import pytest

from mmgcp.analysis import curves_table, load_curves, plot_curves

from helpers import run_tool, venv_python, write_tiny_config


@pytest.fixture(scope='module')
def trained_run(tmp_path_factory, synthetic_coco):
    tmp = tmp_path_factory.mktemp('curves')
    config = write_tiny_config(tmp, synthetic_coco[0], max_iters=4,
                               ckpt_interval=4)
    work = tmp / 'work'
    run_tool([venv_python(), 'tools/train.py', config, '--work-dir',
              str(work)])
    return work


def test_curves_from_a_real_run(trained_run, tmp_path):
    curves = load_curves(str(trained_run))
    assert [it for it, _ in curves['loss']] == [1, 2, 3, 4]
    assert curves['coco/bbox_mAP'][-1][0] == 4  # evaluated after iter 4
    out = tmp_path / 'curves.png'
    runs = {'a': curves, 'b': curves}
    plot_curves(runs, ['loss', 'coco/bbox_mAP'], str(out))
    assert out.read_bytes()[:8] == b'\x89PNG\r\n\x1a\n'
    table = curves_table(runs, ['loss'])
    final = curves['loss'][-1][1]
    assert f'{final:10.4f}' in table.splitlines()[1]


def test_cli(trained_run, tmp_path):
    out = run_tool([venv_python(), 'tools/analysis/plot_curves.py',
                    str(trained_run), str(trained_run), '--labels', 'gap',
                    'gcp', '--keys', 'loss', 'coco/segm_mAP', '--out',
                    str(tmp_path / 'c.png')]).stdout
    assert 'gcp' in out and 'coco/segm_mAP' in out
    assert (tmp_path / 'c.png').is_file()


def test_bad_input(trained_run, tmp_path):
    with pytest.raises(FileNotFoundError, match='no scalars.json'):
        load_curves(str(tmp_path))
    with pytest.raises(KeyError, match="available keys: .*'loss'"):
        plot_curves({'a': load_curves(str(trained_run))}, ['accuracy/top1'],
                    str(tmp_path / 'x.png'))
    bad = tmp_path / 'scalars.json'
    bad.write_text(json.dumps({'loss': 1.0, 'step': 1}) + '\n{oops\n')
    with pytest.raises(ValueError, match='scalars.json:2: not JSON'):
        load_curves(str(bad))


def write_scalars(path, records):
    path.parent.mkdir(parents=True)
    path.write_text('\n'.join(json.dumps(r) for r in records) + '\n')


def test_resumed_sessions_join_and_epoch_axis(tmp_path):
    # epoch-based run: 4 iterations an epoch, logged every 2, evaluated
    # after epoch 1 (its step is the epoch); killed in epoch 2, resumed
    # from the epoch-1 checkpoint
    write_scalars(tmp_path / '20260101_000000' / 'vis_data' / 'scalars.json',
                  [dict(lr=0.1, loss=4.0, epoch=1, iter=2, step=2),
                   dict(lr=0.1, loss=2.0, epoch=1, iter=4, step=4),
                   {'accuracy/top1': 50.0, 'step': 1},
                   dict(lr=0.1, loss=9.0, epoch=2, iter=6, step=6)])
    write_scalars(tmp_path / '20260101_010000' / 'vis_data' / 'scalars.json',
                  [dict(lr=0.1, loss=1.0, epoch=2, iter=6, step=6),
                   dict(lr=0.1, loss=3.0, epoch=2, iter=8, step=8),
                   {'accuracy/top1': 70.0, 'step': 2}])
    by_iter = load_curves(str(tmp_path))
    assert by_iter['loss'] == [(2, 4.0), (4, 2.0), (6, 1.0), (8, 3.0)]
    assert by_iter['accuracy/top1'] == [(4, 50.0), (8, 70.0)]
    by_epoch = load_curves(str(tmp_path), x='epoch')
    assert by_epoch['loss'] == [(1, 3.0), (2, 2.0)]
    assert by_epoch['accuracy/top1'] == [(1, 50.0), (2, 70.0)]
    with pytest.raises(ValueError, match="'iter' or 'epoch'"):
        load_curves(str(tmp_path), x='time')


def test_epoch_axis_needs_an_epoch_based_run(trained_run):
    with pytest.raises(ValueError, match='iteration-based'):
        load_curves(str(trained_run), x='epoch')
