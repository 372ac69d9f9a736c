"""A deterministic synthetic semantic segmentation set (mmseg layout).

The shapes of :mod:`synthetic_coco`, rendered as label maps: 0 is the
background, 1..3 the shape classes. Writes ``<root>/images/{train,val}/*.png``
and ``<root>/labels/{train,val}/*.png`` (same file names).
"""
import os
import os.path as osp
from typing import Dict

import cv2
import numpy as np

from ._marker import is_generated, mark_generated
from .coco import SYNTHETIC_CLASSES, SyntheticCocoSpec, _make_image

__all__ = ['SEG_CLASSES', 'generate_synthetic_seg']

SEG_CLASSES = ('background', ) + SYNTHETIC_CLASSES


def generate_synthetic_seg(root: str,
                           spec: SyntheticCocoSpec = SyntheticCocoSpec()
                           ) -> Dict[str, Dict[str, str]]:
    """Write the set under ``root`` (reused when already complete).

    Returns:
        dict: split -> {'img': images folder, 'seg': labels folder}.
    """
    splits = {'train': spec.num_train, 'val': spec.num_val}
    folders = {s: dict(img=osp.join(root, 'images', s),
                       seg=osp.join(root, 'labels', s)) for s in splits}
    if is_generated(root, spec):
        return folders
    for offset, (split, num) in enumerate(splits.items()):
        rng = np.random.default_rng(spec.seed * 1000 + 500 + offset)
        for folder in folders[split].values():
            os.makedirs(folder, exist_ok=True)
        for i in range(num):
            img, instances = _make_image(rng, spec)
            label = np.zeros(img.shape[:2], np.uint8)
            for inst in instances:
                poly = np.array(inst['segmentation'][0]).reshape(-1, 2)
                cv2.fillPoly(label, [np.round(poly).astype(np.int32)],
                             inst['category_id'])
            name = f'{i:06d}.png'
            cv2.imwrite(osp.join(folders[split]['img'], name), img[..., ::-1])
            cv2.imwrite(osp.join(folders[split]['seg'], name), label)
    mark_generated(root, spec)  # last: marks a complete set
    return folders
