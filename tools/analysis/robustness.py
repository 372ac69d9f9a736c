"""Robustness to common corruptions (corrupted COCO / ImageNet-C style).

Evaluate one checkpoint clean and under every corruption and severity
(``imagecorruptions``: 15 benchmark corruptions x 5 severities by default)
through the config's test loop; results go to JSON as they come (a rerun
resumes):

    python tools/analysis/robustness.py run CONFIG CHECKPOINT --out r.json
        [--corruptions benchmark|all|noise|blur|weather|digital|NAME ...]
        [--severities 1 2 3 4 5] [--work-dir DIR] [--cfg-options K=V ...]

Compare runs: mPC and rPC (detectors), top-1 error and mCE relative to a
baseline run (classifiers), per-corruption table and PNG:

    python tools/analysis/robustness.py report gap.json gcp.json
        [--labels GAP GCP] [--baseline GAP] [--metric coco/bbox_mAP]
        [--out robustness.png]
"""
import argparse
import os.path as osp

from mmengine.config import DictAction

import mmgcp  # noqa: F401  (registers the models)
from mmgcp.analysis.robustness import (load_results, plot_robustness,
                                       primary_metric, robustness_table,
                                       summarize)
from mmgcp.engine import benchmark_checkpoint, load_run_config


def run(args) -> None:
    cfg = load_run_config(args.config, cfg_options=args.cfg_options,
                          work_dir=args.work_dir)
    data = benchmark_checkpoint(cfg, args.checkpoint, args.corruptions,
                                args.severities, args.out, args.config)
    results = data['results']
    metric = primary_metric(results['clean'])
    s = summarize(results, metric)
    print(f'{metric}: clean {s["clean"]:.4g}  mPC {s["mPC"]:.4g}  '
          f'rPC {s["rPC"]:.3f}  ({len(results) - 1} corrupted evaluations) '
          f'-> {args.out}')


def report(args) -> None:
    files = [load_results(path) for path in args.results]
    labels = args.labels or [osp.splitext(osp.basename(p))[0]
                             for p in args.results]
    if len(labels) != len(files) or len(set(labels)) != len(labels):
        raise SystemExit(f'need one distinct label per results file, got '
                         f'{labels} for {len(files)} files')
    runs = {label: f['results'] for label, f in zip(labels, files)}
    if args.baseline is not None and args.baseline not in runs:
        raise SystemExit(f'--baseline {args.baseline!r} is not one of the '
                         f'labels {labels}')
    metric = args.metric or primary_metric(next(iter(runs.values()))
                                           ['clean'])
    for label, results in runs.items():
        if metric not in results.get('clean', {}):
            raise SystemExit(f'{label}: no clean {metric!r} evaluation')
    table = robustness_table(runs, metric, args.baseline)
    plot_robustness(runs, metric, args.out)
    print(table)
    print(f'plot written to {args.out}')


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    sub = parser.add_subparsers(dest='command', required=True)
    r = sub.add_parser('run', help='evaluate one checkpoint')
    r.add_argument('config')
    r.add_argument('checkpoint')
    r.add_argument('--out', required=True, help='results JSON')
    r.add_argument('--corruptions', nargs='+', default=['benchmark'])
    r.add_argument('--severities', nargs='+', type=int,
                   default=[1, 2, 3, 4, 5])
    r.add_argument('--work-dir')
    r.add_argument('--cfg-options', nargs='+', action=DictAction)
    p = sub.add_parser('report', help='compare evaluated runs')
    p.add_argument('results', nargs='+', help='results JSON files')
    p.add_argument('--labels', nargs='+')
    p.add_argument('--baseline', help='label of the mCE reference run')
    p.add_argument('--metric', help='metric key (default: box AP, top-1 '
                   'or mIoU, whichever was evaluated)')
    p.add_argument('--out', default='robustness.png')
    args = parser.parse_args()
    run(args) if args.command == 'run' else report(args)


if __name__ == '__main__':
    main()
