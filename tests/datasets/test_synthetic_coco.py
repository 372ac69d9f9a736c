import hashlib
import json
import os

import pytest
from pycocotools import mask as mask_utils
from pycocotools.coco import COCO

from mmgcp.datasets import (SYNTHETIC_CLASSES, SyntheticCocoSpec,
                            generate_synthetic_coco)

SPEC = SyntheticCocoSpec(num_train=6, num_val=3, image_size=64, seed=3)


def digest(root):
    h = hashlib.sha256()
    for dirpath, _, files in sorted(os.walk(root)):
        for name in sorted(files):
            with open(os.path.join(dirpath, name), 'rb') as f:
                h.update(name.encode() + f.read())
    return h.hexdigest()


def test_layout_and_coco_validity(tmp_path):
    anns = generate_synthetic_coco(str(tmp_path), SPEC)
    assert set(anns) == {'train', 'val'}
    for split, num in (('train', 6), ('val', 3)):
        coco = COCO(anns[split])
        assert len(coco.getImgIds()) == num
        assert [c['name'] for c in coco.loadCats(coco.getCatIds())] == \
            list(SYNTHETIC_CLASSES)
        assert len(coco.getAnnIds()) >= num  # at least one shape each
        for img in coco.loadImgs(coco.getImgIds()):
            assert (tmp_path / split / img['file_name']).is_file()
        for ann in coco.loadAnns(coco.getAnnIds()):
            x, y, w, h = ann['bbox']
            assert 0 <= x and 0 <= y and x + w <= 64 and y + h <= 64
            rle = coco.annToRLE(ann)
            # the polygon's box and area agree with the drawn instance
            px, py, pw, ph = mask_utils.toBbox(rle)
            assert abs(px - x) <= 2 and abs(pw - w) <= 3
            assert abs(mask_utils.area(rle) - ann['area']) <= \
                0.25 * ann['area'] + 8


def test_deterministic_and_reused(tmp_path):
    a, b = tmp_path / 'a', tmp_path / 'b'
    generate_synthetic_coco(str(a), SPEC)
    generate_synthetic_coco(str(b), SPEC)
    assert digest(a) == digest(b)
    ann = a / 'annotations' / 'instances_train.json'
    stamp = ann.stat().st_mtime_ns
    generate_synthetic_coco(str(a), SPEC)
    assert ann.stat().st_mtime_ns == stamp  # reused, not rewritten
    other = SyntheticCocoSpec(num_train=6, num_val=3, image_size=64, seed=4)
    generate_synthetic_coco(str(a), other)
    assert json.loads(ann.read_text())['info']['spec']['seed'] == 4


def test_images_differ_per_class_region(tmp_path):
    generate_synthetic_coco(str(tmp_path), SPEC)
    import cv2
    img = cv2.imread(str(tmp_path / 'train' / '000000.png'))
    assert img.shape == (64, 64, 3) and img.std() > 10


@pytest.mark.parametrize('kwargs', [
    dict(num_train=0), dict(min_objects=3, max_objects=2),
    dict(min_size=0.5, max_size=0.2), dict(image_size=8)])
def test_bad_spec(kwargs):
    with pytest.raises(ValueError):
        SyntheticCocoSpec(**kwargs)
