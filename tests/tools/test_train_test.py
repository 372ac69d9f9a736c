"""tools/train.py, tools/test.py and compare_paper.py on the real stack."""
import json
import pickle


from helpers import run_tool, venv_python, write_tiny_config


def test_train_then_test_then_compare(tmp_path, synthetic_coco):
    config = write_tiny_config(tmp_path, synthetic_coco[0], max_iters=2,
                               ckpt_interval=2)
    work = tmp_path / 'work'
    out = run_tool([venv_python(), 'tools/train.py', config, '--work-dir',
                    str(work)]).stdout
    assert 'Iter(train) [2/2]' in out
    assert 'coco/bbox_mAP' in out and 'coco/segm_mAP' in out  # real eval
    ckpt = work / 'iter_2.pth'
    assert ckpt.is_file()

    preds = tmp_path / 'preds.pkl'
    run_tool([venv_python(), 'tools/test.py', config, str(ckpt),
              '--work-dir', str(work), '--out', str(preds)])
    result = json.loads((work / 'test_metrics.json').read_text())
    metrics = result['metrics']
    for task in ('bbox', 'segm'):
        for suffix in ('mAP', 'mAP_50', 'mAP_75', 'mAP_s', 'mAP_m', 'mAP_l'):
            value = metrics[f'coco/{task}_{suffix}']
            assert value == -1 or 0 <= value <= 1
    with open(preds, 'rb') as f:
        dumped = pickle.load(f)
    assert len(dumped) == 4  # one per val image

    table = run_tool([venv_python(), 'tools/analysis/compare_paper.py',
                      str(work / 'test_metrics.json'), '--setting',
                      'mask_rcnn', 'r50', 'GCP_M']).stdout
    assert 'paper mask_rcnn R-50 GCP_M bbox' in table
    assert '37.9' in table and '34.7' in table
    assert f'{100 * metrics["coco/bbox_mAP"]:6.1f}' in table


def test_train_rejects_bad_config_key(tmp_path, synthetic_coco):
    config = write_tiny_config(tmp_path, synthetic_coco[0])
    proc = run_tool([venv_python(), 'tools/train.py', config, '--work-dir',
                     str(tmp_path / 'w'), '--cfg-options',
                     'model.backbone.varaint=D'], check=False)
    assert proc.returncode != 0 and 'varaint' in proc.stdout


def test_missing_pretrained_checkpoint_says_how_to_get_one(tmp_path,
                                                           synthetic_coco):
    config = write_tiny_config(
        tmp_path, synthetic_coco[0], extra="model = dict(backbone=dict("
        "init_cfg=dict(type='Pretrained', checkpoint='no/such.pth')))")
    proc = run_tool([venv_python(), 'tools/train.py', config, '--work-dir',
                     str(tmp_path / 'w')], check=False)
    assert proc.returncode != 0
    assert 'no/such.pth does not exist' in proc.stdout
    assert 'convert_official.py' in proc.stdout


def test_test_tool_rejects_missing_checkpoint(tmp_path, synthetic_coco):
    config = write_tiny_config(tmp_path, synthetic_coco[0])
    proc = run_tool([venv_python(), 'tools/test.py', config,
                     str(tmp_path / 'missing.pth')], check=False)
    assert proc.returncode != 0
    assert 'checkpoint file' in proc.stdout and 'missing.pth' in proc.stdout
