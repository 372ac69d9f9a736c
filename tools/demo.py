"""The embedded default job, no downloads needed: mmgcp end to end on CPU.

1. pretrains an iSQRT-COV ResNet-18 classifier on a synthetic texture set
   and exports its backbone (``tools/pretrain_demo.py``);
2. generates the synthetic COCO-format shapes set;
3. fine-tunes a small Mask R-CNN whose GCP_M ResNet-18 backbone starts from
   that export, evaluates it on the synthetic val split with mmdet's
   CocoMetric and prints the COCO table.

Exits non-zero if the box mAP does not clear the bar that shows real
learning. ``--from-scratch`` skips step 1 (random backbone init).

    python tools/demo.py [--work-dir work_dirs/demo] [--resume] [--seed 0]
"""
import argparse
import os.path as osp
import time

from mmengine.config import Config

import mmgcp  # noqa: F401
from mmgcp.datasets import SyntheticCocoSpec, generate_synthetic_coco
from mmgcp.engine import build_runner, set_data_root
from mmgcp.evaluation import format_coco_table
from pretrain_demo import run_pretrain_demo

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
CONFIG = osp.join(ROOT, 'configs', 'demo', 'mask_rcnn_r18_gcp_m_synthetic.py')
MIN_BBOX_MAP = 0.3


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--work-dir', default=osp.join(ROOT, 'work_dirs',
                                                       'demo'))
    parser.add_argument('--data-root',
                        default=osp.join(ROOT, 'data', 'synthetic_coco'))
    parser.add_argument('--resume', action='store_true',
                        help='continue from the last checkpoints in work-dir')
    parser.add_argument('--from-scratch', action='store_true',
                        help='no GCP pretraining: random backbone init')
    parser.add_argument('--seed', type=int, default=0,
                        help='seed of both trainings (the data stay the '
                        'same)')
    return parser.parse_args()


def main():
    args = parse_args()
    start = time.time()
    cfg = Config.fromfile(CONFIG)
    title = 'GCP_M R-18 Mask R-CNN'
    if args.from_scratch:
        title += ' (scratch)'
    else:
        backbone = run_pretrain_demo(
            osp.join(args.work_dir, 'pretrain'),
            osp.join(osp.dirname(args.data_root), 'synthetic_textures'),
            args.resume, args.seed)
        cfg.model.backbone.init_cfg = dict(type='Pretrained',
                                           checkpoint=backbone)
    spec = SyntheticCocoSpec(image_size=cfg.image_size)
    print(f'[demo] synthetic dataset in {args.data_root} '
          f'({spec.num_train} train / {spec.num_val} val images, '
          f'{spec.image_size} px)', flush=True)
    anns = generate_synthetic_coco(args.data_root, spec)
    set_data_root(cfg, args.data_root.rstrip('/') + '/')
    cfg.val_evaluator.ann_file = anns['val']
    cfg.test_evaluator.ann_file = anns['val']
    cfg.work_dir = osp.join(args.work_dir, 'detection')
    cfg.resume = args.resume
    cfg.randomness.seed = args.seed
    print(f'[demo] Mask R-CNN: {cfg.max_iters} iterations, batch '
          f'{cfg.batch_size}; logs and checkpoints in {cfg.work_dir}',
          flush=True)
    runner = build_runner(cfg)
    runner.train()
    # the config validates once at the end of training; reuse those numbers
    hub = runner.message_hub
    metrics = {key[len('val/'):]: buffer.current()
               for key, buffer in hub.log_scalars.items()
               if key.startswith('val/coco/')}
    if not metrics:
        metrics = runner.test()
    print('\n[demo] COCO evaluation on the synthetic val split (%):')
    print(format_coco_table(metrics, title=title))
    bbox_map = metrics['coco/bbox_mAP']
    print(f'\n[demo] finished in {(time.time() - start) / 60:.1f} min; '
          f'bbox mAP {bbox_map:.3f} (bar: > {MIN_BBOX_MAP})')
    if bbox_map <= MIN_BBOX_MAP:
        raise SystemExit('[demo] the detector did not learn enough')


if __name__ == '__main__':
    main()
