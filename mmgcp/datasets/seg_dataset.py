"""An mmseg dataset and transform that name the file when labels are bad.

Imported (and registered in mmseg's registries) only when mmsegmentation is
installed.
"""
import os
import os.path as osp
from typing import List

import numpy as np
from mmcv.transforms import BaseTransform
from mmseg.datasets import BaseSegDataset
from mmseg.registry import DATASETS, TRANSFORMS

from .synthetic.seg import SEG_CLASSES

__all__ = ['CheckedSegDataset', 'CheckSegLabels']


@DATASETS.register_module()
class CheckedSegDataset(BaseSegDataset):
    """``BaseSegDataset`` that refuses a label map without its image.

    mmseg lists the images and derives each label's name, so a label whose
    image is missing would be dropped silently. Defaults to the synthetic
    classes of :func:`~mmgcp.datasets.generate_synthetic_seg`.
    """
    METAINFO = dict(classes=SEG_CLASSES,
                    palette=[[0, 0, 0], [60, 200, 90], [200, 80, 60],
                             [70, 90, 210]])

    def __init__(self, img_suffix: str = '.png', seg_map_suffix: str = '.png',
                 **kwargs) -> None:
        super().__init__(img_suffix=img_suffix, seg_map_suffix=seg_map_suffix,
                         **kwargs)

    def load_data_list(self) -> List[dict]:
        img_dir = self.data_prefix.get('img_path', '')
        ann_dir = self.data_prefix.get('seg_map_path')
        if not osp.isdir(img_dir):
            raise FileNotFoundError(f'image folder {img_dir} does not exist')
        data = super().load_data_list()
        if ann_dir and not self.ann_file:
            if not osp.isdir(ann_dir):
                raise FileNotFoundError(
                    f'label folder {ann_dir} does not exist')
            listed = {osp.normpath(d['seg_map_path']) for d in data}
            for name in sorted(os.listdir(ann_dir)):
                path = osp.normpath(osp.join(ann_dir, name))
                if name.endswith(self.seg_map_suffix) and path not in listed:
                    raise FileNotFoundError(
                        f'label {path} has no image in {img_dir}')
        if not data:
            raise ValueError(f'{img_dir}: no *{self.img_suffix} images')
        return data


@TRANSFORMS.register_module()
class CheckSegLabels(BaseTransform):
    """Fail on label values outside ``[0, num_classes)`` and the ignore
    index, naming the label file. Place it after ``LoadAnnotations``.

    Args:
        num_classes (int): classes of the dataset.
        ignore_index (int): the value that marks unlabelled pixels.
            Default: 255.
    """

    def __init__(self, num_classes: int, ignore_index: int = 255) -> None:
        self.num_classes = num_classes
        self.ignore_index = ignore_index

    def transform(self, results: dict) -> dict:
        values = np.unique(results['gt_seg_map'])
        bad = [int(v) for v in values
               if not (0 <= v < self.num_classes or v == self.ignore_index)]
        if bad:
            raise ValueError(
                f'{results.get("seg_map_path", "label map")}: values {bad} '
                f'outside 0..{self.num_classes - 1} (ignore index '
                f'{self.ignore_index})')
        return results
