"""One pretraining config of each family (GCP MobileNetV2, GCP ShuffleNetV2,
a MindSpore ResNet, the released DropCov transformer, DropCov on DeiT-S and
Swin-T) trains a step and evaluates in mmengine's Runner, with its own
pipeline, head and hooks, on a few generated 64 px images."""
import os.path as osp
import re

import pytest
from mmengine.config import Config

from helpers import (ROOT, SyntheticImagesSpec, generate_synthetic_images,
                     run_one_iteration)

FAMILIES = ['mobilenet-v2-isqrt-d256_8xb12-lrnorm_in1k.py',
            'shufflenet-v2-1x-isqrt-d256_16xb64-lrnorm_in1k.py',
            'resnet50-dropcov-d128-ms_4xb64-linear_in1k.py',
            'convtoken-deit-small-dropcov_8xb128_in1k.py',
            'convtoken-t2t-vit-14-dropcov_8xb128_in1k.py',
            'deit-small-dropcov-d80_4xb256_in1k.py',
            'swin-tiny-dropcov-d80_16xb64_in1k.py']
SIZE = 64


def tiny_run_config(tmp_path, name):
    """The config with 3 classes, its pipelines at 64 px (Swin: 224, its
    last stage's window), on generated images (2 per class to train, 1 to
    evaluate)."""
    size = 224 if name.startswith('swin') else SIZE
    root = str(tmp_path / 'images')
    generate_synthetic_images(root, SyntheticImagesSpec(
        num_classes=3, train_per_class=2, val_per_class=1,
        image_size=SIZE))
    cfg = Config.fromfile(osp.join(ROOT, 'configs', 'pretrain', name))
    cfg.merge_from_dict({'model.head.num_classes': 3,
                         'data_preprocessor.num_classes': 3})
    if cfg.model.backbone.type == 'ConvTokenViT':  # fixed token count
        cfg.model.backbone.img_size = size
    for hook in cfg.get('custom_hooks', []):
        if hook.type == 'EMAHook':  # a one-step run: no burn-in
            hook.update(begin_iter=0)
    sizes = {'RandomResizedCrop': 'scale', 'ResizeEdge': 'scale',
             'CenterCrop': 'crop_size'}
    loaders = {}
    for split, loader in (('train', cfg.train_dataloader),
                          ('val', cfg.val_dataloader)):
        pipeline = loader.dataset.pipeline
        for transform in pipeline:
            if transform.type in sizes:
                transform[sizes[transform.type]] = size
        loaders[split] = dict(
            batch_size=2, num_workers=0, persistent_workers=False,
            sampler=dict(type='DefaultSampler', shuffle=split == 'train'),
            dataset=dict(type='CustomDataset', data_root=root,
                         data_prefix=split, pipeline=pipeline))
    cfg.train_dataloader = loaders['train']
    cfg.val_dataloader = cfg.test_dataloader = loaders['val']
    cfg.val_evaluator = cfg.test_evaluator = dict(type='Accuracy',
                                                  topk=(1, ))
    return cfg


@pytest.mark.parametrize('name', FAMILIES)
def test_family_trains_a_step_and_evaluates(tmp_path, name):
    cfg = tiny_run_config(tmp_path, name)
    log = run_one_iteration(cfg, tmp_path / 'work')
    assert re.search(r'\(train\).*\[1/\d+\].*loss: \d', log)
    assert re.search(r'\(val\).*accuracy/top1: \d', log)
    assert osp.isfile(tmp_path / 'work' / 'iter_1.pth')
