"""Convert an officially released GCP checkpoint to mmgcp's layout.

    python tools/convert_official.py SRC OUT [--backbone] [--zoo-name NAME]
        [--ema]
    python tools/convert_official.py --download NAME OUT [--backbone]
    python tools/convert_official.py --list

Recognises the GCP_Optimization/DropCov (ResNet, MobileNetV2 and
ShuffleNetV2), fast-MPN-COV model-zoo and fast-MPN-COV training layouts, the
DropCov DeiT-S / T2T-ViT-14 (timm) files (``--ema``: their EMA weights) and
the MindSpore ``.ckpt`` releases (read without MindSpore), reports what it
renamed and dropped, and writes a classifier checkpoint (``meta`` +
``state_dict``) in the keys of the pretraining configs (mmpretrain's
``ImageClassifier``: ``backbone.``, ``neck.``, ``head.``); the report names
the config that builds it. With ``--backbone`` it writes the backbone-only
file for dense tasks instead (sha256 in its name): a ResNet's for
``GCPResNet``, a MobileNetV2's or ShuffleNetV2's for the backbone of
``--toolbox``. ``--zoo-name`` (implied by ``--download``) adds the model-zoo
metadata and checks the file is that model. The converted tensors must be
exactly those (names and shapes) of the model the named config builds: a
file cut short, or of another model, is refused and nothing is written.
PyTorch files are read with ``weights_only=True``, MindSpore files parsed
as protobuf messages.
"""
import argparse
import os.path as osp
import tempfile

import torch

from mmgcp.checkpoint import CheckpointError, save_checkpoint
from mmgcp.pretrain import (DownloadError, convert_release,
                            download_checkpoint, export_backbone, zoo_entry,
                            zoo_markdown)
from mmgcp.pretrain.checkpoints import BACKBONE_TOOLBOXES

CACHE = osp.join(osp.expanduser('~'), '.cache', 'mmgcp')


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('src', nargs='?', help='released checkpoint file')
    parser.add_argument('out', nargs='?')
    parser.add_argument('--backbone', action='store_true',
                        help='write the backbone file instead')
    parser.add_argument('--toolbox', choices=BACKBONE_TOOLBOXES,
                        help='with --backbone: whose MobileNetV2 or '
                        'ShuffleNetV2 it is for')
    parser.add_argument('--zoo-name', help='the model-zoo entry SRC is')
    parser.add_argument('--ema', action='store_true',
                        help="convert a timm checkpoint's EMA weights "
                        '(state_dict_ema)')
    parser.add_argument('--download', metavar='NAME',
                        help='fetch model-zoo entry NAME (direct links only)')
    parser.add_argument('--cache-dir', default=CACHE)
    parser.add_argument('--list', action='store_true',
                        help='print the model-zoo table')
    args = parser.parse_args()
    if args.list:
        print(zoo_markdown())
        return
    if args.download:
        entry = zoo_entry(args.download)
        if entry.url is None:
            raise SystemExit(f'{entry.name} has no direct download; get it '
                             f'by hand from {entry.page}, then run\n  python '
                             f'tools/convert_official.py FILE OUT '
                             f'--zoo-name {entry.name}')
        args.out = args.out or args.src
        try:
            args.src = download_checkpoint(entry.url, args.cache_dir)
        except DownloadError as err:
            raise SystemExit(f'convert_official.py: {err}') from None
        args.zoo_name = entry.name
    if not args.src or not args.out:
        parser.error('SRC and OUT are required (or --download NAME OUT)')
    if not osp.isfile(args.src):
        raise FileNotFoundError(f'{args.src} does not exist')
    try:
        converted, report = convert_release(args.src, args.zoo_name,
                                            args.ema)
    except (CheckpointError, KeyError) as err:
        raise SystemExit(f'convert_official.py: {err}; nothing written'
                         ) from None
    for line in report:
        print(line)
    if not args.backbone:
        save_checkpoint(converted, args.out)
        print(f'classifier checkpoint written to {args.out}')
        return
    with tempfile.TemporaryDirectory() as tmp:
        classifier = osp.join(tmp, 'classifier.pth')
        torch.save(converted, classifier)
        try:
            path = export_backbone(classifier, args.out, args.toolbox)
        except ValueError as err:
            raise SystemExit(f'convert_official.py: {err}') from None
        print(f'backbone written to {path}')


if __name__ == '__main__':
    main()
