"""Common corruptions (``imagecorruptions``) that are the same on every run.

mmdet's ``Corrupt`` draws its noise from the global numpy RNG in whatever
order the dataloader workers reach the images, and two corruptions
(impulse noise, glass blur) seed themselves from the OS. Comparing two
models under corruption then mixes the models' difference with the
noise's. ``SeededCorrupt`` seeds every image from its path, the corruption
and the severity, so every model sees the very same corrupted images.
"""
import zlib

import numpy as np
from mmcv.transforms import BaseTransform

from ...registry import TRANSFORMS
from ...utils import require

__all__ = ['SeededCorrupt', 'load_corrupt']

# corruptions that take their own seed instead of the global numpy RNG
_OWN_SEED = ('impulse_noise', 'glass_blur')


def load_corrupt():
    """``imagecorruptions.corrupt``, or an ImportError saying what to
    install (the ``robustness`` extra: imagecorruptions-imaug, the
    maintained fork that works with numpy 2 and scikit-image >= 0.21)."""
    require('the corruption benchmark', 'imagecorruptions')
    from imagecorruptions import corrupt
    return corrupt


@TRANSFORMS.register_module()
class SeededCorrupt(BaseTransform):
    """Corrupt ``results['img']`` (uint8, H x W x 3, at least 32 x 32) with a
    per-image seed.

    Args:
        corruption (str): an ``imagecorruptions`` name.
        severity (int): 1..5.
        seed (int): mixed into every image's seed. Default: 0.
    """

    def __init__(self, corruption: str, severity: int = 1,
                 seed: int = 0) -> None:
        self.corruption, self.severity, self.seed = corruption, severity, seed

    def transform(self, results: dict) -> dict:
        corrupt = load_corrupt()
        key = f'{self.seed}/{results.get("img_path", "")}/' \
              f'{self.corruption}/{self.severity}'
        seed = zlib.crc32(key.encode())
        kwargs = {'seed': seed} if self.corruption in _OWN_SEED else {}
        state = np.random.get_state()
        np.random.seed(seed)
        try:
            results['img'] = corrupt(results['img'].astype(np.uint8),
                                     corruption_name=self.corruption,
                                     severity=self.severity, **kwargs)
        finally:
            np.random.set_state(state)  # leave the loader's RNG alone
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(corruption={self.corruption!r}, '
                f'severity={self.severity}, seed={self.seed})')
