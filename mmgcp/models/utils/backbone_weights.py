"""Loading GCP-pretrained classifier checkpoints into a backbone."""
import os.path as osp
from typing import Dict, Iterable, Mapping, Optional, Sequence

import torch
from mmengine.logging import MMLogger
from mmengine.runner.checkpoint import CheckpointLoader
from torch import nn

__all__ = ['HEAD_KEY_PREFIXES', 'MISSING_CHECKPOINT_HELP',
           'extract_backbone_state', 'load_backbone_checkpoint']

# Classifier-head parameters of the released GCP models:
# reduction conv/BN, FC, DropCov's ECA conv, and the fast-MPN-COV names.
HEAD_KEY_PREFIXES = ('fc.', 'layer_reduce.', 'layer_reduce_bn.',
                     'layer_reduce_relu.', 'Layer_Reduce', 'eca_layer.',
                     'representation.', 'classifier.', 'head.')

MISSING_CHECKPOINT_HELP = (
    'A GCP backbone needs GCP-pretrained ImageNet weights. Get them by '
    'either\n'
    '  * converting a released checkpoint:\n'
    '      python tools/convert_official.py SRC.pth.tar OUT.pth\n'
    '  * or pretraining one:\n'
    '      tools/dist_train.sh configs/pretrain/<config>.py 8\n'
    'then point the config at it (--cfg-options '
    'model.backbone.init_cfg.checkpoint=OUT.pth; for a whole classifier '
    "checkpoint add model.backbone.init_cfg.prefix=backbone.), or set "
    'model.backbone.init_cfg=None to train from scratch.')


def _is_optional(key: str) -> bool:
    # BN step counters are absent from checkpoints written by old PyTorch and
    # carry no weights.
    return key.endswith('num_batches_tracked')


def _format_keys(keys: Iterable[str], limit: int = 20) -> str:
    keys = sorted(keys)
    shown = ', '.join(keys[:limit])
    return shown + (f', ... ({len(keys) - limit} more)'
                    if len(keys) > limit else '')


def extract_backbone_state(checkpoint: object, filename: str,
                           prefix: Optional[str] = None
                           ) -> Dict[str, torch.Tensor]:
    """The raw backbone + head state dict of a classifier checkpoint.

    Accepts a plain state dict or a dict with ``state_dict`` / ``model``,
    strips a DataParallel ``module.`` prefix, and keeps only ``prefix.*``
    keys (prefix removed) when ``prefix`` is given.
    """
    if not isinstance(checkpoint, dict):
        raise ValueError(f'{filename}: expected a dict checkpoint, got '
                         f'{type(checkpoint).__name__}')
    for key in ('state_dict', 'model'):
        if isinstance(checkpoint.get(key), dict):
            checkpoint = checkpoint[key]
            break
    state = {}
    for key, value in checkpoint.items():
        if not isinstance(value, torch.Tensor):
            continue
        if key.startswith('module.'):
            key = key[len('module.'):]
        state[key] = value
    if prefix:
        head = prefix.rstrip('.') + '.'
        state = {k[len(head):]: v for k, v in state.items()
                 if k.startswith(head)}
        if not state:
            raise KeyError(f'{filename}: no keys with prefix {head!r}')
    return state


def _under(key: str, prefixes: Iterable[str]) -> bool:
    return any(key.startswith(p + '.') for p in prefixes)


def load_backbone_checkpoint(
        module: nn.Module,
        filename: str,
        prefix: Optional[str] = None,
        map_location: str = 'cpu',
        keep_init: Optional[Mapping[str, Sequence[str]]] = None,
        skip_file: Sequence[str] = ()) -> None:
    """Load a (GCP-)pretrained classifier's backbone weights into ``module``.

    Head keys (:data:`HEAD_KEY_PREFIXES`) are dropped with one log line. Any
    backbone key the module expects but the file lacks, any key that is
    neither backbone nor head, and any shape mismatch is an error naming the
    file and the keys, except for the modules listed in ``keep_init``.

    Args:
        module (nn.Module): the backbone, already initialised.
        filename (str): a local path or URL mmengine can load.
        prefix (str, optional): take ``prefix.*`` keys only (e.g.
            ``'backbone'`` for a detector checkpoint).
        map_location (str): passed to ``torch.load``. Default: ``'cpu'``.
        keep_init (Mapping[str, Sequence[str]], optional): modules a
            classifier checkpoint cannot hold (DCN offsets, plugins), grouped
            under a label for the log. Their tensors load when the file has
            them and otherwise keep the module's initialisation; one log line
            lists those that did.
        skip_file (Sequence[str]): module names whose BatchNorm tensors in
            the file are not loaded (where the module has GroupNorm instead).
    """
    keep_init = {label: list(names)
                 for label, names in (keep_init or {}).items() if names}
    kept_modules = [n for names in keep_init.values() for n in names]
    is_url = '://' in filename
    if not is_url and not osp.isfile(osp.expanduser(filename)):
        raise FileNotFoundError(
            f'pretrained checkpoint {filename} does not exist.\n' +
            MISSING_CHECKPOINT_HELP)
    checkpoint = CheckpointLoader.load_checkpoint(filename, map_location)
    state = extract_backbone_state(checkpoint, filename, prefix)
    # only BN layers are skipped: a GroupNorm file has its own at these names
    bn_layers = [n for n in skip_file if f'{n}.running_mean' in state]
    skipped = {k for k in state if _under(k, bn_layers)}
    state = {k: v for k, v in state.items() if k not in skipped}
    head = {k for k in state if k.startswith(HEAD_KEY_PREFIXES)}
    expected = module.state_dict()
    unexpected = set(state) - set(expected) - head
    initialised = {k for k in expected
                   if k not in state and _under(k, kept_modules)}
    missing = {k for k in expected if k not in state and not _is_optional(k)
               and k not in initialised}
    if missing or unexpected:
        problems = []
        if missing:
            problems.append(f'missing backbone keys: {_format_keys(missing)}')
        if unexpected:
            problems.append(f'unexpected keys: {_format_keys(unexpected)}')
        if not prefix and any(k.startswith('backbone.') for k in state):
            problems.append("its keys start with 'backbone.': a whole-model "
                            "checkpoint, load it with prefix='backbone.' in "
                            'the init_cfg')
        raise KeyError(f'{filename} does not match {type(module).__name__} '
                       f'(depth mismatch, or not a ResNet classifier '
                       f'checkpoint?); ' + '; '.join(problems))
    mismatched = [f'{k}: file {tuple(state[k].shape)} vs model '
                  f'{tuple(expected[k].shape)}' for k in expected
                  if k in state and state[k].shape != expected[k].shape]
    if mismatched:
        raise ValueError(f'{filename}: shape mismatch for '
                         f'{len(mismatched)} keys: ' +
                         '; '.join(mismatched[:10]))
    backbone_state = {k: v for k, v in state.items() if k not in head}
    for key in expected:
        if key not in backbone_state:  # counters and ``keep_init`` modules
            backbone_state[key] = expected[key]
    module.load_state_dict(backbone_state, strict=True)
    logger = MMLogger.get_current_instance()
    dropped = sorted({k.split('.')[0] for k in head})
    logger.info(f'Loaded {len(state) - len(head)} backbone tensors from '
                f'{filename}; dropped {len(head)} classifier-head tensors '
                f'({", ".join(dropped) or "none"})')
    if initialised:
        groups = []
        for label, names in keep_init.items():
            names = [n for n in names
                     if any(_under(k, [n]) for k in initialised)]
            if names:
                groups.append(f'{label} ({len(names)}: '
                              f'{_format_keys(names, limit=4)})')
        note = (f'; dropped the file\'s {len(skipped)} tensors of '
                f'{len(bn_layers)} BN layers'
                if skipped else '')
        logger.info(f'Kept the initialisation of {len(initialised)} tensors '
                    f'{filename} has no weights for: ' + '; '.join(groups) +
                    note)
