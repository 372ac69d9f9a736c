"""Every pretraining config builds mmpretrain's classifier with the papers'
architecture and recipe; the study configs differ only in the pooling."""
import glob
import os.path as osp
import re

import pytest
import torch
from mmengine.config import Config

from mmgcp.engine import SCHEDULES
from mmgcp.pretrain import GCPNeck

from helpers import PRETRAIN_DEMO_CONFIG, ROOT, build_config_model

ALL_PRETRAIN = sorted(glob.glob(osp.join(ROOT, 'configs', 'pretrain',
                                         '*.py')))
MINDSPORE = [p for p in ALL_PRETRAIN if '-ms_' in osp.basename(p)]
PRETRAIN = [p for p in ALL_PRETRAIN if osp.basename(p).startswith('resnet')
            and p not in MINDSPORE]
MOBILENET = [p for p in ALL_PRETRAIN
             if osp.basename(p).startswith('mobilenet-v2')]
SHUFFLENET = [p for p in ALL_PRETRAIN
              if osp.basename(p).startswith('shufflenet-v2')]
TRANSFORMERS = [p for p in ALL_PRETRAIN if osp.basename(p).startswith(
    ('convtoken-', 'deit-', 'swin-'))]
STUDY = sorted(glob.glob(osp.join(ROOT, 'configs', 'study', '*.py')))
NAME = re.compile(r'resnet(\d+)(?:-(isqrt|dropcov)-d(\d+))?_8xb32-'
                  r'(lrnorm|lrfast|lradj)_in1k\.py')
TAGS = {'lrnorm': 'LR_norm', 'lrfast': 'LR_fast', 'lradj': 'LR_adj'}
# 1000 classes: GCP (d=256) counts as asserted by an independent
# implementation (pytorchcv's isqrtcovresnet); d=128 as the papers round
# them; GAP: torchvision's ResNets
PARAMS_D256 = {18: 44_205_096, 34: 54_313_256, 50: 56_929_832,
               101: 75_921_960}
PARAMS_D128_M = {18: 19.5, 34: 29.6, 50: 32.0, 101: 51.0}
PARAMS_GAP = {18: 11_689_512, 34: 21_797_672, 50: 25_557_032,
              101: 44_549_160}


def test_every_family_has_its_configs():
    assert sorted(PRETRAIN + MOBILENET + SHUFFLENET + MINDSPORE +
                  TRANSFORMERS) == ALL_PRETRAIN
    names = {osp.basename(p) for p in PRETRAIN}
    assert all(NAME.fullmatch(n) for n in names), names
    for depth in (18, 34, 50, 101):
        for tag in TAGS:
            assert f'resnet{depth}-isqrt-d256_8xb32-{tag}_in1k.py' in names
            assert f'resnet{depth}_8xb32-{tag}_in1k.py' in names
        for model in ('isqrt-d128', 'dropcov-d256', 'dropcov-d128'):
            assert f'resnet{depth}-{model}_8xb32-lrnorm_in1k.py' in names


@pytest.mark.parametrize('path', PRETRAIN, ids=osp.basename)
def test_pretrain_config_builds_the_papers_model(path):
    depth, pooling, d, tag = NAME.fullmatch(osp.basename(path)).groups()
    depth = int(depth)
    cfg = Config.fromfile(path)
    model = build_config_model(path)
    assert type(model).__name__ == 'ImageClassifier'
    assert cfg.default_scope == 'mmpretrain'
    assert model.backbone.depth == depth
    count = sum(p.numel() for p in model.parameters())
    if pooling is None:
        assert tuple(model.backbone.strides) == (1, 2, 2, 2)
        assert type(model.neck).__name__ == 'GlobalAveragePooling'
        assert count == PARAMS_GAP[depth]
    else:
        assert tuple(model.backbone.strides) == (1, 2, 2, 1)
        assert isinstance(model.neck, GCPNeck)
        assert model.neck.pooling_name == pooling
        assert model.neck.reduced_channels == int(d)
        assert model.head.fc.in_features == model.neck.out_channels
        if pooling == 'isqrt' and d == '256':
            assert count == PARAMS_D256[depth]
        elif pooling == 'isqrt':
            assert round(count / 1e6, 1) == PARAMS_D128_M[depth]
    with torch.no_grad():
        assert model(torch.randn(1, 3, 64, 64)).shape == (1, 1000)
    # the papers' recipe: SGD lr 0.1 for batch 256, the named schedule
    assert cfg.param_scheduler.type == 'mmgcp.GCPEpochLR'
    assert cfg.param_scheduler.schedule == TAGS[tag]
    assert cfg.train_cfg.max_epochs == SCHEDULES[TAGS[tag]][0]
    assert cfg.optim_wrapper.optimizer.lr == 0.1
    assert cfg.optim_wrapper.optimizer.weight_decay == 1e-4
    assert cfg.train_dataloader.batch_size * 8 == \
        cfg.auto_scale_lr.base_batch_size == 256
    assert [t.type for t in cfg.train_dataloader.dataset.pipeline] == [
        'LoadImageFromFile', 'RandomResizedCrop', 'RandomFlip', 'PackInputs']
    assert cfg.val_evaluator.type == 'Accuracy'


MOBILENET_NAME = re.compile(r'mobilenet-v2(?:-isqrt-d(\d+))?_8xb(12|24)-'
                            r'(lrnorm|lrfast|lradj)_in1k\.py')
# the released models' parameter counts (1000 classes)
PARAMS_MOBILENET = {None: 3_504_872, '256': 35_449_064, '128': 10_644_968}
# the authors' recipe: schedule -> (lr, batch per GPU of 8)
MOBILENET_RECIPES = {'lrnorm': (0.045, 12), 'lrfast': (0.06, 12),
                     'lradj': (0.06, 24)}


def test_mobilenet_has_the_released_models():
    names = {osp.basename(p) for p in MOBILENET}
    assert all(MOBILENET_NAME.fullmatch(n) for n in names), names
    assert names == {
        'mobilenet-v2_8xb12-lrnorm_in1k.py',
        'mobilenet-v2_8xb12-lrfast_in1k.py',
        'mobilenet-v2_8xb24-lradj_in1k.py',
        'mobilenet-v2-isqrt-d256_8xb12-lrnorm_in1k.py',
        'mobilenet-v2-isqrt-d256_8xb12-lrfast_in1k.py',
        'mobilenet-v2-isqrt-d256_8xb24-lradj_in1k.py',
        'mobilenet-v2-isqrt-d128_8xb12-lrnorm_in1k.py',
        'mobilenet-v2-isqrt-d128_8xb24-lradj_in1k.py'}


@pytest.mark.parametrize('path', MOBILENET, ids=osp.basename)
def test_mobilenet_config_builds_the_released_model(path):
    d, batch, tag = MOBILENET_NAME.fullmatch(osp.basename(path)).groups()
    cfg = Config.fromfile(path)
    model = build_config_model(path)
    assert type(model.backbone).__name__ == 'MobileNetV2'
    assert sum(p.numel() for p in model.parameters()) == \
        PARAMS_MOBILENET[d]
    if d is None:
        assert type(model.neck).__name__ == 'GlobalAveragePooling'
    else:
        assert model.neck.reduced_channels == int(d)
        assert type(model.neck.layer_reduce_act).__name__ == 'ReLU6'
        assert model.neck.dropout.p == 0.2
    with torch.no_grad():
        assert model(torch.randn(1, 3, 64, 64)).shape == (1, 1000)
    lr, per_gpu = MOBILENET_RECIPES[tag]
    schedule = 'MobileNetV2_' + TAGS[tag]
    assert cfg.param_scheduler.schedule == schedule
    assert cfg.train_cfg.max_epochs == SCHEDULES[schedule][0]
    assert cfg.optim_wrapper.optimizer.lr == SCHEDULES[schedule][1] == lr
    assert cfg.optim_wrapper.optimizer.weight_decay == 4e-5
    assert cfg.train_dataloader.batch_size == per_gpu == int(batch)
    assert cfg.auto_scale_lr.base_batch_size == 8 * per_gpu


SHUFFLENET_NAME = re.compile(r'shufflenet-v2-1x(-isqrt-d256)?_16xb64-'
                             r'(lrnorm|lrfast|lradj)_in1k\.py')
# the authors' epochs of the linear decay per schedule
SHUFFLENET_EPOCHS = {'lrnorm': 240, 'lrfast': 60, 'lradj': 100}


@pytest.mark.parametrize('path', SHUFFLENET, ids=osp.basename)
def test_shufflenet_config_builds_the_released_model(path):
    gcp, tag = SHUFFLENET_NAME.fullmatch(osp.basename(path)).groups()
    cfg = Config.fromfile(path)
    model = build_config_model(path)
    assert type(model.backbone).__name__ == 'ShuffleNetV2'
    # the released models' parameter counts (1000 classes)
    assert sum(p.numel() for p in model.parameters()) == \
        (34_413_260 if gcp else 2_278_604)
    if gcp:
        assert model.neck.reduced_channels == 256
        assert type(model.neck.layer_reduce_act).__name__ == 'ReLU6'
        assert isinstance(model.neck.dropout, torch.nn.Identity)
    with torch.no_grad():
        assert model(torch.randn(1, 3, 64, 64)).shape == (1, 1000)
    epochs = SHUFFLENET_EPOCHS[tag]
    assert cfg.train_cfg.max_epochs == epochs
    (scheduler, ) = cfg.param_scheduler  # linear to 0 per iteration
    assert (scheduler.type, scheduler.power, scheduler.eta_min,
            scheduler.end, scheduler.convert_to_iter_based) == \
        ('PolyLR', 1.0, 0., epochs, True)
    assert cfg.optim_wrapper.optimizer.lr == 0.5
    assert cfg.optim_wrapper.optimizer.weight_decay == 4e-5
    assert 'paramwise_cfg' not in cfg.optim_wrapper  # BN decays too
    assert cfg.train_dataloader.batch_size * 16 == \
        cfg.auto_scale_lr.base_batch_size == 1024
    jitter = cfg.train_dataloader.dataset.pipeline[2]
    assert (jitter.type, jitter.brightness, jitter.contrast,
            jitter.saturation) == ('ColorJitter', 0.4, 0.4, 0.4)


def test_shufflenet_has_the_released_models():
    assert {osp.basename(p) for p in SHUFFLENET} == {
        f'shufflenet-v2-1x{gcp}_16xb64-{tag}_in1k.py'
        for gcp in ('', '-isqrt-d256') for tag in SHUFFLENET_EPOCHS}


MINDSPORE_NAME = re.compile(r'resnet(18|34|50)-(isqrt|dropcov)-d128-ms_'
                            r'4xb64-linear_in1k\.py')
# the MindSpore releases' architecture (d=128, 1001-way fc); their README
# rounds these to 19.6 / 29.7 / 32.3 (Fast-MPN) and 32.0 (DropCov) M
PARAMS_MINDSPORE = {18: 19_507_561, 34: 29_615_721, 50: 32_035_689}


@pytest.mark.parametrize('path', MINDSPORE, ids=osp.basename)
def test_mindspore_config_builds_the_released_model(path):
    depth, pooling = MINDSPORE_NAME.fullmatch(osp.basename(path)).groups()
    depth = int(depth)
    cfg = Config.fromfile(path)
    model = build_config_model(path)
    assert type(model.backbone).__name__ == 'MindSporeResNet'
    assert model.backbone.depth == depth
    assert tuple(model.backbone.strides) == (1, 2, 2, 1)
    assert (model.neck.pooling_name, model.neck.reduced_channels,
            model.neck.layer_reduce_bn.eps) == (pooling, 128, 1e-4)
    assert sum(p.numel() for p in model.parameters()) == \
        PARAMS_MINDSPORE[depth] + (3 if pooling == 'dropcov' else 0)
    with torch.no_grad():
        assert model(torch.randn(1, 3, 64, 64)).shape == (1, 1001)
    # the release repository's ImageNet recipe
    assert cfg.optim_wrapper.optimizer.lr == 0.8
    assert cfg.optim_wrapper.optimizer.weight_decay == 1e-4
    assert cfg.train_dataloader.batch_size * 4 == \
        cfg.auto_scale_lr.base_batch_size == 256
    warmup, decay = cfg.param_scheduler
    assert (warmup.type, warmup.end, decay.type, decay.power, decay.begin,
            decay.end) == ('LinearLR', 2, 'PolyLR', 1.0, 2, 100)
    assert cfg.train_cfg.max_epochs == 100
    loss = cfg.model.head.loss  # 0.9 on the label, 0.1 / 1000 elsewhere
    eps = loss.label_smooth_val
    assert (loss.type, loss.mode) == ('LabelSmoothLoss', 'original')
    assert abs(1 - eps + eps / 1001 - 0.9) < 1e-12
    assert abs(eps / 1001 - 0.1 / 1000) < 1e-12


def test_mindspore_has_the_released_models():
    assert {osp.basename(p) for p in MINDSPORE} == {
        f'resnet{d}-{p}-d128-ms_4xb64-linear_in1k.py'
        for d in (18, 34, 50) for p in ('isqrt', 'dropcov')}


# config -> (backbone, token pooling, parameters); the released
# DeiT-S + DropCov has 25.6M trainable ones (its position encoding is not
# trained), T2T-ViT-14 + DropCov is published as 24.9M
# the ConvTokenViTs: the parameters of DropCov's Deit_drop_Small and
# T2T_ViT_14 as built under timm 0.4.12 (no BatchNorm in the tokenizer's
# dense layers), counted from the authors' code
TRANSFORMER_MODELS = {
    'convtoken-deit-small-dropcov_8xb128_in1k.py':
        ('ConvTokenViT', 'MultiHeadCrossCovariance', 25_662_224),
    'convtoken-t2t-vit-14-dropcov_8xb128_in1k.py':
        ('ConvTokenViT', 'MultiHeadCrossCovariance', 25_074_704),
    'deit-small-dropcov-d80_4xb256_in1k.py':
        ('VisionTransformer', 'TokenCovariance', 25_322_387),
    'swin-tiny-dropcov-d80_16xb64_in1k.py':
        ('SwinTransformer', 'TokenCovariance', 31_590_797),
}


@pytest.mark.parametrize('path', TRANSFORMERS, ids=osp.basename)
def test_transformer_config_builds(path):
    name = osp.basename(path)
    backbone, pooling, params = TRANSFORMER_MODELS[name]
    cfg = Config.fromfile(path)
    model = build_config_model(path)
    assert type(model.backbone).__name__ == backbone
    assert type(model.head).__name__ == 'TokenCovClsHead'
    assert type(model.head.pooling).__name__ == pooling
    assert model.head.dropout.p == 0.5
    assert sum(p.numel() for p in model.parameters()) == params
    with torch.no_grad():
        assert model(torch.randn(1, 3, 224, 224)).shape == (1, 1000)
    if name.startswith('convtoken-'):  # the released models' recipe
        assert cfg.optim_wrapper.optimizer.lr == 1e-3
        assert cfg.optim_wrapper.optimizer.weight_decay == 0.03
        assert cfg.train_dataloader.batch_size * 8 == 1024
        warmup, cosine = cfg.param_scheduler
        assert (warmup.end, cosine.begin, cosine.end, cosine.eta_min) == \
            (5, 5, 300, 1e-5)
        assert cfg.train_cfg.max_epochs == 310
        assert cfg.custom_hooks == [dict(type='EMAHook', momentum=4e-5,
                                         priority='ABOVE_NORMAL')]
        assert cfg.model.backbone.drop_path_rate == 0.1
        pooling = model.head.pooling
        assert (pooling.num_heads, pooling.head_dim,
                pooling.token_drop) == (6, 24, 0.2)
    else:  # ours, on mmpretrain's own recipe for that backbone
        assert model.head.pooling.pooling.channels == 80
        assert type(model.head.pooling.pooling).__name__ == \
            'DropCov'


def test_transformers_have_their_configs():
    assert {osp.basename(p) for p in TRANSFORMERS} == set(TRANSFORMER_MODELS)


def test_demo_config_builds():
    cfg = Config.fromfile(PRETRAIN_DEMO_CONFIG)
    model = build_config_model(PRETRAIN_DEMO_CONFIG)
    assert model.neck.reduced_channels == 64
    assert model.head.fc.out_features == cfg.num_classes == 10
    assert cfg.train_dataloader.dataset.type == 'CustomDataset'


def test_study_configs_differ_only_in_the_pooling():
    gap, isqrt = (Config.fromfile(p) for p in STUDY)
    assert [osp.basename(p) for p in STUDY] == [
        'resnet18_gap_textures.py', 'resnet18_isqrt_textures.py']
    assert type(build_config_model(STUDY[0]).neck).__name__ == \
        'GlobalAveragePooling'
    assert isinstance(build_config_model(STUDY[1]).neck, GCPNeck)
    gap_dict, isqrt_dict = gap.to_dict(), isqrt.to_dict()
    gap_dict.pop('model'), isqrt_dict.pop('model')
    assert gap_dict == isqrt_dict
    assert [h['type'] for h in isqrt.custom_hooks] == ['mmgcp.LandscapeHook']
