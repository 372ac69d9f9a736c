"""Printing mmdet CocoMetric results as the paper's tables."""
from typing import Dict, Mapping, Optional, Tuple

from .paper_results import paper_row

__all__ = ['COCO_COLUMNS', 'coco_rows', 'format_coco_table',
           'setting_from_config']

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


# the detectors of the paper's tables, by mmdet type
_DETECTORS = {'FasterRCNN': 'faster_rcnn', 'MaskRCNN': 'mask_rcnn'}


def setting_from_config(cfg: Mapping) -> Optional[Tuple[str, int, str]]:
    """The (detector, depth, backbone) row of the paper's tables that a
    detection config trains, read from its model and schedule, e.g. Mask
    R-CNN on a GCP_M ResNet-50 FPN, 12 epochs -> ``('mask_rcnn', 50,
    'GCP_M')``; ``None`` for a setting the tables do not have (another
    detector or schedule, DCN, plugins).

    Args:
        cfg: a parsed config (``mmengine.Config`` or a dict).
    """
    model = cfg.get('model') or {}
    backbone = model.get('backbone') or {}
    detector = _DETECTORS.get(model.get('type'))
    epochs = (cfg.get('train_cfg') or {}).get('max_epochs')
    if detector is None or epochs != 12 or \
            (model.get('neck') or {}).get('type') != 'FPN' or \
            backbone.get('dcn') or backbone.get('plugins'):
        return None
    if backbone.get('type') == 'ResNet':
        kind = 'GAP'
    elif backbone.get('type') == 'GCPResNet':
        kind = f'GCP_{backbone.get("variant", "M")}'
    else:
        return None
    setting = (detector, backbone.get('depth'), kind)
    return setting if paper_row(*setting) != (None, None) else None


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
