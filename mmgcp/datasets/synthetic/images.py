"""A deterministic synthetic texture classification set (ImageNet layout).

Each class is a texture family: an orientation and a stripe period of its
own (with jitter), random colours, phase and noise, so that the class lives
in second-order image statistics rather than in mean colour. Writes
``<root>/train/<class>/*.png`` and ``<root>/val/<class>/*.png``.
"""
import math
import os
import os.path as osp
from dataclasses import dataclass
from typing import Dict

import cv2
import numpy as np

from ._marker import is_generated, mark_generated

__all__ = ['SyntheticImagesSpec', 'generate_synthetic_images']


@dataclass(frozen=True)
class SyntheticImagesSpec:
    """What to generate.

    Args:
        num_classes (int): classes (``class_00`` ...).
        train_per_class (int): training images per class.
        val_per_class (int): validation images per class.
        image_size (int): square image side.
        seed (int): everything is a function of this seed.
    """
    num_classes: int = 10
    train_per_class: int = 60
    val_per_class: int = 20
    image_size: int = 64
    seed: int = 0

    def __post_init__(self) -> None:
        if self.num_classes < 2:
            raise ValueError('num_classes must be >= 2')
        if self.train_per_class < 1 or self.val_per_class < 1:
            raise ValueError('need at least one image per class and split')
        if self.image_size < 16:
            raise ValueError('image_size must be >= 16')


def _texture(rng: np.random.Generator, label: int, spec: SyntheticImagesSpec
             ) -> np.ndarray:
    size = spec.image_size
    angle = math.pi * label / spec.num_classes + rng.normal(0, 0.05)
    period = 4.0 + 2.0 * (label % 3) + rng.normal(0, 0.2)
    yy, xx = np.mgrid[0:size, 0:size].astype(np.float32)
    phase = (xx * math.cos(angle) + yy * math.sin(angle)) * 2 * math.pi \
        / period + rng.uniform(0, 2 * math.pi)
    colours = rng.uniform(40, 215, size=(2, 3))
    mix = (np.sin(phase)[..., None] + 1) / 2
    img = colours[0] * mix + colours[1] * (1 - mix)
    img += rng.normal(0, 12, size=img.shape)
    return np.clip(img, 0, 255).astype(np.uint8)


def generate_synthetic_images(root: str,
                              spec: SyntheticImagesSpec = SyntheticImagesSpec()
                              ) -> Dict[str, str]:
    """Write the set under ``root`` (reused when already complete).

    Returns:
        dict: split name -> folder.
    """
    folders = {s: osp.join(root, s) for s in ('train', 'val')}
    if is_generated(root, spec):
        return folders
    rng = np.random.default_rng(spec.seed)
    counts = {'train': spec.train_per_class, 'val': spec.val_per_class}
    for split, count in counts.items():
        for label in range(spec.num_classes):
            folder = osp.join(folders[split], f'class_{label:02d}')
            os.makedirs(folder, exist_ok=True)
            for i in range(count):
                cv2.imwrite(osp.join(folder, f'{i:05d}.png'),
                            _texture(rng, label, spec))
    mark_generated(root, spec)  # last: marks a complete set
    return folders
