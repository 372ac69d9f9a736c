"""Naming the file and the problem when a COCO annotation file is bad.

mmdet/pycocotools fail on a corrupt annotation file with a bare
``JSONDecodeError`` or ``KeyError`` that names no file. Validating every file
up front would parse large files (COCO train is ~450 MB) twice, so the check
runs only after loading has failed, to explain the failure.
"""
import contextlib
import json
import os.path as osp
from typing import Iterator, List, Optional

__all__ = ['AnnotationFileError', 'check_coco_annotation',
           'annotation_files', 'explain_annotation_errors']


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


def annotation_files(cfg) -> List[str]:
    """The annotation files of a config's train/val/test datasets."""
    files = []
    for name in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        dataset = (cfg.get(name) or {}).get('dataset') or {}
        while 'dataset' in dataset:  # wrappers (RepeatDataset, ...)
            dataset = dataset['dataset']
        ann_file = dataset.get('ann_file')
        if not ann_file or not str(ann_file).endswith('.json'):
            continue
        root = dataset.get('data_root') or ''
        path = ann_file if osp.isabs(ann_file) else osp.join(root, ann_file)
        if path not in files:
            files.append(path)
    return files


@contextlib.contextmanager
def explain_annotation_errors(cfg) -> Iterator[None]:
    """Re-raise a loading failure as :class:`AnnotationFileError` when one of
    the config's annotation files is the cause."""
    try:
        yield
    except (ValueError, KeyError, TypeError, FileNotFoundError) as err:
        if isinstance(err, AnnotationFileError):
            raise
        for path in annotation_files(cfg):
            problem = check_coco_annotation(path)
            if problem is not None:
                raise AnnotationFileError(problem) from err
        raise
