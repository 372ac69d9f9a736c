"""Overlay training curves of several runs (GAP vs GCP, say): PNG + table.

    python tools/analysis/plot_curves.py RUN [RUN ...] [--labels A B ...]
        [--keys loss coco/bbox_mAP] [--x iter|epoch] [--out curves.png]

RUN is a work dir (its newest ``*/vis_data/scalars.json`` is read) or a
``scalars.json`` file. Points are placed at the training iteration they were
logged after, or with ``--x epoch`` (epoch-based runs) at their epoch, the
training scalars averaged over each epoch.
"""
import argparse
import os.path as osp

from mmgcp.analysis import curves_table, load_curves, plot_curves


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('runs', nargs='+')
    parser.add_argument('--labels', nargs='+')
    parser.add_argument('--keys', nargs='+', default=['loss'])
    parser.add_argument('--x', choices=['iter', 'epoch'], default='iter')
    parser.add_argument('--out', default='curves.png')
    args = parser.parse_args()
    labels = args.labels or [osp.basename(osp.normpath(r)) for r in args.runs]
    if len(labels) != len(args.runs):
        parser.error(f'{len(args.runs)} runs but {len(labels)} labels')
    runs = {label: load_curves(run, args.x)
            for label, run in zip(labels, args.runs)}
    plot_curves(runs, args.keys, args.out, args.x)
    print(curves_table(runs, args.keys))
    print(f'plot written to {args.out}')


if __name__ == '__main__':
    main()
