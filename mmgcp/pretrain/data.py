"""ImageNet-style classification data: folder datasets and transforms.

Layouts:

- folder: ``<root>/<class>/*.JPEG`` (``train/``, and ``val/`` once sorted
  into class folders); classes are the sorted folder names (wnids).
- flat + label file: ``<root>/*.JPEG`` with a text file of
  ``<file name> <class index>`` lines (the original ImageNet val layout).

Train: RandomResizedCrop(224) + horizontal flip; eval: resize the short side
to 256 + CenterCrop(224) (REFERENCE section 4).
"""
import math
import os
import os.path as osp
import random
import warnings
from typing import List, Optional, Sequence

import cv2
import numpy as np
import torch
from mmcv.transforms import BaseTransform
from mmengine.dataset import BaseDataset
from mmengine.registry import DATASETS, TRANSFORMS
from mmengine.structures import BaseDataElement

__all__ = ['ImageFolderDataset', 'LoadImage', 'RandomResizedCrop',
           'ResizeShortSide', 'PackClsInputs', 'IMAGE_EXTENSIONS']

IMAGE_EXTENSIONS = ('.jpeg', '.jpg', '.png', '.bmp', '.webp')


def _images_in(folder: str) -> List[str]:
    return sorted(f for f in os.listdir(folder)
                  if f.lower().endswith(IMAGE_EXTENSIONS))


@DATASETS.register_module()
class ImageFolderDataset(BaseDataset):
    """Classification images from a class-folder or flat+label-file layout.

    Args:
        data_root (str): the split's folder (e.g. ``imagenet/train``).
        ann_file (str): for the flat layout, the label file
            (``<file> <class index>`` per line), relative to ``data_root``
            or absolute; empty for the folder layout.
        classes (Sequence[str], optional): class names in index order;
            default: the sorted class folders (folder layout) or
            ``0..max`` (flat layout).
        skip_corrupt (bool): replace an image that cannot be decoded by
            another one, with a warning, instead of failing. Default: False.
        pipeline (list): transforms.
        test_mode (bool): evaluation split.
    """

    def __init__(self, data_root: str, ann_file: str = '',
                 classes: Optional[Sequence[str]] = None,
                 skip_corrupt: bool = False, pipeline: Sequence = (),
                 test_mode: bool = False, **kwargs) -> None:
        self._classes = list(classes) if classes is not None else None
        self.skip_corrupt = skip_corrupt
        pipeline = [dict(t, skip_corrupt=skip_corrupt)
                    if isinstance(t, dict) and t.get('type') == 'LoadImage'
                    else t for t in pipeline]
        super().__init__(ann_file=ann_file, data_root=data_root,
                         pipeline=list(pipeline), test_mode=test_mode,
                         **kwargs)

    def load_data_list(self) -> List[dict]:
        root = self.data_root
        if not osp.isdir(root):
            raise FileNotFoundError(f'dataset folder {root} does not exist')
        if self.ann_file:
            data = self._load_flat(root, self.ann_file)
        else:
            data = self._load_folders(root)
        if not data:
            raise ValueError(f'{root}: no images found (extensions '
                             f'{", ".join(IMAGE_EXTENSIONS)})')
        return data

    def _load_folders(self, root: str) -> List[dict]:
        folders = sorted(d for d in os.listdir(root)
                         if osp.isdir(osp.join(root, d)))
        if not folders:
            raise ValueError(
                f'{root}: no class folders; expected <root>/<class>/*.JPEG, '
                'or give ann_file for a flat folder with a label file')
        classes = self._classes or folders
        unknown = sorted(set(folders) - set(classes))
        if unknown:
            raise ValueError(f'{root}: class folders not in classes: '
                             f'{unknown[:5]}')
        self._metainfo['classes'] = tuple(classes)
        index = {name: i for i, name in enumerate(classes)}
        return [dict(img_path=osp.join(root, folder, name),
                     gt_label=index[folder])
                for folder in folders
                for name in _images_in(osp.join(root, folder))]

    def _load_flat(self, root: str, ann_file: str) -> List[dict]:
        if not osp.isfile(ann_file):
            raise FileNotFoundError(f'label file {ann_file} does not exist')
        data = []
        with open(ann_file) as f:
            for number, line in enumerate(f, 1):
                if not line.strip():
                    continue
                parts = line.split()
                if len(parts) != 2 or not parts[1].lstrip('-').isdigit() \
                        or int(parts[1]) < 0:
                    raise ValueError(f'{ann_file}:{number}: expected '
                                     f'"<file> <class index>", got '
                                     f'{line.strip()!r}')
                path = osp.join(root, parts[0])
                if not osp.isfile(path):
                    raise FileNotFoundError(
                        f'{ann_file}:{number}: image {path} does not exist')
                data.append(dict(img_path=path, gt_label=int(parts[1])))
        num = max((d['gt_label'] for d in data), default=-1) + 1
        classes = self._classes or [str(i) for i in range(num)]
        if num > len(classes):
            raise ValueError(f'{ann_file}: label {num - 1} >= number of '
                             f'classes {len(classes)}')
        self._metainfo['classes'] = tuple(classes)
        return data


@TRANSFORMS.register_module()
class LoadImage(BaseTransform):
    """Decode ``img_path`` (BGR uint8); a clear error if it cannot be.

    Args:
        skip_corrupt (bool): return None (the dataset then takes another
            image) with a warning instead of raising. Default: False.
    """

    def __init__(self, skip_corrupt: bool = False) -> None:
        self.skip_corrupt = skip_corrupt

    def transform(self, results: dict) -> Optional[dict]:
        path = results['img_path']
        img = cv2.imread(path, cv2.IMREAD_COLOR)
        if img is None:
            if self.skip_corrupt:
                warnings.warn(f'skipping {path}: cannot decode image')
                return None
            raise ValueError(f'{path}: cannot decode image (corrupt or not '
                             'an image); set skip_corrupt=True on the '
                             'dataset to skip such files')
        results['img'] = img
        results['img_shape'] = results['ori_shape'] = img.shape[:2]
        return results


@TRANSFORMS.register_module()
class RandomResizedCrop(BaseTransform):
    """Crop a random area/aspect-ratio patch and resize it to ``size``.

    Args:
        size (int): output side.
        scale (tuple): area fraction range. Default: (0.08, 1.0).
        ratio (tuple): aspect ratio range. Default: (3/4, 4/3).
    """

    def __init__(self, size: int, scale=(0.08, 1.0),
                 ratio=(3 / 4, 4 / 3)) -> None:
        self.size, self.scale, self.ratio = size, scale, ratio

    def _box(self, height: int, width: int):
        area = height * width
        log_ratio = (math.log(self.ratio[0]), math.log(self.ratio[1]))
        for _ in range(10):
            target = area * random.uniform(*self.scale)
            aspect = math.exp(random.uniform(*log_ratio))
            w = int(round(math.sqrt(target * aspect)))
            h = int(round(math.sqrt(target / aspect)))
            if 0 < w <= width and 0 < h <= height:
                return random.randint(0, height - h), \
                    random.randint(0, width - w), h, w
        # fall back to a central crop of the clamped aspect ratio
        aspect = width / height
        if aspect < self.ratio[0]:
            w, h = width, int(round(width / self.ratio[0]))
        elif aspect > self.ratio[1]:
            h, w = height, int(round(height * self.ratio[1]))
        else:
            h, w = height, width
        return (height - h) // 2, (width - w) // 2, h, w

    def transform(self, results: dict) -> dict:
        img = results['img']
        top, left, h, w = self._box(*img.shape[:2])
        crop = img[top:top + h, left:left + w]
        results['img'] = cv2.resize(crop, (self.size, self.size),
                                    interpolation=cv2.INTER_LINEAR)
        results['img_shape'] = results['img'].shape[:2]
        return results


@TRANSFORMS.register_module()
class ResizeShortSide(BaseTransform):
    """Resize so that the shorter side is ``size`` (aspect kept)."""

    def __init__(self, size: int) -> None:
        self.size = size

    def transform(self, results: dict) -> dict:
        img = results['img']
        h, w = img.shape[:2]
        scale = self.size / min(h, w)
        new = (max(1, int(round(w * scale))), max(1, int(round(h * scale))))
        results['img'] = cv2.resize(img, new, interpolation=cv2.INTER_LINEAR)
        results['img_shape'] = results['img'].shape[:2]
        return results


@TRANSFORMS.register_module()
class PackClsInputs(BaseTransform):
    """``inputs``: CHW uint8 tensor; ``data_samples``: a
    ``BaseDataElement`` with ``gt_label`` (and ``img_path`` as metainfo)."""

    def transform(self, results: dict) -> dict:
        img = np.ascontiguousarray(results['img'].transpose(2, 0, 1))
        sample = BaseDataElement(metainfo=dict(img_path=results['img_path']),
                                 gt_label=int(results['gt_label']))
        return dict(inputs=torch.from_numpy(img), data_samples=sample)
