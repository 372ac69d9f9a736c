"""Export a GCP classifier's backbone for the detection configs.

    python tools/export_backbone.py CKPT OUT

CKPT is a pretraining checkpoint (``work_dirs/.../epoch_N.pth``) or a
converted release. OUT gets the sha256 prefix appended
(``OUT-<sha8>.pth``); point ``model.backbone.init_cfg.checkpoint`` at it.
"""
import argparse

from mmgcp.pretrain.checkpoints import export_backbone


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('checkpoint')
    parser.add_argument('out')
    args = parser.parse_args()
    print(export_backbone(args.checkpoint, args.out))


if __name__ == '__main__':
    main()
