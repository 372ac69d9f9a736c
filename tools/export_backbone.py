"""Export a GCP classifier's backbone for the detection configs.

    python tools/export_backbone.py CKPT OUT [--toolbox mmdet|mmseg]

CKPT is a pretraining checkpoint (``work_dirs/.../epoch_N.pth``) or a
converted release. OUT gets the sha256 prefix appended
(``OUT-<sha8>.pth``); point ``model.backbone.init_cfg.checkpoint`` at it.
A MobileNetV2 needs ``--toolbox``: mmdet's and mmseg's MobileNetV2 name
their weights differently.
"""
import argparse

from mmgcp.pretrain.checkpoints import BACKBONE_TOOLBOXES, export_backbone


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('checkpoint')
    parser.add_argument('out')
    parser.add_argument('--toolbox', choices=BACKBONE_TOOLBOXES,
                        help='whose MobileNetV2 the backbone is for')
    args = parser.parse_args()
    try:
        print(export_backbone(args.checkpoint, args.out, args.toolbox))
    except ValueError as err:
        raise SystemExit(f'export_backbone.py: {err}') from None


if __name__ == '__main__':
    main()
