"""Convert an officially released GCP checkpoint to mmgcp's layout.

    python tools/convert_official.py SRC OUT [--backbone]

Recognises the GCP_Optimization/DropCov, fast-MPN-COV model-zoo and
fast-MPN-COV training layouts, reports what it renamed and dropped, and
writes a classifier checkpoint (``meta`` + ``state_dict``) that
``GCPClassifier`` loads strictly. With ``--backbone`` it writes the
backbone-only file for the detection configs instead (sha256 in its name).
Files are read with ``weights_only=True``.
"""
import argparse
import os
import os.path as osp
import tempfile

import torch

from mmgcp.engine import safe_torch_load
from mmgcp.pretrain.checkpoints import convert_official, export_backbone


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('src')
    parser.add_argument('out')
    parser.add_argument('--backbone', action='store_true',
                        help='write the GCPResNet backbone file instead')
    args = parser.parse_args()
    if not osp.isfile(args.src):
        raise FileNotFoundError(f'{args.src} does not exist')
    converted, report = convert_official(
        safe_torch_load(args.src, map_location='cpu'), args.src)
    for line in report:
        print(line)
    if not args.backbone:
        os.makedirs(osp.dirname(osp.abspath(args.out)), exist_ok=True)
        torch.save(converted, args.out)
        print(f'classifier checkpoint written to {args.out}')
        return
    with tempfile.TemporaryDirectory() as tmp:
        classifier = osp.join(tmp, 'classifier.pth')
        torch.save(converted, classifier)
        print(f'backbone written to {export_backbone(classifier, args.out)}')


if __name__ == '__main__':
    main()
