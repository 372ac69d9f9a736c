import json

import pytest
from mmengine.config import Config

from mmgcp.datasets import (AnnotationFileError, annotation_files,
                            check_coco_annotation, explain_annotation_errors)

from helpers import run_tool, venv_python, write_tiny_config

GOOD = dict(images=[dict(id=1, file_name='a.png', width=8, height=8)],
            annotations=[dict(id=1, image_id=1, category_id=1,
                              bbox=[0, 0, 2, 2])],
            categories=[dict(id=1, name='x')])


def write(path, content):
    path.write_text(content if isinstance(content, str) else
                    json.dumps(content))
    return str(path)


@pytest.mark.parametrize('content,problem', [
    ('{"images": [', 'not valid JSON'),
    ([1, 2], 'JSON object'),
    (dict(GOOD, images=None), '"images"'),
    (dict(GOOD, annotations=[dict(GOOD['annotations'][0], image_id=7)]),
     'unknown image_id 7'),
    (dict(GOOD, annotations=[dict(GOOD['annotations'][0], category_id=9)]),
     'unknown category_id 9'),
    (dict(GOOD, annotations=[dict(GOOD['annotations'][0], bbox=[0, 0, -1,
                                                                1])]),
     'malformed bbox'),
])
def test_problems_are_named(tmp_path, content, problem):
    path = write(tmp_path / 'instances.json', content)
    message = check_coco_annotation(path)
    assert message is not None and path in message and problem in message


def test_good_and_missing(tmp_path):
    assert check_coco_annotation(write(tmp_path / 'ok.json', GOOD)) is None
    assert 'does not exist' in check_coco_annotation(str(tmp_path / 'x.json'))


def test_explain_annotation_errors_names_the_file(tmp_path, synthetic_coco):
    config = write_tiny_config(tmp_path, synthetic_coco[0])
    cfg = Config.fromfile(config)
    assert annotation_files(cfg) == [
        synthetic_coco[1]['train'], synthetic_coco[1]['val']]
    bad = write(tmp_path / 'bad.json', '{"images": [')
    cfg.train_dataloader.dataset.ann_file = bad
    with pytest.raises(AnnotationFileError, match='bad.json.*not valid JSON'):
        with explain_annotation_errors(cfg):
            json.load(open(bad))
    with pytest.raises(ZeroDivisionError):  # unrelated errors pass through
        with explain_annotation_errors(cfg):
            1 / 0


def test_train_tool_names_a_corrupt_annotation_file(tmp_path, synthetic_coco):
    bad = write(tmp_path / 'corrupt.json', '{"images": [')
    config = write_tiny_config(
        tmp_path, synthetic_coco[0],
        extra=f'train_dataloader = dict(dataset=dict(ann_file={bad!r}))')
    proc = run_tool([venv_python(), 'tools/train.py', config, '--work-dir',
                     str(tmp_path / 'w')], check=False)
    assert proc.returncode != 0
    assert 'AnnotationFileError' in proc.stdout
    assert 'corrupt.json: not valid JSON' in proc.stdout
