import json

import pytest
from mmengine.config import Config

from mmgcp.datasets import (AnnotationFileError, annotation_files,
                            check_annotations, check_coco_annotation)

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


def test_check_annotations_covers_the_loops_of_a_run(
        tmp_path, synthetic_coco):
    config = write_tiny_config(tmp_path, synthetic_coco[0])
    cfg = Config.fromfile(config)
    assert annotation_files(cfg) == [
        synthetic_coco[1]['train'], synthetic_coco[1]['val']]
    check_annotations(cfg)  # the synthetic set is fine
    bad = write(tmp_path / 'bad.json', dict(GOOD, annotations=[
        dict(GOOD['annotations'][0], image_id=7)]))
    # inside dataset wrappers too
    cfg.train_dataloader.dataset = dict(
        type='RepeatDataset', times=2, dataset=dict(
            type='ConcatDataset', datasets=[
                dict(cfg.train_dataloader.dataset),
                dict(type='mmdet.CocoDataset', ann_file=bad)]))
    assert annotation_files(cfg, ('train', )) == [
        synthetic_coco[1]['train'], bad]
    check_annotations(cfg, ('val', 'test'))  # the loops a test run uses
    with pytest.raises(AnnotationFileError,
                       match='bad.json: annotation id 1 refers to unknown '
                       'image_id 7'):
        check_annotations(cfg, ('train', 'val'))
    # not a COCO instances file: the panoptic format is not checked
    cfg.train_dataloader.dataset = dict(type='CocoPanopticDataset',
                                        ann_file=bad)
    assert annotation_files(cfg, ('train', )) == []


@pytest.mark.parametrize('problem,expected', [
    (dict(image_id=99), 'unknown image_id 99'),
    (dict(bbox=[1, 1, -3, 2]), 'malformed bbox'),
    ('{"images": [', 'not valid JSON')])
def test_train_tool_stops_before_the_first_iteration(tmp_path, synthetic_coco,
                                                     problem, expected):
    """A bad train file stops tools/train.py with its line, before any
    checkpoint is written."""
    with open(synthetic_coco[1]['train']) as f:
        data = json.load(f)
    if isinstance(problem, dict):
        data['annotations'][0].update(problem)
        bad = write(tmp_path / 'broken.json', data)
    else:
        bad = write(tmp_path / 'broken.json', problem)
    config = write_tiny_config(
        tmp_path, synthetic_coco[0],
        extra=f'train_dataloader = dict(dataset=dict(ann_file={bad!r}))')
    work_dir = tmp_path / 'w'
    proc = run_tool([venv_python(), 'tools/train.py', config, '--work-dir',
                     str(work_dir)], check=False)
    assert proc.returncode != 0
    assert proc.stdout.strip().splitlines()[-1] == \
        f'train.py: {bad}: ' + check_coco_annotation(bad).split(': ', 1)[1]
    assert expected in proc.stdout
    assert not list(work_dir.glob('**/*.pth'))


def test_a_config_error_comes_before_the_data_error(tmp_path,
                                                    synthetic_coco):
    """A misspelt keyword on broken data: the keyword is reported (naming
    the class the user wrote and the closest keyword), not the data."""
    bad = write(tmp_path / 'broken.json', '{"images": [')
    config = write_tiny_config(
        tmp_path, synthetic_coco[0],
        extra=f'train_dataloader = dict(dataset=dict(ann_file={bad!r}))\n'
        "model = dict(backbone=dict(_delete_=True, type='GCPResNet', "
        "depth=18, varient='M'))")
    proc = run_tool([venv_python(), 'tools/train.py', config, '--work-dir',
                     str(tmp_path / 'w')], check=False)
    assert proc.returncode != 0
    assert "GCPResNet got unexpected keyword argument 'varient' (did you " \
        "mean 'variant'?)" in proc.stdout
    assert 'AnnotationFileError' not in proc.stdout
    assert 'not valid JSON' not in proc.stdout


def test_a_file_that_passed_is_read_again_only_once_changed(tmp_path):
    cache = tmp_path / 'cache'
    path = write(tmp_path / 'a.json', GOOD)
    cfg = Config(dict(train_dataloader=dict(dataset=dict(
        type='CocoDataset', ann_file=path))))
    check_annotations(cfg, ('train', ), cache_dir=str(cache))
    assert len(list(cache.iterdir())) == 1
    write(tmp_path / 'a.json', dict(GOOD, annotations=[
        dict(GOOD['annotations'][0], image_id=77)]))
    with pytest.raises(AnnotationFileError, match='unknown image_id 77'):
        check_annotations(cfg, ('train', ), cache_dir=str(cache))
    with pytest.raises(AnnotationFileError, match='unknown image_id 77'):
        check_annotations(cfg, ('train', ), cache_dir=None)
