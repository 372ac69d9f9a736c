"""Checkpoint files, in one place: reading them safely, taking their state
dict, comparing it with a model's, and writing them atomically.

Reading is always ``torch.load(weights_only=True)``. mmengine 0.10.7
checkpoints hold a few objects beyond tensors (the message hub's
``HistoryBuffer``, numpy scalars and arrays), which torch >= 2.6 refuses
by default; :func:`mmengine_safe_globals` allows exactly those, for that
call only, and :func:`install_safe_local_loader` (run when this module is
imported) makes mmengine's own local-file loader (``load_from``,
``resume``, ``init_cfg``) read that way.
A file that needs anything else is refused with one line naming the file
and the object, never with advice to switch the check off.
"""
import codecs
import collections
import hashlib
import inspect
import io
import os.path as osp
import pickle
from dataclasses import dataclass, field
from typing import (Any, Dict, Iterable, List, Mapping, Optional, Sequence,
                    Tuple)

import numpy as np
import torch
from mmengine.logging import HistoryBuffer
from mmengine.runner.checkpoint import CheckpointLoader
from torch import nn

from .utils import atomic_write

__all__ = [
    'CheckpointError', 'CheckpointMismatchError', 'mmengine_safe_globals',
    'read_checkpoint', 'install_safe_local_loader', 'state_dict_of',
    'strip_key', 'strip_prefix', 'KeyDiff', 'compare_keys', 'format_keys',
    'diff_checkpoint', 'load_matching_checkpoint', 'save_checkpoint',
    'save_with_hash'
]


class CheckpointError(ValueError):
    """A file that is not a checkpoint mmgcp reads."""


class CheckpointMismatchError(CheckpointError):
    """The checkpoint's weights are not the model's."""


# HistoryBuffer registers these on first instantiation, which a fresh
# process resuming a run has not done yet.
_BUILTIN_STATISTICS = ('min', 'max', 'current', 'mean')


def _history_buffer_getattr(obj: Any, name: str) -> Any:
    """``getattr`` restricted to HistoryBuffer's statistics methods (it
    pickles them as ``getattr(HistoryBuffer, 'mean')``)."""
    allowed = set(_BUILTIN_STATISTICS) | set(HistoryBuffer._statistics_methods)
    if obj is HistoryBuffer and name in allowed and \
            inspect.isfunction(getattr(obj, name, None)):
        return getattr(obj, name)
    raise pickle.UnpicklingError(
        f'refusing getattr({obj!r}, {name!r}) while loading a checkpoint: '
        'only HistoryBuffer statistics methods are allowed')


def mmengine_safe_globals() -> List[Any]:
    """The globals an mmengine training checkpoint needs beyond tensors."""
    multiarray = np._core.multiarray if hasattr(np, '_core') else \
        np.core.multiarray
    allowed = [
        HistoryBuffer, collections.Counter, collections.OrderedDict,
        np.dtype, np.ndarray, multiarray._reconstruct, multiarray.scalar,
        codecs.encode, (_history_buffer_getattr, 'builtins.getattr')
    ]
    # numpy >= 1.25 pickles dtypes by their class (numpy.dtypes.Float64DType).
    dtypes = getattr(np, 'dtypes', None)
    if dtypes is not None:
        allowed += [getattr(dtypes, name) for name in dir(dtypes)
                    if name.endswith('DType')]
    return allowed


def _refused(err: pickle.UnpicklingError) -> Optional[str]:
    """The object torch's safe unpickler refused, if that is the error
    (its message goes on to suggest weights_only=False: keep only what it
    refused)."""
    message = str(err)
    if 'Weights only load failed' not in message and \
            'refusing' not in message:
        return None
    reason = [line.split('. Please')[0].strip()
              for line in message.splitlines()
              if any(word in line.lower() for word in (
                  'unsupported', 'weightsunpickler', 'refusing', 'blocked'))]
    return reason[0] if reason else 'an object beyond tensors'


def read_checkpoint(filename: str, map_location: Any = 'cpu',
                    allow: Sequence[Any] = ()) -> Any:
    """``torch.load`` of a local file with ``weights_only=True``, allowing
    mmengine's globals and ``allow``.

    Raises:
        FileNotFoundError: no such file.
        CheckpointError: a file that needs other objects (one line naming
            the file and the object) or is not a PyTorch checkpoint.
    """
    filename = osp.expanduser(filename)
    if not osp.isfile(filename):
        raise FileNotFoundError(f'checkpoint file {filename} does not exist')
    if not hasattr(torch.serialization, 'safe_globals'):
        # torch < 2.5: no allowlist API; those versions default to a full
        # unpickle anyway, which is what mmengine itself does there.
        return torch.load(filename, map_location=map_location)
    try:
        with torch.serialization.safe_globals(mmengine_safe_globals() +
                                              list(allow)):
            return torch.load(filename, map_location=map_location,
                              weights_only=True)
    except pickle.UnpicklingError as err:
        refused = _refused(err)
        if refused is None:
            raise _not_a_checkpoint(filename, err) from None
        raise CheckpointError(
            f'{filename} holds more than tensors and is not read (mmgcp '
            f'loads checkpoints with weights_only=True): {refused}') from None
    # what torch raises on a file of another kind, cut short or corrupt
    except (RuntimeError, EOFError, KeyError, IndexError, ValueError) as err:
        raise _not_a_checkpoint(filename, err) from None


def _not_a_checkpoint(filename: str, err: Exception) -> CheckpointError:
    detail = (str(err).splitlines() or [''])[0]
    return CheckpointError(f'{filename}: not a PyTorch checkpoint, or '
                           f'truncated or corrupt ({type(err).__name__}: '
                           f'{detail})')


def _load_from_local(filename: str, map_location: Any = None) -> Any:
    return read_checkpoint(filename, map_location)


def install_safe_local_loader() -> None:
    """Make mmengine load local checkpoints through
    :func:`read_checkpoint`."""
    CheckpointLoader.register_scheme(prefixes='', loader=_load_from_local,
                                     force=True)


def strip_key(key: str, prefix: str = 'module.') -> str:
    """``key`` without ``prefix`` (by default DataParallel's ``module.``)."""
    return key[len(prefix):] if key.startswith(prefix) else key


def strip_prefix(state: Mapping[str, Any], prefix: str = 'module.'
                 ) -> Dict[str, Any]:
    """``state`` with ``prefix`` removed from the keys that have it."""
    return {strip_key(k, prefix): v for k, v in state.items()}


def state_dict_of(checkpoint: Any, filename: str = '<checkpoint>',
                  prefix: Optional[str] = None) -> Dict[str, torch.Tensor]:
    """The tensors of a loaded checkpoint, keyed without DataParallel's
    ``module.``.

    Accepts a plain state dict or a dict with ``state_dict`` / ``model``;
    with ``prefix``, keeps only ``prefix.*`` keys (prefix removed).
    """
    if not isinstance(checkpoint, dict):
        raise CheckpointError(f'{filename}: expected a dict checkpoint, got '
                              f'{type(checkpoint).__name__}')
    for key in ('state_dict', 'model'):
        if isinstance(checkpoint.get(key), dict):
            checkpoint = checkpoint[key]
            break
    state = strip_prefix({k: v for k, v in checkpoint.items()
                          if isinstance(v, torch.Tensor)})
    if prefix:
        head = prefix.rstrip('.') + '.'
        state = {k[len(head):]: v for k, v in state.items()
                 if k.startswith(head)}
        if not state:
            raise KeyError(f'{filename}: no keys with prefix {head!r}')
    return state


def format_keys(keys: Iterable[str], limit: int = 20) -> str:
    """Sorted keys, the first ``limit`` of them and how many more."""
    keys = sorted(keys)
    shown = ', '.join(keys[:limit])
    return shown + (f', ... ({len(keys) - limit} more)'
                    if len(keys) > limit else '')


def _is_counter(key: str) -> bool:
    # BN step counters are absent from checkpoints written by old PyTorch
    # and carry no weights
    return key.endswith('num_batches_tracked')


@dataclass
class KeyDiff:
    """How a state dict differs from the one a model expects."""
    missing: List[str] = field(default_factory=list)
    unexpected: List[str] = field(default_factory=list)
    reshaped: List[str] = field(default_factory=list)  # 'key: (file) vs (..)'

    def __bool__(self) -> bool:
        return bool(self.missing or self.unexpected or self.reshaped)

    def describe(self, limit: int = 4) -> str:
        """One line: counts and the first few names of each kind."""
        problems = []
        if self.missing:
            problems.append(f'{len(self.missing)} model weights missing from '
                            f'it ({format_keys(self.missing, limit)})')
        if self.unexpected:
            problems.append(
                f'{len(self.unexpected)} weights the model does not have '
                f'({format_keys(self.unexpected, limit)})')
        if self.reshaped:
            problems.append(f'{len(self.reshaped)} of another shape '
                            f'({format_keys(self.reshaped, limit // 2)})')
        return '; '.join(problems)


def compare_keys(expected: Mapping[str, torch.Tensor],
                 found: Mapping[str, torch.Tensor],
                 ignore_missing: Iterable[str] = ()) -> KeyDiff:
    """Compare a file's state dict ``found`` with a model's ``expected``;
    BN counters and the keys in ``ignore_missing`` may be absent."""
    ignore = set(ignore_missing)
    return KeyDiff(
        missing=sorted(k for k in expected if k not in found and
                       not _is_counter(k) and k not in ignore),
        unexpected=sorted(k for k in found if k not in expected),
        reshaped=[f'{k}: file {tuple(found[k].shape)} vs model '
                  f'{tuple(v.shape)}' for k, v in expected.items()
                  if k in found and found[k].shape != v.shape])


def diff_checkpoint(model: nn.Module, filename: str
                    ) -> Tuple[Any, Dict[str, torch.Tensor], KeyDiff]:
    """(the loaded file, its state dict, how it differs from ``model``'s)."""
    checkpoint = CheckpointLoader.load_checkpoint(filename,
                                                  map_location='cpu')
    state = state_dict_of(checkpoint, filename)
    return checkpoint, state, compare_keys(model.state_dict(), state)


def load_matching_checkpoint(model: nn.Module, filename: str,
                             config: str = '<config>') -> Dict:
    """Load ``filename`` into ``model``, requiring the same keys and shapes
    (mmengine's ``load_from`` only warns; the analysis tools measure *this*
    model, so a checkpoint of another config is an error).

    Returns:
        dict: the checkpoint's ``meta`` (``iter``, ``epoch`` ... when it
        was written by mmengine's Runner), ``{}`` otherwise.
    """
    checkpoint, state, diff = diff_checkpoint(model, filename)
    if diff:
        raise CheckpointMismatchError(
            f'checkpoint {filename} does not fit {config}: '
            f'{diff.describe()}. Expected a checkpoint trained with this '
            'config (tools/train.py writes them to its work dir).')
    model.load_state_dict(state, strict=False)
    meta = checkpoint.get('meta', {})
    return meta if isinstance(meta, dict) else {}


def save_checkpoint(obj: Any, path: str) -> str:
    """``torch.save`` through a temporary file (see
    :func:`mmgcp.utils.atomic_write`)."""
    with atomic_write(path, 'wb') as f:
        torch.save(obj, f)
    return path


def save_with_hash(obj: Any, out: str) -> str:
    """Save to ``<out stem>-<sha256[:8]>.pth`` (mmdet's publish convention)
    atomically; returns the final path."""
    buffer = io.BytesIO()
    torch.save(obj, buffer)
    data = buffer.getvalue()
    stem = out[:-len('.pth')] if out.endswith('.pth') else out
    final = f'{stem}-{hashlib.sha256(data).hexdigest()[:8]}.pth'
    with atomic_write(final, 'wb') as f:
        f.write(data)
    return final


# mmengine reads local files safely wherever this module is imported
install_safe_local_loader()
