"""Import of the officially released GCP checkpoints, and backbone export.

Released layouts (REFERENCE section 6) are recognised by their keys:

- ``gcp_optimization``: GCP_Optimization / DropCov, a dict with
  ``state_dict`` whose keys carry DataParallel's ``module.`` prefix;
  torchvision backbone names, ``layer_reduce``/``layer_reduce_bn``/``fc``
  head (the landscape code spells ``Layer_Reduce``), DropCov adds
  ``eca_layer.conv.weight``.
- ``fast_mpn_cov_zoo``: the fast-MPN-COV model zoo, the same names as a plain
  state dict without prefix.
- ``fast_mpn_cov_train``: fast-MPN-COV training checkpoints,
  ``features.module.{0,1,4,5,6,7}`` = conv1, bn1, layer1..4,
  ``representation.conv_dr_block.{0,1}`` = reduction conv/BN,
  ``classifier.*`` = fc.
"""
import hashlib
import os
import os.path as osp
import re
import shutil
import tempfile
from typing import Dict, List, Optional, Tuple

import torch

from ..engine import safe_torch_load
from .classifier import TRUNK_PREFIXES
from .model_zoo import zoo_entry

__all__ = ['KNOWN_LAYOUTS', 'CheckpointLayoutError', 'detect_layout',
           'convert_official',
           'infer_architecture', 'export_backbone', 'load_classifier_state']

KNOWN_LAYOUTS = ('gcp_optimization', 'fast_mpn_cov_zoo',
                 'fast_mpn_cov_train')
_TRAIN_FEATURES = {'0': 'conv1', '1': 'bn1', '4': 'layer1', '5': 'layer2',
                   '6': 'layer3', '7': 'layer4'}
_TRAIN_REDUCTION = {'0': 'layer_reduce', '1': 'layer_reduce_bn'}


class CheckpointLayoutError(ValueError):
    """A checkpoint is of no layout mmgcp knows."""


def _tensor_items(obj) -> Dict[str, torch.Tensor]:
    return {k: v for k, v in obj.items() if isinstance(v, torch.Tensor)}


def detect_layout(checkpoint: object, filename: str = '<checkpoint>'
                  ) -> Tuple[str, Dict[str, torch.Tensor]]:
    """(layout name, raw tensor dict) of a loaded released checkpoint."""
    if not isinstance(checkpoint, dict):
        raise CheckpointLayoutError(
            f'{filename}: expected a dict, got {type(checkpoint).__name__}; '
            f'known layouts: {", ".join(KNOWN_LAYOUTS)}')
    state = checkpoint.get('state_dict', checkpoint)
    state = _tensor_items(state) if isinstance(state, dict) else {}
    keys = list(state)
    if any(k.startswith('features.module.') for k in keys):
        return 'fast_mpn_cov_train', state
    if keys and all(k.startswith('module.') for k in keys) and \
            any(k.startswith('module.layer1.') for k in keys):
        return 'gcp_optimization', state
    if any(k.startswith('layer1.') for k in keys) and 'conv1.weight' in keys:
        return 'fast_mpn_cov_zoo', state
    raise CheckpointLayoutError(
        f'{filename}: unknown checkpoint layout (first keys: '
        f'{", ".join(keys[:5]) or "none"}); known layouts: '
        f'{", ".join(KNOWN_LAYOUTS)}')


def _rename(layout: str, state: Dict[str, torch.Tensor]
            ) -> Tuple[Dict[str, torch.Tensor], List[str]]:
    """Keys in mmgcp's classifier names, and a list of renames made."""
    out, renames = {}, []
    for key, value in state.items():
        new = key
        if layout == 'gcp_optimization':
            new = key[len('module.'):]
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
            elif key.startswith('module.'):
                new = key[len('module.'):]
        if new != key and layout != 'gcp_optimization':
            renames.append(f'{key} -> {new}')
        out[new] = value
    return out, renames


def infer_architecture(state: Dict[str, torch.Tensor]) -> dict:
    """depth, head and d of a classifier state dict in mmgcp's names."""
    blocks = {stage: len({k.split('.')[1] for k in state
                          if k.startswith(f'layer{stage}.')})
              for stage in (1, 2, 3, 4)}
    bottleneck = 'layer1.0.conv3.weight' in state
    depths = {(False, (2, 2, 2, 2)): 18, (False, (3, 4, 6, 3)): 34,
              (True, (3, 4, 6, 3)): 50, (True, (3, 4, 23, 3)): 101}
    key = (bottleneck, tuple(blocks[s] for s in (1, 2, 3, 4)))
    if key not in depths:
        raise CheckpointLayoutError(
            f'not a ResNet-18/34/50/101 (blocks per stage {key[1]}, '
            f'bottleneck {bottleneck})')
    arch = dict(depth=depths[key])
    if 'layer_reduce.weight' in state:
        arch['dim'] = state['layer_reduce.weight'].shape[0]
        arch['head'] = 'dropcov' if 'eca_layer.conv.weight' in state \
            else 'isqrt'
    else:
        arch['head'] = 'gap'
    if 'fc.weight' in state:
        arch['num_classes'] = state['fc.weight'].shape[0]
    return arch


def convert_official(checkpoint: object, filename: str = '<checkpoint>',
                     zoo_name: Optional[str] = None) -> Tuple[dict, List[str]]:
    """Convert a loaded released checkpoint to mmgcp's classifier layout.

    Args:
        checkpoint: the loaded file.
        filename: its name, for messages and metadata.
        zoo_name: the model-zoo entry it is; its metadata (top-1, source)
            goes into ``meta`` and its depth/head/d must match the file.

    Returns:
        (checkpoint dict with ``meta`` and ``state_dict``, report lines)
    """
    layout, raw = detect_layout(checkpoint, filename)
    state, renames = _rename(layout, raw)
    arch = infer_architecture(state)
    zoo = {}
    if zoo_name is not None:
        entry = zoo_entry(zoo_name)
        expected = dict(depth=entry.depth, head=entry.head)
        if entry.dim is not None:
            expected['dim'] = entry.dim
        wrong = {k: (v, arch.get(k)) for k, v in expected.items()
                 if arch.get(k) != v}
        if wrong:
            raise CheckpointLayoutError(
                f'{filename} is not {zoo_name}: ' + ', '.join(
                    f'{k} is {got}, expected {want}'
                    for k, (want, got) in wrong.items()))
        zoo = dict(zoo_name=entry.name, top1=entry.top1, top5=entry.top5,
                   schedule=entry.schedule, source_page=entry.page)
    dropped = sorted(k for k in state if not k.startswith(
        TRUNK_PREFIXES + ('layer_reduce', 'eca_layer.', 'fc.')))
    for key in dropped:
        state.pop(key)
    report = [f'layout: {layout}', f'architecture: {arch}']
    if layout == 'gcp_optimization':
        report.append(f'renamed: stripped "module." from {len(raw)} keys')
    report += [f'renamed: {r}' for r in renames]
    report += [f'dropped: {k}' for k in dropped]
    meta = dict(source=osp.basename(filename), layout=layout, **arch, **zoo)
    return dict(meta=meta, state_dict=state), report


def load_classifier_state(filename: str) -> Tuple[Dict[str, torch.Tensor],
                                                  dict]:
    """(state dict, meta) of an mmgcp classifier checkpoint (a training
    checkpoint from the Runner or a converted release)."""
    if not osp.isfile(filename):
        raise FileNotFoundError(f'checkpoint {filename} does not exist')
    checkpoint = safe_torch_load(filename, map_location='cpu')
    if not isinstance(checkpoint, dict) or not isinstance(
            checkpoint.get('state_dict'), dict):
        raise CheckpointLayoutError(
            f'{filename}: expected a dict with a "state_dict"; for a '
            'released checkpoint run tools/convert_official.py first')
    state = _tensor_items(checkpoint['state_dict'])
    if not any(k.startswith('layer4.') for k in state):
        raise CheckpointLayoutError(f'{filename}: no ResNet keys (layer4.*)')
    return state, dict(checkpoint.get('meta') or {})


def export_backbone(src: str, out: str) -> str:
    """Write the backbone of a classifier checkpoint for ``GCPResNet``.

    The file holds ``meta`` and ``state_dict`` (trunk keys only, no prefix)
    and is named ``<out stem>-<sha256[:8]>.pth`` (mmdet's publish
    convention). It is written to a temporary file and moved into place, so
    a failure never leaves a partial file.

    Returns:
        str: the final path.
    """
    state, meta = load_classifier_state(src)
    arch = infer_architecture(state)
    backbone = {k: v for k, v in state.items() if k.startswith(TRUNK_PREFIXES)}
    meta = dict(source=osp.basename(src), depth=arch['depth'],
                pretrain_head=arch['head'],
                pretrain_dim=arch.get('dim'),
                note='GCPResNet backbone weights; load with '
                "init_cfg=dict(type='Pretrained', checkpoint=...)")
    stem = out[:-len('.pth')] if out.endswith('.pth') else out
    directory = osp.dirname(osp.abspath(stem))
    os.makedirs(directory, exist_ok=True)
    fd, tmp = tempfile.mkstemp(suffix='.pth', dir=directory)
    os.close(fd)
    try:
        torch.save(dict(meta=meta, state_dict=backbone), tmp)
        sha = hashlib.sha256()
        with open(tmp, 'rb') as f:
            for chunk in iter(lambda: f.read(1 << 20), b''):
                sha.update(chunk)
        final = f'{stem}-{sha.hexdigest()[:8]}.pth'
        shutil.move(tmp, final)
    finally:
        if osp.exists(tmp):
            os.remove(tmp)
    return final
