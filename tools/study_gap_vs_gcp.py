"""GAP vs iSQRT-COV, a CPU-scale study of the papers' three claims.

Trains a GAP and an iSQRT-COV ResNet-18 on the synthetic texture set with
the same fast schedule (configs/study/), measuring the loss landscape
every 128 iterations, then evaluates both under the 15 corruptions x 5
severities and writes, to the work dir:

- ``convergence.png``: training loss and val top-1 against iteration;
- ``landscape.png``: min-max bands of the loss and gradient change along
  the gradient (Santurkar et al., NeurIPS 2018);
- ``robustness.png``: top-1 per corruption and against severity;
- ``summary.md``: the tables behind the plots.

About 15 minutes on 2 CPU cores. An interrupted study resumes: finished
trainings and evaluations are reused, a cut training resumes from its
last checkpoint.

    python tools/study_gap_vs_gcp.py [--work-dir work_dirs/study]
        [--epochs 30] [--seed N] [--corruptions benchmark]
        [--docs docs/study]
"""
import argparse
import os
import os.path as osp
import shutil
import time

from mmengine.config import Config

import mmgcp  # noqa: F401  (registers the hook and the GCP neck)
from mmgcp.analysis import (curves_table, landscape_table, load_curves,
                            load_landscape, plot_curves, plot_landscape)
from mmgcp.analysis.robustness import plot_robustness, robustness_table
from mmgcp.datasets import SyntheticImagesSpec, generate_synthetic_images
from mmgcp.engine import benchmark_checkpoint, build_runner, set_data_root

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
RUNS = (('GAP', 'resnet18_gap_textures.py'),
        ('iSQRT-COV', 'resnet18_isqrt_textures.py'))
CURVE_KEYS = ('loss', 'accuracy/top1')


def study_config(name: str, label: str, data_root: str, work_dir: str,
                 args) -> Config:
    cfg = Config.fromfile(osp.join(ROOT, 'configs', 'study', name))
    set_data_root(cfg, data_root)
    cfg.work_dir = work_dir
    if args.seed is not None:
        cfg.randomness = dict(seed=args.seed)
    if args.epochs is not None:
        cfg.train_cfg.max_epochs = args.epochs
        cfg.train_cfg.val_interval = min(cfg.train_cfg.val_interval,
                                         args.epochs)
        cfg.default_hooks.checkpoint.interval = min(
            cfg.default_hooks.checkpoint.interval, args.epochs)
    for hook in cfg.custom_hooks:
        if hook.type == 'mmgcp.LandscapeHook':
            hook.label = label
            if args.landscape_interval is not None:
                hook.interval = args.landscape_interval
    return cfg


def train(cfg: Config, label: str) -> str:
    """Train (or resume, or reuse) one run; returns its final checkpoint."""
    final = osp.join(cfg.work_dir, f'epoch_{cfg.train_cfg.max_epochs}.pth')
    if osp.isfile(final):
        print(f'[study] {label}: reusing the finished run {final}')
        return final
    cfg.resume = osp.isfile(osp.join(cfg.work_dir, 'last_checkpoint'))
    print(f'[study] {label}: training{" (resuming)" if cfg.resume else ""}'
          f' in {cfg.work_dir}', flush=True)
    runner = build_runner(cfg)
    runner.train()
    del runner
    return final


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--work-dir', default=osp.join(ROOT, 'work_dirs',
                                                       'study'))
    parser.add_argument('--data-root', default=osp.join(ROOT, 'data',
                                                        'study_textures'))
    parser.add_argument('--epochs', type=int, help='override the schedule '
                        'length (for a quicker look)')
    parser.add_argument('--landscape-interval', type=int)
    parser.add_argument('--seed', type=int, help='seed both trainings '
                        '(unset: a random seed per run)')
    parser.add_argument('--train-per-class', type=int, default=100)
    parser.add_argument('--val-per-class', type=int, default=30)
    parser.add_argument('--corruptions', nargs='+', default=['benchmark'])
    parser.add_argument('--severities', nargs='+', type=int,
                        default=[1, 2, 3, 4, 5])
    parser.add_argument('--docs', help='also copy the plots and summary '
                        'here (e.g. docs/study)')
    args = parser.parse_args()
    start = time.time()
    spec = SyntheticImagesSpec(num_classes=10,
                               train_per_class=args.train_per_class,
                               val_per_class=args.val_per_class)
    generate_synthetic_images(args.data_root, spec)
    print(f'[study] {spec.num_classes} texture classes, '
          f'{spec.train_per_class} train / {spec.val_per_class} val images '
          f'each ({spec.image_size} px) in {args.data_root}', flush=True)

    results, curves, landscapes = {}, {}, {}
    for label, name in RUNS:
        work_dir = osp.join(args.work_dir, name[:-3])
        cfg = study_config(name, label, args.data_root, work_dir, args)
        checkpoint = train(cfg, label)
        curves[label] = load_curves(work_dir)
        landscapes[label] = load_landscape(
            osp.join(work_dir, 'landscape.json'))['records']
        print(f'[study] {label}: corruption benchmark', flush=True)
        cfg.work_dir = osp.join(work_dir, 'robustness')
        results[label] = benchmark_checkpoint(
            cfg, checkpoint, args.corruptions, args.severities,
            osp.join(work_dir, 'robustness.json'),
            config_name=osp.join(ROOT, 'configs', 'study', name))['results']

    out = args.work_dir
    plot_curves(curves, CURVE_KEYS, osp.join(out, 'convergence.png'))
    plot_landscape(landscapes, osp.join(out, 'landscape.png'))
    plot_robustness(results, 'accuracy/top1', osp.join(out,
                                                       'robustness.png'))
    baseline = RUNS[0][0]
    summary = '\n\n'.join([
        '## Convergence\n\n```\n' + curves_table(curves, CURVE_KEYS) +
        '\n```',
        '## Loss landscape (mean over measurements)\n\n```\n' +
        landscape_table(landscapes) + '\n```',
        f'## Robustness (top-1 %, mCE relative to {baseline})\n\n' +
        robustness_table(results, 'accuracy/top1', baseline)]) + '\n'
    with open(osp.join(out, 'summary.md'), 'w') as f:
        f.write(summary)
    print('\n' + summary)
    files = ['convergence.png', 'landscape.png', 'robustness.png',
             'summary.md']
    if args.docs:
        os.makedirs(args.docs, exist_ok=True)
        for name in files:
            shutil.copy(osp.join(out, name), osp.join(args.docs, name))
    print(f'[study] done in {(time.time() - start) / 60:.1f} min; plots and '
          f'summary in {args.docs or out}')


if __name__ == '__main__':
    main()
