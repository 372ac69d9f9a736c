"""Time of the COCO annotation check on a file of COCO train2017's size,
side by side with pycocotools' own load of the same file.

    python tools/benchmark_coco_check.py [--images 118287]
        [--annotations 860001] [--points 24] [--keep FILE]

The file is synthetic (random boxes and polygons of ``--points`` vertices,
80 categories; written once to a temporary folder, or to ``--keep``): the
counts are COCO train2017's, and with 24-vertex polygons its size is close
to the real file's 448 MB. The check (``mmgcp.datasets.check_coco_annotation``)
runs before every training and test run (see docs/detection.md); the
ratio to pycocotools' load, which mmdet does anyway, is the point.
"""
import argparse
import json
import os
import os.path as osp
import random
import tempfile
import time

from pycocotools.coco import COCO

from mmgcp.datasets import check_coco_annotation


def write_coco(path: str, images: int, annotations: int, points: int,
               seed: int = 0) -> None:
    rng = random.Random(seed)
    with open(path, 'w') as f:
        f.write('{"info": {"description": "synthetic, COCO-sized"}, '
                '"categories": ')
        json.dump([dict(id=i, name=f'class{i}', supercategory='thing')
                   for i in range(1, 81)], f)
        f.write(', "images": [')
        for i in range(1, images + 1):
            f.write(('' if i == 1 else ', ') + json.dumps(dict(
                id=i, file_name=f'{i:012d}.jpg', width=640, height=480)))
        f.write('], "annotations": [')
        for i in range(1, annotations + 1):
            x, y = rng.uniform(0, 500), rng.uniform(0, 400)
            w, h = rng.uniform(1, 140), rng.uniform(1, 80)
            polygon = [round(rng.uniform(x, x + w) if k % 2 == 0 else
                             rng.uniform(y, y + h), 2)
                       for k in range(2 * points)]
            f.write(('' if i == 1 else ', ') + json.dumps(dict(
                id=i, image_id=rng.randint(1, images),
                category_id=rng.randint(1, 80), iscrowd=0,
                area=round(w * h, 2), bbox=[round(x, 2), round(y, 2),
                                            round(w, 2), round(h, 2)],
                segmentation=[polygon])))
        f.write(']}')


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--images', type=int, default=118287)
    parser.add_argument('--annotations', type=int, default=860001)
    parser.add_argument('--points', type=int, default=24)
    parser.add_argument('--keep', help='write (or reuse) the file here')
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = args.keep or osp.join(tmp, 'instances_synthetic.json')
        if not osp.isfile(path):
            start = time.perf_counter()
            write_coco(path, args.images, args.annotations, args.points)
            print(f'wrote {path} in {time.perf_counter() - start:.0f} s',
                  flush=True)
        size = os.path.getsize(path) / 2**20
        start = time.perf_counter()
        problem = check_coco_annotation(path)
        check = time.perf_counter() - start
        assert problem is None, problem
        start = time.perf_counter()
        COCO(path)
        load = time.perf_counter() - start
    print(f'{args.images} images, {args.annotations} annotations, '
          f'{size:.0f} MB')
    print(f'check_coco_annotation {check:6.1f} s')
    print(f'pycocotools COCO()    {load:6.1f} s')
    print(f'check / load          {check / load:6.2f}')


if __name__ == '__main__':
    main()
