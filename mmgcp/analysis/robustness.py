"""Robustness to common corruptions: corrupted COCO and ImageNet-C style.

Images are corrupted by ``mmgcp.datasets.SeededCorrupt`` (the
``imagecorruptions`` package, as mmdet's ``Corrupt``, but seeded per image
so that every model sees the same corrupted images: 15 benchmark
corruptions x 5 severities) and evaluated by the config's own test loop and
evaluator (:mod:`mmgcp.engine.robustness` runs that). Reported:

- detectors (and any higher-is-better metric): mPC, the mean over
  corruptions and severities, and rPC = mPC / clean (the corrupted-COCO
  benchmark);
- classifiers: top-1 error per corruption and the mCE relative to a
  baseline run, ``CE_c = sum_s E_{c,s} / sum_s E^base_{c,s}``,
  ``mCE = mean_c CE_c`` (ImageNet-C, in percent).

Results are kept as ``{"clean": {metric: value}, "fog/3": {...}, ...}``.
"""
import math
from typing import Dict, List, Mapping, Optional, Sequence

from ._json import read_json

__all__ = ['BENCHMARK_CORRUPTIONS', 'CORRUPTION_GROUPS', 'ALL_CORRUPTIONS',
           'SEVERITIES', 'resolve_corruptions', 'check_severities',
           'insert_corruption', 'condition_key', 'primary_metric',
           'summarize', 'corruption_errors', 'mean_corruption_error',
           'robustness_table', 'plot_robustness', 'load_results']

CORRUPTION_GROUPS = {
    'noise': ('gaussian_noise', 'shot_noise', 'impulse_noise'),
    'blur': ('defocus_blur', 'glass_blur', 'motion_blur', 'zoom_blur'),
    'weather': ('snow', 'frost', 'fog', 'brightness'),
    'digital': ('contrast', 'elastic_transform', 'pixelate',
                'jpeg_compression'),
    # the held-out set of ImageNet-C
    'extra': ('speckle_noise', 'gaussian_blur', 'spatter', 'saturate'),
}
BENCHMARK_CORRUPTIONS = sum((CORRUPTION_GROUPS[g] for g in
                             ('noise', 'blur', 'weather', 'digital')), ())
ALL_CORRUPTIONS = BENCHMARK_CORRUPTIONS + CORRUPTION_GROUPS['extra']
SEVERITIES = (1, 2, 3, 4, 5)
# metric key -> (short name, scale of a perfect score)
PRIMARY_METRICS = {'coco/bbox_mAP': ('box AP', 1.0),
                   'coco/segm_mAP': ('mask AP', 1.0),
                   'accuracy/top1': ('top-1', 100.0),
                   'mIoU': ('mIoU', 100.0)}


def resolve_corruptions(names: Sequence[str]) -> List[str]:
    """Expand group names (``benchmark``, ``all``, ``noise``, ``blur``,
    ``weather``, ``digital``, ``extra``) and check every name."""
    groups = dict(CORRUPTION_GROUPS, benchmark=BENCHMARK_CORRUPTIONS,
                  all=ALL_CORRUPTIONS)
    out: List[str] = []
    for name in names:
        expanded = groups.get(name, (name,))
        for corruption in expanded:
            if corruption not in ALL_CORRUPTIONS:
                raise ValueError(
                    f'unknown corruption {name!r}; expected one of '
                    f'{", ".join(ALL_CORRUPTIONS)} or a group: '
                    f'{", ".join(groups)}')
            if corruption not in out:
                out.append(corruption)
    if not out:
        raise ValueError('no corruptions given')
    return out


def check_severities(severities: Sequence[int]) -> List[int]:
    bad = [s for s in severities if s not in SEVERITIES]
    if bad or not severities:
        raise ValueError(f'severities must be in 1..5, got '
                         f'{list(severities)}')
    return sorted(set(severities))


def condition_key(corruption: Optional[str], severity: int = 0) -> str:
    return 'clean' if corruption is None else f'{corruption}/{severity}'


def insert_corruption(pipeline: Sequence[dict], corruption: str,
                      severity: int, seed: int = 0) -> List[dict]:
    """A copy of ``pipeline`` with ``SeededCorrupt`` inserted (the same
    corrupted images on every run and for every model).

    It goes after ``CenterCrop`` when there is one (ImageNet-C corrupts the
    evaluated crop), else right after the image loading step (the
    corrupted-COCO protocol: before resizing).
    """
    pipeline = [dict(t) for t in pipeline]
    types = [str(t.get('type', '')) for t in pipeline]
    crops = [i for i, t in enumerate(types) if t.endswith('CenterCrop')]
    loads = [i for i, t in enumerate(types) if 'LoadImage' in t]
    if not crops and not loads:
        raise ValueError(f'cannot place the corruption: the test pipeline '
                         f'has no image loading step ({types})')
    at = crops[-1] + 1 if crops else loads[0] + 1
    pipeline.insert(at, dict(type='mmgcp.SeededCorrupt', corruption=corruption,
                             severity=severity, seed=seed))
    return pipeline


def primary_metric(metrics: Mapping[str, float]) -> str:
    for key in PRIMARY_METRICS:
        if key in metrics:
            return key
    raise KeyError(f'none of {list(PRIMARY_METRICS)} among the evaluated '
                   f'metrics {sorted(metrics)}; pass the metric key')


def _conditions(results: Mapping[str, Mapping[str, float]]):
    """``{corruption: {severity: metrics}}`` of the corrupted entries."""
    table: Dict[str, Dict[int, Mapping[str, float]]] = {}
    for key, metrics in results.items():
        if key == 'clean':
            continue
        corruption, severity = key.rsplit('/', 1)
        table.setdefault(corruption, {})[int(severity)] = metrics
    return table


def summarize(results: Mapping[str, Mapping[str, float]],
              metric: str) -> dict:
    """clean, mPC, rPC, and the per-corruption / per-severity means."""
    if 'clean' not in results:
        raise KeyError('the results lack the clean evaluation')
    table = _conditions(results)
    if not table:
        raise ValueError('the results have no corrupted evaluation')
    clean = float(results['clean'][metric])
    per_corruption = {c: _mean([m[metric] for m in s.values()])
                      for c, s in table.items()}
    severities = sorted({s for v in table.values() for s in v})
    per_severity = {s: _mean([v[s][metric] for v in table.values()
                              if s in v]) for s in severities}
    mpc = _mean([m[metric] for s in table.values() for m in s.values()])
    return dict(metric=metric, clean=clean, mPC=mpc,
                rPC=mpc / clean if clean > 0 else float('nan'),
                per_corruption=per_corruption, per_severity=per_severity)


def _mean(values: Sequence[float]) -> float:
    values = [float(v) for v in values]
    return sum(values) / len(values) if values else float('nan')


def corruption_errors(results: Mapping[str, Mapping[str, float]],
                      metric: str = 'accuracy/top1') -> Dict[str, Dict]:
    """``{corruption: {severity: error}}``, error = perfect score - metric
    (top-1 error in percent for classifiers)."""
    perfect = PRIMARY_METRICS.get(metric, ('', 100.0))[1]
    return {c: {s: perfect - float(m[metric]) for s, m in sev.items()}
            for c, sev in _conditions(results).items()}


def mean_corruption_error(results: Mapping[str, Mapping[str, float]],
                          baseline: Mapping[str, Mapping[str, float]],
                          metric: str = 'accuracy/top1') -> dict:
    """mCE (percent) of ``results`` relative to ``baseline``, over the
    corruptions and severities both evaluated."""
    errors = corruption_errors(results, metric)
    base = corruption_errors(baseline, metric)
    missing = [f'{c}/{s}' for c, sev in errors.items() for s in sev
               if s not in base.get(c, {})]
    if missing:
        raise KeyError(f'the baseline lacks {len(missing)} of the evaluated '
                       f'conditions (e.g. {missing[:3]}); evaluate it on '
                       'the same corruptions and severities')
    ce = {}
    for corruption, sev in errors.items():
        denominator = sum(base[corruption][s] for s in sev)
        ce[corruption] = 100.0 * sum(sev.values()) / denominator \
            if denominator > 0 else float('nan')
    return dict(mCE=_mean(list(ce.values())), CE=ce)


def robustness_table(runs: Mapping[str, Mapping[str, Mapping[str, float]]],
                     metric: str,
                     baseline: Optional[str] = None) -> str:
    """Markdown table: clean, mPC, rPC (top-1 errors for classifiers, mCE
    against ``baseline``), then one column per corruption (mean over
    severities)."""
    summaries = {label: summarize(r, metric) for label, r in runs.items()}
    corruptions = list(next(iter(summaries.values()))['per_corruption'])
    name = PRIMARY_METRICS.get(metric, (metric, 1.0))[0]
    head = ['run', f'clean {name}', 'mPC', 'rPC']
    classifier = metric == 'accuracy/top1'
    if classifier:
        head += ['clean err', 'corrupted err']
    if baseline is not None:
        head.append(f'mCE vs {baseline}')
    head += corruptions
    lines = ['| ' + ' | '.join(head) + ' |',
             '|' + '---|' * len(head)]
    for label, s in summaries.items():
        row = [label, f'{s["clean"]:.3g}', f'{s["mPC"]:.3g}',
               f'{s["rPC"]:.3f}']
        if classifier:
            row += [f'{100 - s["clean"]:.1f}', f'{100 - s["mPC"]:.1f}']
        if baseline is not None:
            mce = mean_corruption_error(runs[label], runs[baseline], metric)
            row.append(f'{mce["mCE"]:.1f}')
        row += [f'{s["per_corruption"].get(c, float("nan")):.3g}'
                for c in corruptions]
        lines.append('| ' + ' | '.join(row) + ' |')
    return '\n'.join(lines)


def plot_robustness(runs: Mapping[str, Mapping[str, Mapping[str, float]]],
                    metric: str, out: str) -> None:
    """Per-corruption bars (mean over severities, clean as a line) and the
    metric against severity, one colour per run."""
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    summaries = {label: summarize(r, metric) for label, r in runs.items()}
    corruptions = list(next(iter(summaries.values()))['per_corruption'])
    name = PRIMARY_METRICS.get(metric, (metric, 1.0))[0]
    fig, (bars, lines) = plt.subplots(
        1, 2, figsize=(14, 4.2), gridspec_kw=dict(width_ratios=[3, 1]))
    width = 0.8 / len(summaries)
    for index, (label, s) in enumerate(summaries.items()):
        xs = [i + (index - (len(summaries) - 1) / 2) * width
              for i in range(len(corruptions))]
        colour = f'C{index}'
        bars.bar(xs, [s['per_corruption'].get(c, math.nan)
                      for c in corruptions], width, color=colour,
                 label=f'{label}: mPC {s["mPC"]:.3g}, rPC {s["rPC"]:.2f}')
        bars.axhline(s['clean'], color=colour, ls='--', lw=1)
        severities = [0] + list(s['per_severity'])
        lines.plot(severities, [s['clean']] + list(
            s['per_severity'].values()), marker='o', color=colour,
            label=label)
    bars.set_xticks(range(len(corruptions)))
    bars.set_xticklabels(corruptions, rotation=40, ha='right', fontsize=8)
    bars.set_ylabel(f'{name} (mean over severities; dashed: clean)')
    bars.legend(fontsize=8)
    bars.grid(axis='y', alpha=0.3)
    lines.set_xlabel('severity (0 = clean)')
    lines.set_ylabel(f'{name}, mean over corruptions')
    lines.grid(alpha=0.3)
    lines.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(out, dpi=100)
    plt.close(fig)


def load_results(path: str) -> dict:
    """A results JSON written by ``run_corruption_benchmark``."""
    return read_json(path, 'results', dict, 'the robustness JSON')
