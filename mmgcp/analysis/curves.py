"""Training curves of several runs from their mmengine logs, overlaid.

mmengine's ``LocalVisBackend`` writes ``<work_dir>/<timestamp>/vis_data/
scalars.json``: one JSON object per line, training records (``loss``, ``lr``
... with the global iteration as ``step``) and evaluation records
(``coco/bbox_mAP``, ``accuracy/top1``, ``mIoU`` ...). Points go against
the global training iteration they were logged after, or (epoch-based
runs) against the epoch.
"""
import glob
import json
import os.path as osp
from typing import Dict, List, Mapping, Sequence, Tuple

__all__ = ['find_scalars', 'load_curves', 'plot_curves', 'curves_table']

Curves = Dict[str, List[Tuple[int, float]]]


def find_scalars(path: str) -> List[str]:
    """``[path]`` if it is a file, else every ``scalars.json`` of the work
    dir ``path``, oldest first (a resumed run logs into a new one)."""
    if osp.isfile(path):
        return [path]
    found = sorted(glob.glob(osp.join(path, '*', 'vis_data', 'scalars.json')))
    if not found:
        raise FileNotFoundError(
            f'{path}: no scalars.json (expected a run work dir with '
            '<timestamp>/vis_data/scalars.json, or the file itself)')
    return found


def _read_scalars(scalars: str, x: str) -> Curves:
    curves: Curves = {}
    last_iter = 0
    with open(scalars) as f:
        for number, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except ValueError as err:
                raise ValueError(f'{scalars}:{number}: not JSON ({err})') \
                    from None
            is_train = 'lr' in record or any(k.startswith('loss')
                                             for k in record)
            if is_train:
                last_iter = int(record.get('step', last_iter))
            if x == 'iter':
                at = last_iter
            elif is_train:
                if 'epoch' not in record:
                    raise ValueError(f'{scalars}: the run logged no epochs '
                                     '(iteration-based); use the iteration '
                                     'axis')
                at = int(record['epoch'])
            else:  # an epoch-based evaluation is logged at its epoch
                at = int(record.get('step', 0))
            for key, value in record.items():
                if key in ('step', 'iter', 'epoch', 'time', 'data_time') or \
                        not isinstance(value, (int, float)):
                    continue
                curves.setdefault(key, []).append((at, float(value)))
    return curves


def load_curves(path: str, x: str = 'iter') -> Curves:
    """``{key: [(x, value), ...]}`` of one run.

    Args:
        path: a work dir or one ``scalars.json``. For a work dir the logs
            of all its sessions are joined; where a resumed session logged
            a point again, its value wins.
        x: ``'iter'``: every logged point at its global iteration (an
            evaluation at the iteration it followed); ``'epoch'``
            (epoch-based runs): evaluations at their epoch and training
            scalars averaged over each epoch's logged iterations.
    """
    if x not in ('iter', 'epoch'):
        raise ValueError(f"x must be 'iter' or 'epoch', got {x!r}")
    files = find_scalars(path)
    joined: Dict[str, Dict[int, List[float]]] = {}
    for scalars in files:
        session: Dict[str, Dict[int, List[float]]] = {}
        for key, points in _read_scalars(scalars, x).items():
            for at, value in points:
                session.setdefault(key, {}).setdefault(at, []).append(value)
        for key, points in session.items():
            joined.setdefault(key, {}).update(points)
    if not joined:
        raise ValueError(f'{", ".join(files)}: no scalars logged')
    return {key: [(at, sum(v) / len(v)) for at, v in sorted(points.items())]
            for key, points in joined.items()}


def curves_table(runs: Mapping[str, Curves], keys: Sequence[str]) -> str:
    """Final and best value of each key per run (best = max for metrics,
    min for losses)."""
    lines = [f'{"run":20s} {"key":24s} {"final":>10s} {"best":>10s} '
             f'{"at":>8s}']
    for label, curves in runs.items():
        for key in keys:
            if key not in curves:
                continue
            points = curves[key]
            pick = min if 'loss' in key else max
            best_iter, best = pick(points, key=lambda p: p[1])
            lines.append(f'{label:20s} {key:24s} {points[-1][1]:10.4f} '
                         f'{best:10.4f} {best_iter:8d}')
    return '\n'.join(lines)


def plot_curves(runs: Mapping[str, Curves], keys: Sequence[str],
                out: str, x: str = 'iter') -> None:
    """One panel per key, one line per run, saved as a PNG."""
    missing = [k for k in keys if not any(k in c for c in runs.values())]
    if missing:
        available = sorted({k for c in runs.values() for k in c})
        raise KeyError(f'no run logged {missing}; available keys: '
                       f'{available}')
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    fig, axes = plt.subplots(1, len(keys), figsize=(5 * len(keys), 3.8),
                             squeeze=False)
    for ax, key in zip(axes[0], keys):
        for label, curves in runs.items():
            if key in curves:
                xs, ys = zip(*curves[key])
                ax.plot(xs, ys, marker='o' if len(xs) < 20 else None,
                        label=label)
        ax.set_title(key)
        ax.set_xlabel('iteration' if x == 'iter' else 'epoch')
        ax.grid(alpha=0.3)
        ax.legend()
    fig.tight_layout()
    fig.savefig(out, dpi=100)
    plt.close(fig)
