"""Evaluate a checkpoint with the config's evaluator (COCO bbox/segm AP for
detection configs, mIoU for segmentation configs).

    python tools/test.py CONFIG CHECKPOINT [--work-dir DIR] [--out RESULTS.pkl]
        [--cfg-options KEY=VALUE ...]
    tools/dist_test.sh CONFIG CHECKPOINT GPUS [same options]

CHECKPOINT must hold exactly the model's weights (a classifier or backbone
file, or another config's checkpoint, is refused with the keys that differ),
and the COCO annotation files are checked before evaluation starts.
The metrics are also written to ``<work-dir>/test_metrics.json`` for
``tools/analysis/compare_paper.py``.
"""
import argparse
import json
import os
import os.path as osp

from mmengine.config import DictAction
from mmengine.dist import is_main_process

import mmgcp  # noqa: F401  (registers GCPResNet, safe checkpoint loading)
from mmgcp.checkpoint import CheckpointError
from mmgcp.datasets import AnnotationFileError
from mmgcp.engine import (build_runner, distributed_session,
                          drop_backbone_init, load_run_config)


def parse_args():
    parser = argparse.ArgumentParser(description='Test (and eval) a model')
    parser.add_argument('config', help='test config file path')
    parser.add_argument('checkpoint', help='checkpoint file')
    parser.add_argument('--work-dir', help='where logs and metrics go')
    parser.add_argument('--out', help='dump raw predictions to this .pkl')
    parser.add_argument(
        '--cfg-options', nargs='+', action=DictAction,
        help='override config keys, e.g. test_dataloader.batch_size=4')
    parser.add_argument('--launcher', default='none',
                        choices=['none', 'pytorch', 'slurm', 'mpi'])
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)
    args = parser.parse_args()
    os.environ.setdefault('LOCAL_RANK', str(args.local_rank))
    return args


def main():
    args = parse_args()
    if not osp.isfile(args.checkpoint):
        raise FileNotFoundError(
            f'checkpoint file {args.checkpoint} does not exist')
    cfg = load_run_config(args.config, args.launcher, args.cfg_options,
                          args.work_dir)
    cfg.load_from = args.checkpoint
    drop_backbone_init(cfg)
    if args.out is not None:
        if cfg.get('default_scope') != 'mmdet':
            raise ValueError('--out dumps detection results; for other tasks '
                             'use the evaluator options of the config')
        if not args.out.endswith(('.pkl', '.pickle')):
            raise ValueError('--out must be a .pkl or .pickle file')
        cfg.test_evaluator = [cfg.test_evaluator] if isinstance(
            cfg.test_evaluator, dict) else list(cfg.test_evaluator)
        cfg.test_evaluator.append(
            dict(type='DumpDetResults', out_file_path=args.out))
    with distributed_session(cfg):
        try:
            runner = build_runner(cfg, loops=('test', ))
        except (CheckpointError, AnnotationFileError) as err:
            raise SystemExit(f'test.py: {err}') from None
        metrics = runner.test()
        if is_main_process():
            out = osp.join(cfg.work_dir, 'test_metrics.json')
            with open(out, 'w') as f:
                # numpy scalars (mmseg's metrics) -> plain numbers
                json.dump(dict(config=args.config, checkpoint=args.checkpoint,
                               metrics=metrics), f, indent=2,
                          default=lambda o: o.item() if hasattr(o, 'item')
                          else str(o))
            print(f'metrics written to {out}')
        del runner  # before the process group goes (see distributed_session)


if __name__ == '__main__':
    main()
