"""Loading a whole-model checkpoint that must fit the config exactly.

mmengine's ``load_from`` only warns about missing or unexpected keys; the
analysis tools measure *this* model, so a checkpoint of another config is
an error, reported briefly (counts and the first few names).
"""
from typing import Dict, List

import torch
from mmengine.runner import CheckpointLoader
from torch import nn

__all__ = ['CheckpointMismatchError', 'load_matching_checkpoint']


class CheckpointMismatchError(ValueError):
    """The checkpoint's weights are not the model's."""


def _first(names: List[str], count: int = 4) -> str:
    more = f' ... (+{len(names) - count})' if len(names) > count else ''
    return ', '.join(names[:count]) + more


def load_matching_checkpoint(model: nn.Module, filename: str,
                             config: str = '<config>') -> Dict:
    """Load ``filename`` into ``model``, requiring the same keys and shapes.

    Returns:
        dict: the checkpoint's ``meta`` (``iter``, ``epoch`` ... when it
        was written by mmengine's Runner), ``{}`` otherwise.
    """
    checkpoint = CheckpointLoader.load_checkpoint(filename,
                                                  map_location='cpu')
    if not isinstance(checkpoint, dict):
        raise CheckpointMismatchError(f'{filename}: not a checkpoint dict')
    state = checkpoint.get('state_dict', checkpoint)
    state = {k[7:] if k.startswith('module.') else k: v
             for k, v in state.items() if isinstance(v, torch.Tensor)}
    own = model.state_dict()
    missing = [k for k in own if k not in state and
               not k.endswith('num_batches_tracked')]
    unexpected = [k for k in state if k not in own]
    shapes = [f'{k} {tuple(state[k].shape)} vs {tuple(v.shape)}'
              for k, v in own.items() if k in state and
              state[k].shape != v.shape]
    if missing or unexpected or shapes:
        problems = []
        if missing:
            problems.append(f'{len(missing)} model weights missing from it '
                            f'({_first(missing)})')
        if unexpected:
            problems.append(f'{len(unexpected)} weights the model does not '
                            f'have ({_first(unexpected)})')
        if shapes:
            problems.append(f'{len(shapes)} of another shape '
                            f'({_first(shapes, 2)})')
        raise CheckpointMismatchError(
            f'checkpoint {filename} does not fit {config}: '
            + '; '.join(problems) + '. Expected a checkpoint trained with '
            'this config (tools/train.py writes them to its work dir).')
    model.load_state_dict(state, strict=False)
    meta = checkpoint.get('meta', {})
    return meta if isinstance(meta, dict) else {}
