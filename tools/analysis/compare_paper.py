"""Print a run's COCO AP next to the paper's row for the same setting.

    python tools/analysis/compare_paper.py RESULTS \
        [--setting mask_rcnn r50 GCP_M]

RESULTS is ``test_metrics.json`` written by ``tools/test.py``, or a run's
``vis_data/scalars.json`` (its last COCO evaluation is used). The setting is
read from the config the results name (its detector, backbone and
schedule) unless given.
"""
import argparse
import json
import os.path as osp

from mmengine.config import Config

import mmgcp  # noqa: F401  (mmseg:: bases on the maintained forks)
from mmgcp.evaluation import format_coco_table, setting_from_config


def load_metrics(path):
    """(metrics, config name or None) from either results format."""
    if not osp.isfile(path):
        raise FileNotFoundError(f'results file {path} does not exist')
    with open(path) as f:
        text = f.read()
    try:
        data = json.loads(text)
    except ValueError:
        data = None
    if isinstance(data, dict) and isinstance(data.get('metrics'), dict):
        return data['metrics'], data.get('config')
    if isinstance(data, dict):
        return data, None
    # scalars.json: one json object per line; keep the last evaluation
    metrics = None
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except ValueError as err:
            raise ValueError(f'{path}:{number}: not JSON ({err})') from None
        if any(k.startswith('coco/') for k in record):
            metrics = record
    if metrics is None:
        raise ValueError(f'{path} holds no COCO evaluation (coco/bbox_mAP)')
    return metrics, None


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('results')
    parser.add_argument('--setting', nargs=3,
                        metavar=('DETECTOR', 'DEPTH', 'BACKBONE'),
                        help='e.g. mask_rcnn r50 GCP_M')
    args = parser.parse_args()
    metrics, config = load_metrics(args.results)
    setting = None
    if args.setting:
        det, depth, backbone = args.setting
        setting = (det, int(depth.lstrip('rR-')), backbone.upper())
    elif config and osp.isfile(config):
        setting = setting_from_config(Config.fromfile(config))
    if setting is None:
        print('(no paper row: give --setting to compare)')
    print(format_coco_table(metrics, setting=setting))


if __name__ == '__main__':
    main()
