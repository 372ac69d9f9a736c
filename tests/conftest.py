"""pytest fixtures; the helpers the tests import are in helpers.py."""
import pytest

from helpers import TINY_SPEC, generate_synthetic_coco, write_tiny_config


@pytest.fixture(autouse=True)
def _keep_default_scope():
    """Leave mmengine's default registry scope as the test found it: a test
    that builds a model in one toolbox's scope (mmdet, mmseg, mmpretrain)
    must not change where the next test's registries look."""
    from mmengine.registry import DefaultScope
    saved = list(DefaultScope._instance_dict.items())
    yield
    DefaultScope._instance_dict.clear()
    DefaultScope._instance_dict.update(saved)


@pytest.fixture(scope='session')
def synthetic_coco(tmp_path_factory):
    """A tiny synthetic COCO set: (root, {'train': ann, 'val': ann})."""
    root = str(tmp_path_factory.mktemp('synthetic_coco'))
    return root, generate_synthetic_coco(root, TINY_SPEC)


@pytest.fixture
def tiny_config(tmp_path, synthetic_coco):
    return write_tiny_config(tmp_path, synthetic_coco[0])
