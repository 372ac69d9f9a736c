"""Corruption robustness: names, pipelines, scores, real evaluations."""
import json
import os.path as osp

import numpy as np
import pytest
from mmengine.config import Config
from mmengine.dataset import Compose
from mmengine.registry import init_default_scope

import mmgcp  # noqa: F401  (SeededCorrupt, the pretraining configs)
from mmgcp.datasets import SeededCorrupt
from mmgcp.analysis.robustness import (ALL_CORRUPTIONS,
                                       BENCHMARK_CORRUPTIONS,
                                       check_severities, insert_corruption,
                                       load_results, mean_corruption_error,
                                       resolve_corruptions, robustness_table,
                                       summarize)

from helpers import (run_tool, tiny_pretrain_config, venv_python,
                     write_tiny_config)


def test_names_and_groups():
    assert len(BENCHMARK_CORRUPTIONS) == 15 and len(ALL_CORRUPTIONS) == 19
    assert resolve_corruptions(['benchmark']) == list(BENCHMARK_CORRUPTIONS)
    assert resolve_corruptions(['fog', 'noise', 'fog']) == [
        'fog', 'gaussian_noise', 'shot_noise', 'impulse_noise']
    with pytest.raises(ValueError, match="unknown corruption 'fgo'.*fog"):
        resolve_corruptions(['fgo'])
    assert check_severities([5, 1, 1]) == [1, 5]
    for bad in ([0], [6], []):
        with pytest.raises(ValueError, match='1..5'):
            check_severities(bad)


def test_corruption_goes_after_the_crop_or_the_load():
    det = [dict(type='LoadImageFromFile'), dict(type='Resize'),
           dict(type='PackDetInputs')]
    out = insert_corruption(det, 'fog', 3)
    assert [t['type'] for t in out] == ['LoadImageFromFile',
                                        'mmgcp.SeededCorrupt',
                                        'Resize', 'PackDetInputs']
    assert out[1]['severity'] == 3 and len(det) == 3  # input untouched
    cls = [dict(type='LoadImageFromFile'), dict(type='ResizeEdge'),
           dict(type='CenterCrop'), dict(type='PackInputs')]
    assert insert_corruption(cls, 'fog', 1)[3]['type'] == 'mmgcp.SeededCorrupt'
    with pytest.raises(ValueError, match='no image loading step'):
        insert_corruption([dict(type='Resize')], 'fog', 1)


def test_corrupted_pipeline_changes_the_images(tmp_path):
    config = Config.fromfile(str(tiny_pretrain_config(tmp_path, 2, 1)))
    init_default_scope('mmpretrain')
    folder = osp.join(config.test_dataloader.dataset.data_root, 'val')
    pipeline = config.test_dataloader.dataset.pipeline
    import glob
    sample = dict(img_path=sorted(glob.glob(folder + '/*/*.png'))[0],
                  gt_label=0)
    clean = Compose(pipeline)(dict(sample))['inputs'].numpy()
    noisy = Compose(insert_corruption(pipeline, 'impulse_noise', 5))(
        dict(sample))['inputs'].numpy()
    assert clean.shape == noisy.shape
    assert np.mean(clean != noisy) > 0.1


@pytest.mark.parametrize('corruption', ['gaussian_noise', 'impulse_noise',
                                        'glass_blur', 'frost'])
def test_seeded_corruption_is_the_same_on_every_run(corruption):
    rng = np.random.default_rng(0)
    img = rng.integers(0, 256, (40, 48, 3), dtype=np.uint8)
    first = SeededCorrupt(corruption, 3)
    again = SeededCorrupt(corruption, 3)  # another model's evaluation
    np.random.seed(1)
    a = first(dict(img=img.copy(), img_path='a.png'))['img']
    np.random.seed(2)  # the loader's RNG state must not matter
    state = np.random.get_state()
    b = again(dict(img=img.copy(), img_path='a.png'))['img']
    assert np.array_equal(a, b) and not np.array_equal(a, img)
    # ... nor is it changed
    assert np.array_equal(np.random.get_state()[1], state[1])
    c = first(dict(img=img.copy(), img_path='b.png'))['img']
    other_seed = SeededCorrupt(corruption, 3, seed=1)(
        dict(img=img.copy(), img_path='a.png'))['img']
    if corruption != 'frost':  # frost picks one of six frost images
        assert not np.array_equal(a, c)
        assert not np.array_equal(a, other_seed)


RESULTS = {'clean': {'accuracy/top1': 80.0},
           'fog/1': {'accuracy/top1': 70.0}, 'fog/2': {'accuracy/top1': 50.0},
           'snow/1': {'accuracy/top1': 60.0},
           'snow/2': {'accuracy/top1': 40.0}}
BASE = {'clean': {'accuracy/top1': 75.0},
        'fog/1': {'accuracy/top1': 60.0}, 'fog/2': {'accuracy/top1': 40.0},
        'snow/1': {'accuracy/top1': 60.0},
        'snow/2': {'accuracy/top1': 20.0}}


def test_scores_by_hand():
    s = summarize(RESULTS, 'accuracy/top1')
    assert s['mPC'] == 55.0 and s['rPC'] == 55.0 / 80.0
    assert s['per_corruption'] == {'fog': 60.0, 'snow': 50.0}
    assert s['per_severity'] == {1: 65.0, 2: 45.0}
    mce = mean_corruption_error(RESULTS, BASE)
    # fog: (30 + 50) / (40 + 60); snow: (40 + 60) / (40 + 80)
    assert mce['CE']['fog'] == pytest.approx(80.0)
    assert mce['CE']['snow'] == pytest.approx(100 * 100 / 120)
    assert mce['mCE'] == pytest.approx((80.0 + 100 * 100 / 120) / 2)
    table = robustness_table({'GCP': RESULTS, 'GAP': BASE},
                             'accuracy/top1', baseline='GAP')
    assert '| GAP | 75 | 45 | 0.600 | 25.0 | 55.0 | 100.0 | 50 | 40 |' in table
    assert '| GCP | 80 | 55 | 0.688 | 20.0 | 45.0 | 81.7 | 60 | 50 |' in table
    with pytest.raises(KeyError, match='baseline lacks 1'):
        mean_corruption_error(dict(RESULTS, **{'fog/3': {
            'accuracy/top1': 1.0}}), BASE)
    with pytest.raises(KeyError, match='clean'):
        summarize({'fog/1': {'accuracy/top1': 1.0}}, 'accuracy/top1')


@pytest.fixture(scope='module')
def classifier_run(tmp_path_factory):
    tmp = tmp_path_factory.mktemp('robust_cls')
    config = tiny_pretrain_config(tmp, 4, 1)
    run_tool([venv_python(), 'tools/train.py', str(config), '--work-dir',
              str(tmp / 'work')])
    return tmp, config, tmp / 'work' / 'epoch_1.pth'


def robustness(*argv, check=True):
    return run_tool([venv_python(), 'tools/analysis/robustness.py'] +
                    [str(a) for a in argv], check=check)


def test_classifier_benchmark_resumes_and_reports(classifier_run):
    tmp, config, ckpt = classifier_run
    out = tmp / 'gcp.json'
    log = robustness('run', config, ckpt, '--out', out, '--corruptions',
                     'impulse_noise', 'fog', '--severities', '1', '5',
                     '--work-dir', tmp / 'rob').stdout
    assert '5/5 fog/5' in log and 'rPC' in log
    data = load_results(str(out))
    assert sorted(data['results']) == ['clean', 'fog/1', 'fog/5',
                                       'impulse_noise/1', 'impulse_noise/5']
    # an interrupted benchmark picks up what it has
    partial = dict(data, results={k: v for k, v in data['results'].items()
                                  if k != 'fog/5'})
    out.write_text(json.dumps(partial))
    log = robustness('run', config, ckpt, '--out', out, '--corruptions',
                     'impulse_noise', 'fog', '--severities', '1', '5',
                     '--work-dir', tmp / 'rob').stdout
    assert 'resuming: 4 evaluations' in log and '5/5 fog/5' in log
    assert '2/5' not in log
    # the baseline is the same run here: its mCE is 100
    base = tmp / 'base.json'
    base.write_text(out.read_text())
    png = tmp / 'r.png'
    table = robustness('report', base, out, '--labels', 'GAP', 'GCP',
                       '--baseline', 'GAP', '--out', png).stdout
    assert 'mCE vs GAP' in table
    assert '| GCP |' in table and ' 100.0 |' in table
    assert png.read_bytes()[:4] == b'\x89PNG'


def test_bad_input(classifier_run, tmp_path):
    tmp, config, ckpt = classifier_run
    proc = robustness('run', config, ckpt, '--out', tmp_path / 'x.json',
                      '--corruptions', 'rain', check=False)
    assert proc.returncode != 0
    assert "unknown corruption 'rain'" in proc.stdout
    empty = tmp_path / 'empty'
    (empty / 'val' / 'class_00').mkdir(parents=True)
    proc = robustness('run', config, ckpt, '--out', tmp_path / 'x.json',
                      '--corruptions', 'fog', '--severities', '1',
                      '--work-dir', tmp_path / 'w', '--cfg-options',
                      f'test_dataloader.dataset.data_root={empty}',
                      check=False)
    assert proc.returncode != 0
    assert 'Found 0 files in subfolders of' in proc.stdout
    assert str(empty / 'val') in proc.stdout
    proc = robustness('report', tmp_path / 'x.json', '--baseline', 'nope',
                      check=False)
    assert proc.returncode != 0


def test_detector_mpc_and_rpc(synthetic_coco, tmp_path):
    config = write_tiny_config(tmp_path, synthetic_coco[0], max_iters=2,
                               ckpt_interval=2)
    run_tool([venv_python(), 'tools/train.py', config, '--work-dir',
              str(tmp_path / 'work')])
    out = tmp_path / 'det.json'
    log = robustness('run', config, tmp_path / 'work' / 'iter_2.pth',
                     '--out', out, '--corruptions', 'gaussian_noise',
                     '--severities', '3', '--work-dir',
                     tmp_path / 'rob').stdout
    assert 'coco/bbox_mAP: clean' in log and 'rPC' in log
    results = load_results(str(out))['results']
    assert set(results) == {'clean', 'gaussian_noise/3'}
    assert {'coco/bbox_mAP', 'coco/segm_mAP'} <= set(results['clean'])
    # a missing checkpoint is named before anything is built
    proc = robustness('run', config, tmp_path / 'x.pth', '--out', out,
                      check=False)
    assert proc.returncode != 0 and 'does not exist' in proc.stdout
    # an evaluation set without images is refused
    with open(synthetic_coco[1]['val']) as f:
        ann = json.load(f)
    empty = tmp_path / 'empty.json'
    empty.write_text(json.dumps(dict(ann, images=[], annotations=[])))
    proc = robustness('run', config, tmp_path / 'work' / 'iter_2.pth',
                      '--out', tmp_path / 'e.json', '--corruptions', 'fog',
                      '--severities', '1', '--work-dir', tmp_path / 'rob2',
                      '--cfg-options',
                      f'test_dataloader.dataset.ann_file={empty}',
                      check=False)
    assert proc.returncode != 0 and 'the test set is empty' in proc.stdout
