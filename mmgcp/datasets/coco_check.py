"""Checking COCO annotation files before any work starts.

mmdet reads a dataset's annotation file when the dataset is built, which in
a training run is after the model and optimizer (a bad file costs the set-up
first), and pycocotools accepts an annotation that refers to an image the
file does not list or a box of negative width: training then goes on
silently. :func:`check_annotations` checks every COCO-format file of the
loops a run will use before it starts. The check parses the file with
``json``, as pycocotools does, and takes as long
(``tools/benchmark_coco_check.py`` times both on a file of COCO train2017's
size), so a file that passed is remembered by its path, size and
modification time: the next run over it (a resume, an evaluation) skips it.
"""
import hashlib
import json
import os
import os.path as osp
from typing import Iterator, List, Optional, Sequence

from ..utils import atomic_write

__all__ = ['AnnotationFileError', 'check_coco_annotation',
           'annotation_files', 'check_annotations', 'CHECKED_CACHE']

# where the files that passed are remembered
CHECKED_CACHE = osp.join(
    os.environ.get('XDG_CACHE_HOME') or osp.join(osp.expanduser('~'),
                                                 '.cache'),
    'mmgcp', 'checked_annotations')

# mmdet's datasets that read a COCO instances file (the panoptic one has
# another format)
COCO_FORMAT_DATASETS = ('CocoDataset', 'CityscapesDataset', 'LVISDataset',
                        'LVISV05Dataset', 'LVISV1Dataset',
                        'Objects365V1Dataset', 'Objects365V2Dataset')


class AnnotationFileError(ValueError):
    """A COCO annotation file is missing, corrupt or inconsistent."""


def check_coco_annotation(path: str) -> Optional[str]:
    """The first problem with a COCO instances file, or None if it is fine."""
    if not osp.isfile(path):
        return f'{path}: annotation file does not exist'
    try:
        with open(path) as f:
            data = json.load(f)
    except ValueError as err:
        return f'{path}: not valid JSON ({err})'
    except OSError as err:
        return f'{path}: cannot be read ({err})'
    if not isinstance(data, dict):
        return f'{path}: top level must be a JSON object'
    for key in ('images', 'annotations', 'categories'):
        if not isinstance(data.get(key), list):
            return f'{path}: missing or non-list "{key}"'
    image_ids = set()
    for image in data['images']:
        if not isinstance(image, dict) or not {'id', 'file_name', 'width',
                                               'height'} <= set(image):
            return (f'{path}: image entry {image!r:.80} needs id, file_name,'
                    f' width and height')
        image_ids.add(image['id'])
    category_ids = {c.get('id') for c in data['categories']
                    if isinstance(c, dict)}
    for ann in data['annotations']:
        if not isinstance(ann, dict):
            return f'{path}: annotation {ann!r:.80} is not an object'
        where = f'{path}: annotation id {ann.get("id")!r}'
        if ann.get('image_id') not in image_ids:
            return (f'{where} refers to unknown image_id '
                    f'{ann.get("image_id")!r}')
        if ann.get('category_id') not in category_ids:
            return (f'{where} refers to unknown category_id '
                    f'{ann.get("category_id")!r}')
        bbox = ann.get('bbox')
        if not (isinstance(bbox, list) and len(bbox) == 4 and all(
                isinstance(v, (int, float)) for v in bbox)) or \
                bbox[2] < 0 or bbox[3] < 0:
            return f'{where} has a malformed bbox {bbox!r} (want [x, y, w, h])'
    return None


def _datasets(dataset) -> Iterator[dict]:
    """The leaf datasets of a dataset config (through wrappers such as
    ``RepeatDataset`` and ``ConcatDataset``)."""
    if not isinstance(dataset, dict):
        return
    if isinstance(dataset.get('datasets'), (list, tuple)):
        for child in dataset['datasets']:
            yield from _datasets(child)
    elif isinstance(dataset.get('dataset'), dict):
        yield from _datasets(dataset['dataset'])
    else:
        yield dataset


def annotation_files(cfg, loops: Sequence[str] = ('train', 'val', 'test')
                     ) -> List[str]:
    """The COCO-format annotation files of a config's datasets for
    ``loops`` (``'train'``, ``'val'``, ``'test'``)."""
    files = []
    for loop in loops:
        loader = cfg.get(f'{loop}_dataloader') or {}
        for dataset in _datasets(loader.get('dataset')):
            kind = str(dataset.get('type', '')).split('.')[-1]
            ann_file = dataset.get('ann_file')
            if kind not in COCO_FORMAT_DATASETS or not ann_file:
                continue
            root = dataset.get('data_root') or ''
            path = ann_file if osp.isabs(ann_file) else \
                osp.join(root, ann_file)
            if path not in files:
                files.append(path)
    return files


def _passed_marker(path: str, cache_dir: str) -> Optional[str]:
    """The marker file that says ``path``, as it is now, passed."""
    try:
        stat = os.stat(path)
    except OSError:
        return None
    key = f'{osp.realpath(path)}\0{stat.st_size}\0{stat.st_mtime_ns}'
    return osp.join(cache_dir, hashlib.sha256(key.encode()).hexdigest())


def check_annotations(cfg, loops: Sequence[str] = ('train', 'val', 'test'),
                      cache_dir: Optional[str] = CHECKED_CACHE) -> None:
    """Raise :class:`AnnotationFileError` with the first problem of the
    config's COCO annotation files for ``loops``. A file that passed is
    remembered in ``cache_dir`` (None: always read) by path, size and
    modification time."""
    for path in annotation_files(cfg, loops):
        marker = _passed_marker(path, cache_dir) if cache_dir else None
        if marker is not None and osp.isfile(marker):
            continue
        problem = check_coco_annotation(path)
        if problem is not None:
            raise AnnotationFileError(problem)
        if marker is not None:
            try:
                with atomic_write(marker) as f:
                    f.write(osp.realpath(path) + '\n')
            except OSError:  # a read-only cache only costs the next check
                pass
