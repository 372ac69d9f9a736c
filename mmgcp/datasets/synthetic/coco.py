"""A deterministic synthetic instance-segmentation set in COCO format.

Images of textured shapes on a textured background, with one instance per
shape: boxes, polygon masks, ``train``/``val`` splits as real image files
plus ``annotations/instances_<split>.json``. Shapes never overlap, so every
polygon is the instance's full visible mask.
"""
import json
import math
import os
import os.path as osp
from dataclasses import dataclass
from typing import Dict, List, Optional, Tuple

import cv2
import numpy as np

from ...utils import atomic_write

__all__ = ['SYNTHETIC_CLASSES', 'SyntheticCocoSpec', 'generate_synthetic_coco',
           'synthetic_is_complete']

SYNTHETIC_CLASSES = ('square', 'disk', 'triangle')


@dataclass(frozen=True)
class SyntheticCocoSpec:
    """What to generate.

    Args:
        num_train (int): training images.
        num_val (int): validation images.
        image_size (int): square image side in pixels.
        min_objects (int): fewest shapes per image.
        max_objects (int): most shapes per image.
        min_size (float): smallest shape size as a fraction of the side.
        max_size (float): largest shape size as a fraction of the side.
        seed (int): everything is a function of this seed.
    """
    num_train: int = 300
    num_val: int = 50
    image_size: int = 256
    min_objects: int = 1
    max_objects: int = 3
    min_size: float = 0.18
    max_size: float = 0.4
    seed: int = 0

    def __post_init__(self) -> None:
        if self.num_train < 1 or self.num_val < 1:
            raise ValueError('num_train and num_val must be >= 1')
        if not 1 <= self.min_objects <= self.max_objects:
            raise ValueError('need 1 <= min_objects <= max_objects')
        if not 0 < self.min_size <= self.max_size < 1:
            raise ValueError('need 0 < min_size <= max_size < 1')
        if self.image_size < 32:
            raise ValueError('image_size must be >= 32')


def _texture(rng: np.random.Generator, size: int,
             base: np.ndarray) -> np.ndarray:
    """A random striped/checkered texture around colour ``base``."""
    yy, xx = np.mgrid[0:size, 0:size].astype(np.float32)
    angle = rng.uniform(0, math.pi)
    period = rng.uniform(4, 12)
    phase = xx * math.cos(angle) + yy * math.sin(angle)
    if rng.random() < 0.5:
        pattern = np.sin(2 * math.pi * phase / period)
    else:
        other = -xx * math.sin(angle) + yy * math.cos(angle)
        pattern = np.sign(np.sin(2 * math.pi * phase / period) *
                          np.sin(2 * math.pi * other / period))
    amp = rng.uniform(15, 45)
    img = base[None, None, :] + amp * pattern[..., None]
    img += rng.normal(0, 8, size=(size, size, 3))
    return img


def _shape_polygon(label: int, cx: float, cy: float, r: float,
                   rng: np.random.Generator) -> np.ndarray:
    angle = rng.uniform(0, 2 * math.pi)
    if SYNTHETIC_CLASSES[label] == 'disk':
        n, rx, ry = 32, r, r * rng.uniform(0.75, 1.0)
    else:
        n = 4 if SYNTHETIC_CLASSES[label] == 'square' else 3
        rx = ry = r
    t = angle + 2 * math.pi * np.arange(n) / n
    pts = np.stack([cx + rx * np.cos(t), cy + ry * np.sin(t)], axis=1)
    return pts.astype(np.float32)


def _place(rng: np.random.Generator, spec: SyntheticCocoSpec,
           boxes: List[Tuple[float, float, float, float]]
           ) -> Optional[Tuple[float, float, float]]:
    side = spec.image_size
    for _ in range(50):
        r = rng.uniform(spec.min_size, spec.max_size) * side / 2
        cx, cy = rng.uniform(r + 1, side - r - 1, size=2)
        box = (cx - r, cy - r, cx + r, cy + r)
        if all(box[2] + 2 < b[0] or b[2] + 2 < box[0] or box[3] + 2 < b[1]
               or b[3] + 2 < box[1] for b in boxes):
            boxes.append(box)
            return cx, cy, r
    return None


def _make_image(rng: np.random.Generator, spec: SyntheticCocoSpec
                ) -> Tuple[np.ndarray, List[Dict]]:
    side = spec.image_size
    img = _texture(rng, side, rng.uniform(60, 200, size=3))
    instances, boxes = [], []
    for _ in range(rng.integers(spec.min_objects, spec.max_objects + 1)):
        placed = _place(rng, spec, boxes)
        if placed is None:
            continue
        label = int(rng.integers(len(SYNTHETIC_CLASSES)))
        poly = _shape_polygon(label, *placed, rng)
        mask = np.zeros((side, side), np.uint8)
        cv2.fillPoly(mask, [np.round(poly).astype(np.int32)], 1)
        if mask.sum() < 16:
            continue
        # class colour hints plus a texture of its own
        base = np.array([(60, 200, 90), (200, 80, 60), (70, 90, 210)][label],
                        np.float32) + rng.normal(0, 25, size=3)
        tex = _texture(rng, side, base)
        img[mask.astype(bool)] = tex[mask.astype(bool)]
        ys, xs = np.nonzero(mask)
        x0, y0 = float(xs.min()), float(ys.min())
        instances.append(dict(
            category_id=label + 1,
            bbox=[x0, y0, float(xs.max()) + 1 - x0, float(ys.max()) + 1 - y0],
            area=float(mask.sum()),
            segmentation=[np.clip(poly, 0, side).reshape(-1).round(2)
                          .tolist()],
            iscrowd=0))
    return np.clip(img, 0, 255).astype(np.uint8), instances


def _write_split(root: str, split: str, num: int, spec: SyntheticCocoSpec,
                 seed: int) -> str:
    rng = np.random.default_rng(seed)
    img_dir = osp.join(root, split)
    os.makedirs(img_dir, exist_ok=True)
    images, annotations = [], []
    for i in range(num):
        img, instances = _make_image(rng, spec)
        name = f'{i:06d}.png'
        cv2.imwrite(osp.join(img_dir, name), img[..., ::-1])
        images.append(dict(id=i + 1, file_name=name, height=spec.image_size,
                           width=spec.image_size))
        for inst in instances:
            annotations.append(dict(id=len(annotations) + 1, image_id=i + 1,
                                    **inst))
    coco = dict(
        info=dict(description=f'mmgcp synthetic shapes ({split})',
                  spec=spec.__dict__),
        images=images,
        annotations=annotations,
        categories=[dict(id=i + 1, name=n, supercategory='shape')
                    for i, n in enumerate(SYNTHETIC_CLASSES)])
    ann_file = osp.join(root, 'annotations', f'instances_{split}.json')
    with atomic_write(ann_file) as f:  # appears only once complete
        json.dump(coco, f)
    return ann_file


def synthetic_is_complete(root: str, spec: SyntheticCocoSpec) -> bool:
    """Whether ``root`` already holds exactly the set ``spec`` describes."""
    for split in ('train', 'val'):
        ann_file = osp.join(root, 'annotations', f'instances_{split}.json')
        try:
            with open(ann_file) as f:
                info = json.load(f).get('info', {})
        except (OSError, ValueError):
            return False
        if info.get('spec') != spec.__dict__:
            return False
    return True


def generate_synthetic_coco(root: str,
                            spec: SyntheticCocoSpec = SyntheticCocoSpec()
                            ) -> Dict[str, str]:
    """Write the synthetic set under ``root`` (reused when already there).

    Layout: ``root/{train,val}/*.png`` and
    ``root/annotations/instances_{train,val}.json``.

    Returns:
        dict: split name -> annotation file.
    """
    sizes = {'train': spec.num_train, 'val': spec.num_val}
    if synthetic_is_complete(root, spec):
        return {s: osp.join(root, 'annotations', f'instances_{s}.json')
                for s in sizes}
    return {split: _write_split(root, split, num, spec,
                                spec.seed * 1000 + offset)
            for offset, (split, num) in enumerate(sizes.items())}
