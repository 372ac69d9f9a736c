"""Train with mmgcp's backbones: detection, segmentation or pretraining
configs alike (the task comes from the config).

    python tools/train.py CONFIG [--work-dir DIR] [--resume [CKPT]] [--amp]
        [--auto-scale-lr] [--cfg-options KEY=VALUE ...]
    tools/dist_train.sh CONFIG GPUS [same options]

Before the first iteration the checkpoint of ``load_from`` or ``--resume``
must hold exactly the model's weights (``--partial-load`` allows a partial
``load_from`` for fine-tuning) and the COCO annotation files are checked;
either problem stops the run with one line.
"""
import argparse
import os
import os.path as osp

from mmengine.config import DictAction

import mmgcp  # noqa: F401  (registers GCPResNet, safe checkpoint loading)
from mmgcp.checkpoint import CheckpointError
from mmgcp.datasets import AnnotationFileError
from mmgcp.engine import build_runner, distributed_session, load_run_config


def parse_args():
    parser = argparse.ArgumentParser(description='Train a model')
    parser.add_argument('config', help='train config file path')
    parser.add_argument('--work-dir', help='where logs and checkpoints go '
                        '(default: work_dirs/<config name>)')
    parser.add_argument('--amp', action='store_true',
                        help='automatic mixed precision training')
    parser.add_argument('--auto-scale-lr', action='store_true',
                        help='scale the lr by the actual total batch size')
    parser.add_argument(
        '--resume', nargs='?', type=str, const='auto',
        help='resume from CKPT, or from the latest checkpoint in the work '
        'dir when no path is given')
    parser.add_argument(
        '--partial-load', action='store_true',
        help='let load_from miss or add weights (fine-tuning from a partial '
        'checkpoint); same as partial_load = True in the config')
    parser.add_argument(
        '--cfg-options', nargs='+', action=DictAction,
        help='override config keys, e.g. train_dataloader.batch_size=4')
    parser.add_argument('--launcher', default='none',
                        choices=['none', 'pytorch', 'slurm', 'mpi'])
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)
    args = parser.parse_args()
    os.environ.setdefault('LOCAL_RANK', str(args.local_rank))
    return args


def main():
    args = parse_args()
    cfg = load_run_config(args.config, args.launcher, args.cfg_options,
                          args.work_dir)
    if args.amp:
        cfg.optim_wrapper.type = 'AmpOptimWrapper'
        cfg.optim_wrapper.loss_scale = 'dynamic'
    if args.auto_scale_lr:
        if 'auto_scale_lr' not in cfg or \
                'base_batch_size' not in cfg.auto_scale_lr:
            raise KeyError('--auto-scale-lr needs auto_scale_lr.'
                           'base_batch_size in the config')
        cfg.auto_scale_lr.enable = True
    if args.partial_load:
        cfg.partial_load = True
    if args.resume == 'auto':
        cfg.resume = True
        cfg.load_from = None
    elif args.resume is not None:
        if not osp.isfile(args.resume):
            raise FileNotFoundError(f'--resume checkpoint {args.resume} '
                                    'does not exist')
        cfg.resume = True
        cfg.load_from = args.resume
    with distributed_session(cfg):
        try:
            runner = build_runner(cfg, loops=('train', 'val'))
        except (CheckpointError, AnnotationFileError) as err:
            raise SystemExit(f'train.py: {err}') from None
        runner.train()
        del runner  # before the process group goes (see distributed_session)


if __name__ == '__main__':
    main()
