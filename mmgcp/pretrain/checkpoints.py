"""Import of the officially released GCP checkpoints, and backbone export.

Released layouts are recognised by their keys:

- ``gcp_optimization``: GCP_Optimization (CVPR 2020) and DropCov (NeurIPS
  2022), a dict with ``state_dict`` whose keys carry DataParallel's
  ``module.`` prefix; torchvision backbone names, a ``layer_reduce`` /
  ``layer_reduce_bn`` / ``fc`` head (the landscape code spells
  ``Layer_Reduce``), DropCov adds ``eca_layer.conv.weight``.
- ``fast_mpn_cov_zoo``: the fast-MPN-COV model zoo, the same names as a plain
  state dict without prefix (mmgcp 0.1 classifier checkpoints share it).
- ``fast_mpn_cov_train``: fast-MPN-COV training checkpoints,
  ``features.module.{0,1,4,5,6,7}`` = conv1, bn1, layer1..4,
  ``representation.conv_dr_block.{0,1}`` = reduction conv/BN,
  ``classifier.*`` = fc.
- ``dropcov_vit``: the DropCov DeiT-S / T2T-ViT-14 releases (timm's saver:
  ``state_dict`` and ``state_dict_ema``, no prefix): ``visual_tokens.tokens``
  (the convolutional tokenizer, timm's ``denselayerN`` names), ``blocks.N``
  (``norm1``, ``attn.qkv``, ``attn.proj``, ``norm2``, ``mlp.fc1/fc2``),
  ``cls_token``, ``pos_embed``, ``norm``, ``classifier.representation.wr``,
  ``classifier.visual_fc``, ``classifier.cls_fc``; they convert to
  :class:`ConvTokenViT` + :class:`TokenCovClsHead`.

They convert to the keys of mmgcp's pretraining configs, mmpretrain's
``ImageClassifier`` with a ResNet, MobileNetV2 or ShuffleNetV2 ``backbone``, a
:class:`GCPNeck` ``neck`` and a ``LinearClsHead`` ``head`` (GAP releases:
mmpretrain's plain classifier). The GCP_Optimization MobileNetV2 releases
have torchvision's names (``features.0`` .. ``features.18``), a
``dimension_reduction.{0,1}`` reduction and ``classifier.1``; the
ShuffleNetV2 1.0x ones torchvision's ``conv1``, ``stage2..4``, ``conv5``,
the same reduction and ``fc``.
"""
import argparse
import inspect
import os.path as osp
import re
from typing import Dict, List, Optional, Tuple

import torch

from ..checkpoint import (CheckpointError, compare_keys, format_keys,
                          read_checkpoint, save_with_hash, strip_key)
from .model_zoo import config_name, config_options, zoo_entry

__all__ = ['KNOWN_LAYOUTS', 'TRUNK_KEYS', 'BACKBONE_TOOLBOXES',
           'CheckpointLayoutError', 'CheckpointIncompleteError',
           'mobilenet_v2_backbone', 'config_file', 'check_converted',
           'resnet_classifier_key', 'classifier_checkpoint',
           'detect_layout', 'read_release', 'convert_official',
           'infer_architecture',
           'export_backbone', 'load_classifier_state']

KNOWN_LAYOUTS = ('gcp_optimization', 'fast_mpn_cov_zoo',
                 'fast_mpn_cov_train', 'dropcov_vit')
# the ResNet trunk, the same names in torchvision, mmdet and mmpretrain
TRUNK_KEYS = ('conv1.', 'bn1.', 'layer1.', 'layer2.', 'layer3.', 'layer4.')
_TRAIN_FEATURES = {'0': 'conv1', '1': 'bn1', '4': 'layer1', '5': 'layer2',
                   '6': 'layer3', '7': 'layer4'}
_TRAIN_REDUCTION = {'0': 'layer_reduce', '1': 'layer_reduce_bn'}
# released name prefix -> classifier key prefix
_TO_CLASSIFIER = tuple((k, 'backbone.' + k) for k in TRUNK_KEYS) + (
    ('layer_reduce_bn.', 'neck.layer_reduce_bn.'),
    ('layer_reduce.', 'neck.layer_reduce.'),
    ('eca_layer.', 'neck.pooling.eca_layer.'),
    ('fc.', 'head.fc.'),
)


# torchvision's MobileNetV2 ``features.i`` -> mmpretrain's ``layerS.B``:
# blocks per stage of the inverted-residual settings
_MOBILENET_V2_BLOCKS = (1, 2, 3, 4, 3, 3, 1)
_MOBILENET_V2_FEATURES = {
    str(1 + sum(_MOBILENET_V2_BLOCKS[:stage]) + block):
    f'layer{stage + 1}.{block}'
    for stage, count in enumerate(_MOBILENET_V2_BLOCKS)
    for block in range(count)}
# inside a block: torchvision's Sequential indices -> mmpretrain's ConvModules
# (the first block has no expansion conv)
_MOBILENET_V2_FIRST_BLOCK = {
    'conv.0.0': 'conv.0.conv', 'conv.0.1': 'conv.0.bn',
    'conv.1': 'conv.1.conv', 'conv.2': 'conv.1.bn'}
_MOBILENET_V2_BLOCK = {'conv.0.0': 'conv.0.conv', 'conv.0.1': 'conv.0.bn',
                       'conv.1.0': 'conv.1.conv', 'conv.1.1': 'conv.1.bn',
                       'conv.2': 'conv.2.conv', 'conv.3': 'conv.2.bn'}
# the GCP head of the MobileNetV2 and ShuffleNetV2 releases
_DIMENSION_REDUCTION = (
    ('dimension_reduction.0.', 'neck.layer_reduce.'),
    ('dimension_reduction.1.', 'neck.layer_reduce_bn.'),
)
_MOBILENET_V2_HEAD = (
    ('features.0.0.', 'backbone.conv1.conv.'),
    ('features.0.1.', 'backbone.conv1.bn.'),
    ('features.18.0.', 'backbone.conv2.conv.'),
    ('features.18.1.', 'backbone.conv2.bn.'),
    ('classifier.1.', 'head.fc.'),
) + _DIMENSION_REDUCTION

# torchvision's ShuffleNetV2 (``conv1``, ``stage2..4``, ``conv5``) ->
# mmpretrain's (``conv1``, ``layers.0..2``, ``layers.3``); inside a block,
# each branch's Sequential index of a conv or BN -> mmpretrain's ConvModule
_SHUFFLENET_V2_BRANCHES = {
    'branch1': {'0': '0.conv', '1': '0.bn', '2': '1.conv', '3': '1.bn'},
    'branch2': {'0': '0.conv', '1': '0.bn', '3': '1.conv', '4': '1.bn',
                '5': '2.conv', '6': '2.bn'},
}
_SHUFFLENET_V2_HEAD = (
    ('conv1.0.', 'backbone.conv1.conv.'),
    ('conv1.1.', 'backbone.conv1.bn.'),
    ('conv5.0.', 'backbone.layers.3.conv.'),
    ('conv5.1.', 'backbone.layers.3.bn.'),
    ('fc.', 'head.fc.'),
) + _DIMENSION_REDUCTION


# the MobileNetV2 backbones of the dense toolboxes: mmseg's has mmpretrain's
# names but no last 1x1 conv (``conv2``); mmdet's names a block's convs by
# role
BACKBONE_TOOLBOXES = ('mmdet', 'mmseg', 'mmpretrain')
_MMDET_MOBILENET_V2_CONVS = {'0': 'expand_conv', '1': 'depthwise_conv',
                             '2': 'linear_conv'}


def _mmdet_mobilenet_v2_key(key: str) -> str:
    m = re.match(r'(layer\d+)\.(\d+)\.conv\.(\d)\.(.*)', key)
    if not m:
        return key
    index = m.group(3)
    if m.group(1) == 'layer1':  # no expansion: depthwise, then linear
        index = str(int(index) + 1)
    return (f'{m.group(1)}.{m.group(2)}.{_MMDET_MOBILENET_V2_CONVS[index]}.'
            f'{m.group(4)}')


def mobilenet_v2_backbone(state: Dict[str, torch.Tensor], toolbox: str
                          ) -> Dict[str, torch.Tensor]:
    """mmpretrain MobileNetV2 backbone keys (no prefix) in ``toolbox``'s
    names: mmdet's role names, mmseg's without ``conv2``."""
    if toolbox not in BACKBONE_TOOLBOXES:
        raise ValueError(f'a MobileNetV2 backbone is written for one of '
                         f'{BACKBONE_TOOLBOXES}, got {toolbox!r}')
    if toolbox == 'mmseg':
        return {k: v for k, v in state.items() if not k.startswith('conv2.')}
    if toolbox == 'mmdet':
        return {_mmdet_mobilenet_v2_key(k): v for k, v in state.items()}
    return dict(state)


class CheckpointLayoutError(CheckpointError):
    """A checkpoint is of no layout mmgcp knows."""


class CheckpointIncompleteError(CheckpointLayoutError):
    """A converted release lacks tensors of the model its config builds
    (a file cut short), or holds tensors that model does not have."""


def _tensor_items(obj) -> Dict[str, torch.Tensor]:
    return {k: v for k, v in obj.items() if isinstance(v, torch.Tensor)}


def read_release(filename: str) -> object:
    """A released PyTorch checkpoint, read with ``weights_only=True``.

    Beyond tensors and what mmengine checkpoints hold, one object is
    allowed: the ``argparse.Namespace`` in which timm's checkpoint saver
    keeps the training arguments. A file that needs anything else is
    refused with one line naming it (:class:`CheckpointError`).
    """
    try:
        return read_checkpoint(filename, allow=[argparse.Namespace])
    except CheckpointError as err:
        if 'not a PyTorch checkpoint' not in str(err):
            raise
        raise CheckpointError(
            f'{err}; MindSpore files must end in .ckpt') from None


def detect_layout(checkpoint: object, filename: str = '<checkpoint>',
                  ema: bool = False) -> Tuple[str, Dict[str, torch.Tensor]]:
    """(layout name, raw tensor dict) of a loaded released checkpoint
    (``ema``: its ``state_dict_ema``, the weights' moving average that timm
    also saves)."""
    if not isinstance(checkpoint, dict):
        raise CheckpointLayoutError(
            f'{filename}: expected a dict, got {type(checkpoint).__name__}; '
            f'known layouts: {", ".join(KNOWN_LAYOUTS)}')
    if ema and not isinstance(checkpoint.get('state_dict_ema'), dict):
        raise CheckpointLayoutError(
            f'{filename}: no state_dict_ema (EMA weights) in it; keys: '
            f'{", ".join(map(str, checkpoint))}')
    state = checkpoint['state_dict_ema'] if ema else \
        checkpoint.get('state_dict', checkpoint)
    state = _tensor_items(state) if isinstance(state, dict) else {}
    keys = list(state)
    if 'visual_tokens.tokens.stem.0.weight' in keys:
        return 'dropcov_vit', state
    if any(k.startswith('features.module.') for k in keys):
        return 'fast_mpn_cov_train', state
    if keys and all(k.startswith('module.') for k in keys) and \
            any(k.startswith(('module.layer1.', 'module.features.1.',
                              'module.stage2.'))
                for k in keys):
        return 'gcp_optimization', state
    if any(k.startswith('layer1.') for k in keys) and 'conv1.weight' in keys:
        return 'fast_mpn_cov_zoo', state
    hint = ''
    if any(k.startswith('backbone.layer1.') for k in keys):
        hint = ('; it already has mmgcp classifier keys (backbone.*): load '
                'it with a pretraining config, or export its backbone with '
                'tools/export_backbone.py')
    if not hint and any(k.startswith(('module.conv1.', 'conv1.'))
                        for k in keys):
        hint = ('; it has a stem but no stage: a release cut short reads '
                'this way')
    raise CheckpointLayoutError(
        f'{filename}: unknown checkpoint layout (first keys: '
        f'{", ".join(keys[:5]) or "none"}); known layouts: '
        f'{", ".join(KNOWN_LAYOUTS)}{hint}')


def _released_names(layout: str, state: Dict[str, torch.Tensor]
                    ) -> Tuple[Dict[str, torch.Tensor], List[str]]:
    """Keys in the released models' own names (``conv1``, ``layer_reduce``,
    ``fc`` ...), and a list of the renames made."""
    out, renames = {}, []
    for key, value in state.items():
        new = key
        if layout == 'gcp_optimization':
            new = strip_key(key)
            new = new.replace('Layer_Reduce_BN', 'layer_reduce_bn').replace(
                'Layer_Reduce', 'layer_reduce')
        elif layout == 'fast_mpn_cov_train':
            m = re.match(r'features\.module\.(\d+)\.(.*)', key)
            r = re.match(r'representation\.conv_dr_block\.(\d+)\.(.*)', key)
            if m and m.group(1) in _TRAIN_FEATURES:
                new = f'{_TRAIN_FEATURES[m.group(1)]}.{m.group(2)}'
            elif r and r.group(1) in _TRAIN_REDUCTION:
                new = f'{_TRAIN_REDUCTION[r.group(1)]}.{r.group(2)}'
            elif key.startswith('classifier.'):
                new = 'fc.' + key[len('classifier.'):]
            else:
                new = strip_key(key)
            if new != key:
                renames.append(f'{key} -> {new}')
        out[new] = value
    return out, renames


def _renamed_prefix(name: str, table) -> Optional[str]:
    """``name`` with the first matching ``(old, new)`` prefix replaced."""
    for old, new in table:
        if name.startswith(old):
            return new + name[len(old):]
    return None


def _mobilenet_v2_key(name: str) -> Optional[str]:
    renamed = _renamed_prefix(name, _MOBILENET_V2_HEAD)
    if renamed is not None:
        return renamed
    m = re.match(r'features\.(\d+)\.(conv\.\d+(?:\.\d+)?)\.(\w+)$', name)
    if not m or m.group(1) not in _MOBILENET_V2_FEATURES:
        return None
    inner = (_MOBILENET_V2_FIRST_BLOCK if m.group(1) == '1'
             else _MOBILENET_V2_BLOCK).get(m.group(2))
    if inner is None:
        return None
    return (f'backbone.{_MOBILENET_V2_FEATURES[m.group(1)]}.{inner}.'
            f'{m.group(3)}')


def _shufflenet_v2_key(name: str) -> Optional[str]:
    renamed = _renamed_prefix(name, _SHUFFLENET_V2_HEAD)
    if renamed is not None:
        return renamed
    m = re.match(r'stage([234])\.(\d+)\.(branch[12])\.(\d)\.(\w+)$', name)
    if not m:
        return None
    inner = _SHUFFLENET_V2_BRANCHES[m.group(3)].get(m.group(4))
    if inner is None:
        return None
    return (f'backbone.layers.{int(m.group(1)) - 2}.{m.group(2)}.'
            f'{m.group(3)}.{inner}.{m.group(5)}')


# the released DropCov transformers (timm-style blocks) -> ConvTokenViT's
# (mmpretrain's TransformerEncoderLayer) and TokenCovClsHead's names
_DROPCOV_VIT_BLOCK = {'norm1': 'ln1', 'norm2': 'ln2',
                      'mlp.fc1': 'ffn.layers.0.0', 'mlp.fc2': 'ffn.layers.1',
                      'attn.qkv': 'attn.qkv', 'attn.proj': 'attn.proj'}


def _dropcov_vit_key(name: str) -> Optional[str]:
    if name.startswith('classifier.representation.'):  # the token pooling
        return 'head.pooling.' + name[len('classifier.representation.'):]
    if name.startswith('classifier.'):
        return 'head.' + name[len('classifier.'):]
    if name in ('cls_token', 'pos_embed') or name.startswith('norm.'):
        return 'backbone.' + name
    m = re.match(r'blocks\.(\d+)\.(norm1|norm2|mlp\.fc1|mlp\.fc2|attn\.qkv|'
                 r'attn\.proj)\.(\w+)$', name)
    if m:
        return (f'backbone.blocks.{m.group(1)}.'
                f'{_DROPCOV_VIT_BLOCK[m.group(2)]}.{m.group(3)}')
    if name.startswith('visual_tokens.tokens.'):
        rest = re.sub(r'\.denselayer(\d+)\.',
                      lambda d: f'.block.{int(d.group(1)) - 1}.',
                      name[len('visual_tokens.tokens.'):])
        return 'backbone.visual_tokens.' + rest
    return None


def resnet_classifier_key(name: str) -> Optional[str]:
    """A released ResNet's name (torchvision's trunk, ``layer_reduce``,
    ``layer_reduce_bn``, ``eca_layer``, ``fc``) -> classifier key (None:
    not a model tensor)."""
    return _renamed_prefix(name, _TO_CLASSIFIER)


# model -> released name -> classifier key (None: not a model tensor)
_CLASSIFIER_KEYS = {
    'resnet': resnet_classifier_key,
    'mobilenet_v2': _mobilenet_v2_key,
    'shufflenet_v2': _shufflenet_v2_key,
    'conv_token_vit': _dropcov_vit_key,
}


def _released_model(released: Dict[str, torch.Tensor]) -> str:
    """The architecture family of a state dict in the released names."""
    if 'features.18.0.weight' in released:
        return 'mobilenet_v2'
    if 'conv5.0.weight' in released:
        return 'shufflenet_v2'
    if 'visual_tokens.tokens.stem.0.weight' in released:
        return 'conv_token_vit'
    return 'resnet'


def infer_architecture(state: Dict[str, torch.Tensor]) -> dict:
    """model (``'resnet'``, ``'mobilenet_v2'``, ``'shufflenet_v2'``),
    ResNet depth, pooling, reduced channels d and classes of a classifier
    state dict in mmgcp's keys (``backbone.``, ``neck.``, ``head.``)."""
    if 'backbone.visual_tokens.stem.0.weight' in state:
        return _conv_token_vit_architecture(state)
    if 'backbone.stages.3.blocks.0.attn.w_msa.qkv.weight' in state:
        return dict(model='swin', pooling='token_cov' if
                    'head.visual_fc.weight' in state else 'gap')
    if 'backbone.layer7.0.conv.0.conv.weight' in state:
        arch = dict(model='mobilenet_v2')
    elif 'backbone.layers.0.0.branch1.0.conv.weight' in state:
        arch = dict(model='shufflenet_v2')
        width = 2 * state[
            'backbone.layers.0.0.branch2.0.conv.weight'].shape[0]
        if width != 116:
            raise CheckpointLayoutError(
                f'a ShuffleNetV2 with {width} stage-2 channels; the '
                'configs build the released 1.0x (116)')
    else:
        arch = dict(model='resnet', depth=_resnet_depth(state))
        # a narrower ResNet than the releases' (stem and base width 64)
        stem = state['backbone.conv1.weight'].shape[0]
        base = state['backbone.layer1.0.conv1.weight'].shape[0]
        if (stem, base) != (64, 64):
            arch.update(stem_channels=stem, base_channels=base)
    if 'neck.layer_reduce.weight' in state:
        arch['reduced_channels'] = state['neck.layer_reduce.weight'].shape[0]
        arch['pooling'] = 'dropcov' if \
            'neck.pooling.eca_layer.conv.weight' in state else 'isqrt'
    else:
        arch['pooling'] = 'gap'
    if 'head.fc.weight' in state:
        arch['num_classes'] = state['head.fc.weight'].shape[0]
    return arch


# a BatchNorm of the tokenizer's dense layers: in files saved with timm >=
# 0.6.11 only (timm 0.4.12, which DropCov pins, builds them as bare ReLUs)
_DENSE_NORM_KEY = 'backbone.visual_tokens.stage.0.block.0.norm1.weight'


def _conv_token_vit_architecture(state: Dict[str, torch.Tensor]) -> dict:
    """The released DropCov transformer: its blocks (12: DeiT-S, 14:
    T2T-ViT-14), width, MLP ratio and classes."""
    blocks = len({k.split('.')[2] for k in state
                  if k.startswith('backbone.blocks.')})
    width = state['backbone.norm.weight'].shape[0]
    hidden = state['backbone.blocks.0.ffn.layers.0.0.weight'].shape[0]
    arch = dict(model='conv_token_vit', depth=blocks, embed_dims=width,
                mlp_ratio=hidden / width, pooling='cross_cov',
                dense_norm=_DENSE_NORM_KEY in state)
    if 'head.visual_fc.weight' in state:
        arch['num_classes'] = state['head.visual_fc.weight'].shape[0]
    return arch


def _resnet_depth(state: Dict[str, torch.Tensor]) -> int:
    blocks = {stage: len({k.split('.')[2] for k in state
                          if k.startswith(f'backbone.layer{stage}.')})
              for stage in (1, 2, 3, 4)}
    bottleneck = 'backbone.layer1.0.conv3.weight' in state
    depths = {(False, (2, 2, 2, 2)): 18, (False, (3, 4, 6, 3)): 34,
              (True, (3, 4, 6, 3)): 50, (True, (3, 4, 23, 3)): 101}
    key = (bottleneck, tuple(blocks[s] for s in (1, 2, 3, 4)))
    if key not in depths:
        raise CheckpointIncompleteError(
            f'not a ResNet-18/34/50/101, MobileNetV2 or ShuffleNetV2 (ResNet '
            f'blocks per stage {key[1]}, bottleneck {bottleneck}): the file '
            'looks cut short, or is another model')
    return depths[key]


def convert_official(checkpoint: object, filename: str = '<checkpoint>',
                     zoo_name: Optional[str] = None,
                     ema: bool = False) -> Tuple[dict, List[str]]:
    """Convert a loaded released checkpoint to mmgcp's classifier keys.

    Args:
        checkpoint: the loaded file.
        filename: its name, for messages and metadata.
        zoo_name: the model-zoo entry it is; its metadata (top-1, source)
            goes into ``meta`` and its depth/pooling/d must match the file.
        ema: convert the ``state_dict_ema`` a timm checkpoint also holds.

    Returns:
        (checkpoint dict with ``meta`` and ``state_dict``, report lines)
    """
    layout, raw = detect_layout(checkpoint, filename, ema)
    released, renames = _released_names(layout, raw)
    model = _released_model(released)
    state, dropped = {}, []
    for key, value in released.items():
        new = _CLASSIFIER_KEYS[model](key)
        if new is None:
            dropped.append(key)
        else:
            state[new] = value
    report = ['weights: state_dict_ema'] if ema else []
    if layout == 'gcp_optimization':
        report.append(f'renamed: stripped "module." from {len(raw)} keys')
    report += [f'renamed: {r}' for r in renames]
    report.append(f'renamed: {len(state)} keys to the classifier\'s '
                  'backbone./neck./head. names')
    report += [f'dropped: {k}' for k in sorted(dropped)]
    if model == 'conv_token_vit':
        report.append(
            'tokenizer: dense layers with BatchNorm + ReLU (saved with timm '
            '>= 0.6.11; config option dense_norm=True)'
            if _DENSE_NORM_KEY in state else
            'tokenizer: dense layers with ReLU only, no BatchNorm (as '
            'released: timm 0.4.12)')
    return classifier_checkpoint(state, filename, layout, report, zoo_name)


def classifier_checkpoint(state: Dict[str, torch.Tensor], filename: str,
                          layout: str, report: List[str],
                          zoo_name: Optional[str] = None
                          ) -> Tuple[dict, List[str]]:
    """A converted release's classifier checkpoint: ``state`` (in the
    classifier's keys) with ``meta`` naming its architecture, the config
    that builds it (and the options that fit it) and, given ``zoo_name``,
    the model-zoo metadata once the file is checked to be that model.
    ``report`` (what the conversion did) comes back with the layout,
    architecture and config lines around it.

    Raises:
        CheckpointIncompleteError: ``state`` is not exactly the tensors (keys
            and shapes) of the model the config builds: a file cut short,
            or another model.
        CheckpointLayoutError: no config builds the architecture, or the
            file is not the ``zoo_name`` model.
    """
    framework = 'mindspore' if layout == 'mindspore' else 'pytorch'
    entry = zoo_entry(zoo_name) if zoo_name is not None else None
    if not any(k.startswith('head.') for k in state):
        # a classifier without its classifier: its architecture cannot be
        # told from the rest, the zoo entry's config says what is missing
        if entry is not None and entry.config is not None:
            check_converted(state, entry.config, {}, filename)
        raise CheckpointIncompleteError(
            f'{filename}: no classifier tensors (fc): the file looks cut '
            'short, or is not a classifier (with --zoo-name the converter '
            'names every missing tensor)')
    try:
        arch = infer_architecture(state)
    except KeyError as err:
        raise CheckpointIncompleteError(
            f'{filename}: no {err} tensor, so its architecture cannot be '
            'told; the file looks cut short, or is not a GCP classifier'
        ) from None
    config = config_name(arch.get('depth'), arch['pooling'],
                         arch.get('reduced_channels'),
                         entry.schedule if entry else 'LRnorm',
                         arch['model'], framework)
    if config is None:
        raise CheckpointLayoutError(
            f'{filename}: none of configs/pretrain builds its architecture '
            f'{arch}, so it cannot be checked or loaded')
    from mmengine.config import Config
    options = config_options(Config.fromfile(config_file(config)).model,
                             arch)
    check_converted(state, config, options, filename)
    zoo = {}
    if entry is not None:
        expected = dict(model=entry.model, depth=entry.depth,
                        pooling=entry.pooling, framework=entry.framework)
        if entry.reduced_channels is not None:
            expected['reduced_channels'] = entry.reduced_channels
        got = dict(arch, framework=framework)
        wrong = {k: (v, got.get(k)) for k, v in expected.items()
                 if got.get(k) != v}
        if wrong:
            raise CheckpointLayoutError(
                f'{filename} is not {zoo_name}: ' + ', '.join(
                    f'{k} is {have}, expected {want}'
                    for k, (want, have) in wrong.items()))
        zoo = dict(zoo_name=entry.name, top1=entry.top1, top5=entry.top5,
                   schedule=entry.schedule, source_page=entry.page)
    report = [f'layout: {layout}', f'architecture: {arch}'] + report
    report.append(f'config: {config}')
    if options:
        report.append('config options: ' + ' '.join(
            f'{k}={v}' for k, v in options.items()))
    report.append(f'checked: the {len(state)} tensors are those of the '
                  "config's model, with its shapes")
    meta = dict(source=osp.basename(filename), layout=layout,
                framework=framework, config=config, config_options=options,
                **arch, **zoo)
    return dict(meta=meta, state_dict=state), report


def config_file(config: str) -> str:
    """The path of ``configs/...`` (as :func:`config_name` names it) in a
    source checkout, or in an installed package's ``.mim`` folder."""
    package = osp.dirname(osp.dirname(osp.abspath(__file__)))
    for root in (osp.dirname(package), osp.join(package, '.mim')):
        path = osp.join(root, config)
        if osp.isfile(path):
            return path
    raise FileNotFoundError(f'{config} is neither in the source tree nor in '
                            "the installed package's .mim folder")


def check_converted(state: Dict[str, torch.Tensor], config: str,
                    options: Dict[str, object],
                    filename: str = '<checkpoint>') -> None:
    """Require ``state`` to hold exactly the tensors, with their shapes, of
    the model ``config`` builds with ``options`` (BN counters aside).

    Raises:
        CheckpointIncompleteError: one line saying how many and which
            tensors are missing (a file cut short, or another model), or
            which do not belong to the model.
    """
    from mmengine.config import Config
    from mmengine.registry import DefaultScope
    from mmpretrain.registry import MODELS
    cfg = Config.fromfile(config_file(config))
    if options:
        cfg.merge_from_dict(options)
    cfg.model.pop('train_cfg', None)  # batch augments: no weights, a log line
    # in the config's scope, leaving the caller's as it was
    with DefaultScope.overwrite_default_scope(
            cfg.get('default_scope', 'mmpretrain')):
        expected = MODELS.build(cfg.model).state_dict()
    diff = compare_keys(expected, state)
    if not diff:
        return
    if diff.missing and not diff.unexpected and not diff.reshaped:
        total = sum(not k.endswith('num_batches_tracked') for k in expected)
        raise CheckpointIncompleteError(
            f'{filename}: {len(diff.missing)} of the {total} tensors of the '
            f'model of {config} are missing '
            f'({format_keys(diff.missing, 4)}); the file looks cut short, '
            'or is another model')
    raise CheckpointIncompleteError(
        f'{filename} is not the model of {config}: {diff.describe()}')


def convert_release(filename: str, zoo_name: Optional[str] = None,
                    ema: bool = False) -> Tuple[dict, List[str]]:
    """(classifier checkpoint, report lines) of a released file: a PyTorch
    checkpoint (:func:`read_release`, :func:`convert_official`) or a
    MindSpore ``.ckpt`` (:mod:`mmgcp.pretrain.mindspore_checkpoints`)."""
    if filename.endswith('.ckpt'):  # MindSpore: a protobuf message
        from .mindspore_checkpoints import (convert_mindspore,
                                            read_mindspore_checkpoint)
        return convert_mindspore(read_mindspore_checkpoint(filename),
                                 filename, zoo_name=zoo_name)
    return convert_official(read_release(filename), filename,
                            zoo_name=zoo_name, ema=ema)


def load_classifier_state(filename: str) -> Tuple[Dict[str, torch.Tensor],
                                                  dict]:
    """(state dict, meta) of an mmgcp classifier checkpoint (a training
    checkpoint of a pretraining config, or a converted release)."""
    checkpoint = read_checkpoint(filename)
    if not isinstance(checkpoint, dict) or not isinstance(
            checkpoint.get('state_dict'), dict):
        raise CheckpointLayoutError(
            f'{filename}: expected a dict with a "state_dict"; for a '
            'released checkpoint run tools/convert_official.py first')
    state = _tensor_items(checkpoint['state_dict'])
    if not any(k.startswith('backbone.') for k in state):
        hint = ' (a released or mmgcp 0.1 checkpoint: convert it with ' \
            'tools/convert_official.py)' if 'layer4.0.conv1.weight' in \
            state else ''
        raise CheckpointLayoutError(
            f'{filename}: no classifier keys (backbone.*){hint}')
    return state, dict(checkpoint.get('meta') or {})


def trained_pooling(meta: dict) -> Optional[str]:
    """The pooling a classifier checkpoint was trained or converted with,
    as its ``meta`` says: the config mmengine saves with a training
    checkpoint (``cfg``), or the converter's ``pooling``; ``None`` when
    neither is there (the tensors then tell reduced from not, and DropCov
    from the rest, but not which normalisation)."""
    if isinstance(meta.get('cfg'), str):
        from mmengine.config import Config
        model = Config.fromstring(meta['cfg'], '.py').get('model') or {}
        neck, head = model.get('neck') or {}, model.get('head') or {}
        from .necks import GCPNeck
        from .token_heads import TokenCovClsHead
        for part, owner in ((neck, GCPNeck), (head, TokenCovClsHead)):
            if part.get('type') == owner.__name__:
                return part.get('pooling', inspect.signature(
                    owner).parameters['pooling'].default)
        return 'gap'
    pooling = meta.get('pooling')
    return pooling if isinstance(pooling, str) else None


def export_backbone(src: str, out: str, toolbox: Optional[str] = None
                    ) -> str:
    """Write the backbone of a classifier checkpoint for dense tasks.

    A ResNet's weights are for ``GCPResNet``, a MobileNetV2's for the
    ``MobileNetV2`` of mmdet, mmseg or mmpretrain, a ShuffleNetV2's for
    mmpretrain's ``ShuffleNetV2`` (mmdet and mmseg have none; their configs
    can use ``type='mmpretrain.ShuffleNetV2'``).
    A Swin-T's are for the ``SwinTransformer`` of mmdet and mmseg (the same
    names as mmpretrain's; they add the norms of their extra outputs). The
    file holds ``meta`` and ``state_dict`` (trunk keys only, no prefix; a
    Swin's keep ``backbone.``, the only keys mmdet's Swin reads) and is
    named ``<out stem>-<sha256[:8]>.pth`` (mmdet's publish
    convention). (``GCPResNet`` also loads a whole classifier checkpoint
    directly, and mmseg's MobileNetV2 with ``prefix='backbone.'``.)

    Args:
        src: the classifier checkpoint.
        out: the output name (the hash is added).
        toolbox: for a MobileNetV2 or ShuffleNetV2, whose backbone it is
            for (``'mmdet'``, ``'mmseg'`` or ``'mmpretrain'``): their key
            names differ.

    Returns:
        str: the final path.
    """
    state, meta = load_classifier_state(src)
    arch = infer_architecture(state)
    backbone = {k[len('backbone.'):]: v for k, v in state.items()
                if k.startswith('backbone.')}
    if arch['model'] == 'conv_token_vit':
        raise ValueError(
            f'{src} is a ConvTokenViT classifier (the released DropCov '
            'DeiT-S / T2T-ViT-14): mmdet and mmseg have no backbone of '
            'its kind to export it to')
    if arch['model'] == 'swin':
        # mmdet's SwinTransformer reads only the 'backbone.' keys of a file;
        # mmseg's strips the prefix where it is
        backbone = {'backbone.' + k: v for k, v in backbone.items()}
    elif arch['model'] != 'resnet' and toolbox is None:
        raise ValueError(
            f'{src} is a {arch["model"]}: say which toolbox the backbone is '
            f'for (one of {", ".join(BACKBONE_TOOLBOXES)}); their key '
            'names differ')
    if arch['model'] == 'mobilenet_v2':
        backbone = mobilenet_v2_backbone(backbone, toolbox)
    elif arch['model'] == 'shufflenet_v2' and toolbox != 'mmpretrain':
        raise ValueError(
            f'{toolbox} has no ShuffleNetV2 backbone: export it with '
            "toolbox='mmpretrain' and use type='mmpretrain.ShuffleNetV2' "
            'in the dense config')
    target = {'resnet': 'GCPResNet',
              'swin': "mmdet's and mmseg's SwinTransformer (keys keep "
                      "'backbone.')"}.get(arch['model'],
                                          f"{toolbox}'s {arch['model']}")
    meta = dict(source=osp.basename(src), model=arch['model'],
                pretrain_framework=meta.get('framework', 'pytorch'),
                toolbox=toolbox if arch['model'] != 'resnet' else None,
                depth=arch.get('depth'),
                pretrain_pooling=trained_pooling(meta) or arch['pooling'],
                pretrain_reduced_channels=arch.get('reduced_channels'),
                note=f'{target} backbone weights; load with '
                "init_cfg=dict(type='Pretrained', checkpoint=...)")
    return save_with_hash(dict(meta=meta, state_dict=backbone), out)
