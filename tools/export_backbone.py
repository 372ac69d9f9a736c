"""Export a classifier's backbone for the detection and segmentation
configs.

    python tools/export_backbone.py CKPT OUT [--toolbox mmdet|mmseg|mmpretrain]

CKPT is a pretraining checkpoint (``work_dirs/.../epoch_N.pth``) or a
converted release. OUT gets the sha256 prefix appended
(``OUT-<sha8>.pth``); point ``model.backbone.init_cfg.checkpoint`` at it.
A ResNet's weights are for ``GCPResNet``, a Swin-T's for mmdet's and
mmseg's ``SwinTransformer``; a MobileNetV2 or ShuffleNetV2 needs
``--toolbox``: the toolboxes name their weights differently.
"""
import argparse

from mmgcp.pretrain.checkpoints import BACKBONE_TOOLBOXES, export_backbone


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('checkpoint')
    parser.add_argument('out')
    parser.add_argument('--toolbox', choices=BACKBONE_TOOLBOXES,
                        help='whose MobileNetV2 / ShuffleNetV2 the backbone '
                        'is for')
    args = parser.parse_args()
    try:
        print(export_backbone(args.checkpoint, args.out, args.toolbox))
    except (ValueError, FileNotFoundError) as err:
        raise SystemExit(f'export_backbone.py: {err}') from None


if __name__ == '__main__':
    main()
