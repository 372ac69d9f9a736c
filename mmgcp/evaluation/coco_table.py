"""Printing mmdet CocoMetric results as the paper's tables."""
import os.path as osp
import re
from typing import Dict, Mapping, Optional, Tuple

from .paper_results import paper_row

__all__ = ['COCO_COLUMNS', 'coco_rows', 'format_coco_table',
           'setting_from_config_name']

COCO_COLUMNS = ('AP', 'AP50', 'AP75', 'APs', 'APm', 'APl')
_SUFFIXES = ('mAP', 'mAP_50', 'mAP_75', 'mAP_s', 'mAP_m', 'mAP_l')


def coco_rows(metrics: Mapping[str, float]) -> Dict[str, Tuple[float, ...]]:
    """``{'bbox': (AP, ...), 'segm': (...)}`` in percent from CocoMetric keys.

    Accepts ``coco/bbox_mAP`` style keys (with or without the ``coco/``
    prefix, as mmengine logs and returns them).
    """
    rows = {}
    for task in ('bbox', 'segm'):
        values = []
        for suffix in _SUFFIXES:
            key = next((k for k in (f'coco/{task}_{suffix}',
                                    f'{task}_{suffix}') if k in metrics),
                       None)
            if key is None:
                break
            values.append(100.0 * float(metrics[key]))
        if len(values) == len(_SUFFIXES):
            rows[task] = tuple(values)
    return rows


def setting_from_config_name(name: str) -> Optional[Tuple[str, int, str]]:
    """(detector, depth, backbone) from a config name, e.g.
    ``mask-rcnn_r50-gcp-m_fpn_1x_coco`` -> ``('mask_rcnn', 50, 'GCP_M')``;
    also the short names ``mask_rcnn_r50_gcp`` / ``faster_rcnn_r50_gcp``
    (GCP_M)."""
    name = osp.basename(name)
    match = re.match(r'(faster|mask)-rcnn_r(\d+)-(gap|gcp-d|gcp-m)'
                     r'_fpn_1x_coco(?:\.py)?$', name) or \
        re.match(r'(faster|mask)_rcnn_r(\d+)_(gcp)(?:\.py)?$', name)
    if match is None:
        return None
    backbone = {'gap': 'GAP', 'gcp-d': 'GCP_D', 'gcp-m': 'GCP_M',
                'gcp': 'GCP_M'}[match.group(3)]
    return f'{match.group(1)}_rcnn', int(match.group(2)), backbone


def _fmt(values) -> str:
    return ' '.join(f'{v:6.1f}' if v >= 0 else '     -' for v in values)


def format_coco_table(metrics: Mapping[str, float],
                      setting: Optional[Tuple[str, int, str]] = None,
                      title: str = 'this run') -> str:
    """A text table of a run's COCO AP, with the paper's rows if known.

    Args:
        metrics: CocoMetric output (fractions in [0, 1], -1 for n/a).
        setting: (detector, depth, backbone) to look up in the paper table.
        title: the label of the run's rows.
    """
    rows = coco_rows(metrics)
    if not rows:
        raise KeyError('no COCO bbox/segm metrics (coco/bbox_mAP, ...) in '
                       f'the given results; keys: {sorted(metrics)}')
    labelled = [(f'{title} {task}', _fmt(values))
                for task, values in rows.items()]
    if setting is not None:
        box, mask_ap = paper_row(*setting)
        paper = f'paper {setting[0]} R-{setting[1]} {setting[2]}'
        if box is not None:
            labelled.append((f'{paper} bbox', _fmt(box)))
        if mask_ap is not None:
            labelled.append((f'{paper} segm', f'{mask_ap:6.1f}'))
    width = max(len(label) for label, _ in labelled) + 2
    header = ' ' * width + ' '.join(f'{c:>6}' for c in COCO_COLUMNS)
    rows = [f'{label:{width}}{values}' for label, values in labelled]
    return '\n'.join([header] + rows)
