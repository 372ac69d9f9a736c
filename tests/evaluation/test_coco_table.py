import os.path as osp

import pytest
from helpers import ROOT
from mmengine.config import Config

from mmgcp.evaluation import (PAPER_BBOX, PAPER_SEGM_AP, coco_rows,
                              format_coco_table, setting_from_config)

METRICS = {f'coco/{t}_{s}': v for t in ('bbox', 'segm') for s, v in zip(
    ('mAP', 'mAP_50', 'mAP_75', 'mAP_s', 'mAP_m', 'mAP_l'),
    (0.379, 0.594, 0.413, 0.224, 0.415, -1))}


def test_paper_tables_are_complete():
    assert len(PAPER_BBOX) == 12 and len(PAPER_SEGM_AP) == 6
    assert PAPER_BBOX[('mask_rcnn', 50, 'GCP_M')][0] == 37.9
    assert PAPER_SEGM_AP[('mask_rcnn', 101, 'GCP_D')] == 36.5


def test_rows_in_percent():
    rows = coco_rows(METRICS)
    assert rows['bbox'][:3] == pytest.approx((37.9, 59.4, 41.3))
    assert rows['segm'][5] == -100.0


@pytest.mark.parametrize('config,setting', [
    ('det/mask-rcnn_r50-gcp-m_fpn_1x_coco.py', ('mask_rcnn', 50, 'GCP_M')),
    ('det/faster-rcnn_r101-gcp-d_fpn_1x_coco.py',
     ('faster_rcnn', 101, 'GCP_D')),
    ('det/faster-rcnn_r50-gcp-d-dconv-c3-c5_fpn_1x_coco.py', None),
    ('mask_rcnn_r50_gcp.py', ('mask_rcnn', 50, 'GCP_M')),
    ('det/faster-rcnn_r50-gap_fpn_1x_coco.py', ('faster_rcnn', 50, 'GAP')),
    ('det/yolov3_mobilenetv2-gcp_8xb24-320-300e_coco.py', None)])
def test_setting_is_read_from_the_config(config, setting):
    cfg = Config.fromfile(osp.join(ROOT, 'configs', config))
    assert setting_from_config(cfg) == setting
    if setting:  # the paper's rows are 1x (12 epochs)
        cfg.train_cfg.max_epochs = 24
        assert setting_from_config(cfg) is None


def test_table_shows_run_and_paper_rows():
    table = format_coco_table(METRICS, ('mask_rcnn', 50, 'GCP_M'), 'run')
    lines = table.splitlines()
    assert lines[0].split() == ['AP', 'AP50', 'AP75', 'APs', 'APm', 'APl']
    assert lines[1].split()[:4] == ['run', 'bbox', '37.9', '59.4']
    assert lines[1].split()[-1] == '-'
    assert 'paper mask_rcnn R-50 GCP_M bbox' in table and '34.7' in table


def test_table_without_coco_keys_is_an_error():
    with pytest.raises(KeyError, match='coco/bbox_mAP'):
        format_coco_table({'accuracy/top1': 0.5})
