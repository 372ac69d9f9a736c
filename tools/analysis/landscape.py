"""Loss-landscape smoothness along the gradient: measure, then plot.

Measure saved checkpoints of one run (each becomes a point at the
iteration it was saved at), on the same training batches for all; writes
the JSON and a PNG of this run next to it:

    python tools/analysis/landscape.py measure CONFIG CKPT [CKPT ...]
        --out gcp.json [--label GCP] [--protocol resnet|mobilenet_v2]
        [--eta A B] [--steps 50] [--batches 1] [--split backbone.maxpool]
        [--cfg-options K=V ...]

The protocol gives the papers' step sizes (ResNet: eta in [0.1, 75];
MobileNetV2: [0.045, 1.5]); the network is split after the stem's max-pool
or, without one (MobileNetV2), after the first stride-2 conv block. During
training, add the hook instead (records go to the work dir; ResNet: every
500 iterations, MobileNetV2: every 1000):

    custom_hooks = [dict(type='mmgcp.LandscapeHook', protocol='mobilenet_v2')]

Overlay several runs (GAP vs GCP) as min-max bands, PNG + table:

    python tools/analysis/landscape.py plot gap.json gcp.json
        [--labels GAP GCP] [--out landscape.png]
"""
import argparse
import itertools
import os.path as osp

import torch
from mmengine.config import DictAction
from mmengine.runner import Runner

import mmgcp  # noqa: F401  (registers the models and the hook)
from mmgcp.analysis import (LANDSCAPE_PROTOCOLS, landscape_etas,
                            landscape_protocol, landscape_table,
                            load_landscape, measure_landscape, plot_landscape,
                            save_landscape)
from mmgcp.checkpoint import load_matching_checkpoint
from mmgcp.engine import build_model, load_run_config


def measure(args) -> None:
    eta = args.eta or landscape_protocol(args.protocol)['eta_range']
    etas = landscape_etas(eta[0], eta[1], args.steps)
    if args.batches < 1:
        raise ValueError(f'--batches must be >= 1, got {args.batches}')
    for path in args.checkpoints:
        if not osp.isfile(path):
            raise FileNotFoundError(f'checkpoint file {path} does not exist')
    cfg = load_run_config(args.config, cfg_options=args.cfg_options)
    model = build_model(cfg)
    loader = Runner.build_dataloader(cfg.train_dataloader, seed=args.seed)
    batches = list(itertools.islice(iter(loader), args.batches))
    if not batches:
        raise ValueError(f'{args.config}: the training set is empty; the '
                         'landscape is measured on training batches')
    records = []
    for index, path in enumerate(args.checkpoints):
        meta = load_matching_checkpoint(model, path, args.config)
        model.train()
        per_batch = [measure_landscape(model, batch, etas, args.split,
                                       args.seed) for batch in batches]
        record = {key: [sum(v) / len(v) for v in zip(*(
            b[key] for b in per_batch))] for key in ('loss', 'grad_change')}
        record.update(eta=etas, iter=int(meta.get('iter', index)),
                      checkpoint=path,
                      loss0=sum(b['loss0'] for b in per_batch) / len(batches))
        records.append(record)
        print(f'[{index + 1}/{len(args.checkpoints)}] {path} (iter '
              f'{record["iter"]}): loss {min(record["loss"]):.4f}..'
              f'{max(record["loss"]):.4f}, max grad change '
              f'{max(record["grad_change"]):.4g}', flush=True)
    label = args.label or osp.splitext(osp.basename(args.config))[0]
    save_landscape(args.out, label, records,
                   meta=dict(config=args.config, batches=args.batches,
                             split=args.split, seed=args.seed,
                             protocol=args.protocol, eta=list(eta)))
    png = osp.splitext(args.out)[0] + '.png'
    plot_landscape({label: records}, png)
    print(f'written to {args.out} and {png}')


def plot(args) -> None:
    runs = [load_landscape(path) for path in args.runs]
    labels = args.labels or [run['label'] for run in runs]
    if len(labels) != len(runs):
        raise SystemExit(f'{len(runs)} runs but {len(labels)} labels')
    if len(set(labels)) != len(labels):
        raise SystemExit(f'run labels must differ, got {labels}; pass '
                         '--labels')
    by_label = {label: run['records'] for label, run in zip(labels, runs)}
    plot_landscape(by_label, args.out)
    print(landscape_table(by_label))
    print(f'plot written to {args.out}')


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    sub = parser.add_subparsers(dest='command', required=True)
    m = sub.add_parser('measure', help='measure saved checkpoints')
    m.add_argument('config')
    m.add_argument('checkpoints', nargs='+')
    m.add_argument('--out', required=True, help='JSON to write')
    m.add_argument('--label', help='run name (default: the config name)')
    m.add_argument('--protocol', choices=list(LANDSCAPE_PROTOCOLS),
                   default='resnet', help="the papers' step sizes")
    m.add_argument('--eta', nargs=2, type=float, metavar=('A', 'B'),
                   help='step sizes (default: the protocol\'s)')
    m.add_argument('--steps', type=int, default=50)
    m.add_argument('--batches', type=int, default=1,
                   help='training batches to average over')
    m.add_argument('--split', help='stem-output module (default: the first '
                   '*maxpool, else the first stride-2 conv block)')
    m.add_argument('--seed', type=int, default=0)
    m.add_argument('--cfg-options', nargs='+', action=DictAction)
    p = sub.add_parser('plot', help='overlay measured runs')
    p.add_argument('runs', nargs='+', help='landscape JSON files')
    p.add_argument('--labels', nargs='+')
    p.add_argument('--out', default='landscape.png')
    args = parser.parse_args()
    torch.set_grad_enabled(True)
    measure(args) if args.command == 'measure' else plot(args)


if __name__ == '__main__':
    main()
