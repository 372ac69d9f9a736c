import cv2
import pytest
from mmengine.registry import init_default_scope

from mmgcp.datasets import (SEG_CLASSES, SyntheticCocoSpec,
                            generate_synthetic_seg)
from mmgcp.datasets.seg_dataset import CheckedSegDataset

PIPELINE = [dict(type='LoadImageFromFile'), dict(type='LoadAnnotations'),
            dict(type='CheckSegLabels', num_classes=4),
            dict(type='PackSegInputs')]


@pytest.fixture
def seg_root(tmp_path):
    init_default_scope('mmseg')
    root = tmp_path / 'seg'
    generate_synthetic_seg(str(root), SyntheticCocoSpec(
        num_train=3, num_val=2, image_size=32, seed=4))
    return root


def dataset(root):
    return CheckedSegDataset(
        data_root=str(root),
        data_prefix=dict(img_path='images/train',
                         seg_map_path='labels/train'),
        pipeline=PIPELINE)


def test_loads_with_label_values_in_range(seg_root):
    ds = dataset(seg_root)
    assert len(ds) == 3 and ds.metainfo['classes'] == SEG_CLASSES
    item = ds[0]
    assert item['data_samples'].gt_sem_seg.data.max() < 4


def test_out_of_range_label_names_the_file(seg_root):
    path = seg_root / 'labels' / 'train' / '000001.png'
    label = cv2.imread(str(path), 0)
    label[0, 0] = 7
    cv2.imwrite(str(path), label)
    ds = dataset(seg_root)
    with pytest.raises(ValueError, match=r'000001.png: values \[7\]'):
        ds[1]
    label[0, 0] = 255  # the ignore index is fine
    cv2.imwrite(str(path), label)
    assert ds[1]['inputs'].shape[-2:] == (32, 32)


def test_label_without_image_names_the_file(seg_root):
    (seg_root / 'images' / 'train' / '000002.png').unlink()
    with pytest.raises(FileNotFoundError, match='000002.png has no image'):
        dataset(seg_root)


def test_missing_folders(tmp_path):
    init_default_scope('mmseg')
    with pytest.raises(FileNotFoundError, match='does not exist'):
        CheckedSegDataset(data_root=str(tmp_path),
                          data_prefix=dict(img_path='nope', seg_map_path='x'),
                          pipeline=PIPELINE)
