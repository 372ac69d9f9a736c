"""The embedded pretraining job, no downloads needed.

Generates the synthetic texture set, pretrains an iSQRT-COV ResNet-18 on it
on CPU with mmpretrain's classifier on mmengine's Runner, reports
top-1/top-5 and exports the backbone for ``GCPResNet`` (what the detection
configs load).

    python tools/pretrain_demo.py [--work-dir work_dirs/pretrain_demo]
        [--resume] [--seed 0]
"""
import argparse
import glob
import os.path as osp
import time

from mmengine.config import Config

import mmgcp.pretrain  # noqa: F401
from mmgcp.datasets import SyntheticImagesSpec, generate_synthetic_images
from mmgcp.engine import build_runner, set_data_root
from mmgcp.pretrain import export_backbone

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
CONFIG = osp.join(ROOT, 'configs', 'pretrain', 'demo',
                  'resnet18-isqrt-d64_synthetic-textures.py')


def run_pretrain_demo(work_dir: str, data_root: str,
                      resume: bool = False, seed: int = 0) -> str:
    """Pretrain on the synthetic textures and export the backbone.

    ``seed`` seeds the run (weights, sampling, augmentation); the data are
    the same for every seed.

    Returns:
        str: the exported backbone file (reused if a previous run finished).
    """
    done = sorted(glob.glob(osp.join(work_dir,
                                     'gcp_resnet18_synthetic-*.pth')))
    if done:
        print(f'[pretrain] reusing the exported backbone {done[-1]}')
        return done[-1]
    start = time.time()
    cfg = Config.fromfile(CONFIG)
    spec = SyntheticImagesSpec(num_classes=cfg.num_classes)
    generate_synthetic_images(data_root, spec)
    print(f'[pretrain] {spec.num_classes} texture classes, '
          f'{spec.train_per_class} train / {spec.val_per_class} val images '
          f'each, in {data_root}', flush=True)
    set_data_root(cfg, data_root)
    cfg.work_dir = work_dir
    cfg.resume = resume
    cfg.randomness.seed = seed
    runner = build_runner(cfg)
    runner.train()
    hub = runner.message_hub
    top1 = hub.get_scalar('val/accuracy/top1').current()
    top5 = hub.get_scalar('val/accuracy/top5').current()
    last = sorted(glob.glob(osp.join(work_dir, 'epoch_*.pth')),
                  key=lambda p: int(p.rsplit('_', 1)[1][:-4]))[-1]
    backbone = export_backbone(last, osp.join(work_dir,
                                              'gcp_resnet18_synthetic'))
    print(f'\n[pretrain] top-1 {top1:.1f}%  top-5 {top5:.1f}% '
          f'(chance {100 / spec.num_classes:.0f}%) after '
          f'{(time.time() - start) / 60:.1f} min')
    print(f'[pretrain] backbone for the detection configs: {backbone}')
    return backbone


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--work-dir',
                        default=osp.join(ROOT, 'work_dirs', 'pretrain_demo'))
    parser.add_argument('--data-root',
                        default=osp.join(ROOT, 'data', 'synthetic_textures'))
    parser.add_argument('--resume', action='store_true')
    parser.add_argument('--seed', type=int, default=0)
    args = parser.parse_args()
    run_pretrain_demo(args.work_dir, args.data_root, args.resume, args.seed)


if __name__ == '__main__':
    main()
