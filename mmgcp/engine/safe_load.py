"""Safe (``weights_only``) loading of mmengine checkpoints on torch >= 2.6.

torch >= 2.6 unpickles with ``weights_only=True`` by default, and mmengine
0.10.7 checkpoints hold a few non-tensor objects (the message hub's
``HistoryBuffer`` and numpy scalars/arrays). Instead of switching the safe
loader off, mmengine's local-file loader is replaced by one that allows
exactly those globals, for that call only. ``getattr`` is needed because
``HistoryBuffer`` pickles its statistics methods as
``getattr(HistoryBuffer, 'mean')``; it is allowed only in that form.
"""
import collections
import codecs
import inspect
import os.path as osp
import pickle
from typing import Any, List

import numpy as np
import torch
from mmengine.logging import HistoryBuffer
from mmengine.runner.checkpoint import CheckpointLoader

__all__ = ['mmengine_safe_globals', 'safe_torch_load',
           'install_safe_local_loader']


# HistoryBuffer registers these on first instantiation, which a fresh
# process resuming a run has not done yet.
_BUILTIN_STATISTICS = ('min', 'max', 'current', 'mean')


def _history_buffer_getattr(obj: Any, name: str) -> Any:
    """``getattr`` restricted to HistoryBuffer's statistics methods."""
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


def safe_torch_load(filename: str, map_location: Any = None) -> Any:
    """``torch.load`` with ``weights_only=True`` and the mmengine globals."""
    if not hasattr(torch.serialization, 'safe_globals'):
        # torch < 2.5: no allowlist API; those versions default to a full
        # unpickle anyway, which is what mmengine itself does there.
        return torch.load(filename, map_location=map_location)
    with torch.serialization.safe_globals(mmengine_safe_globals()):
        return torch.load(filename, map_location=map_location,
                          weights_only=True)


def _load_from_local(filename: str, map_location: Any = None) -> Any:
    filename = osp.expanduser(filename)
    if not osp.isfile(filename):
        raise FileNotFoundError(f'checkpoint file {filename} does not exist')
    return safe_torch_load(filename, map_location)


def install_safe_local_loader() -> None:
    """Make mmengine load local checkpoints through :func:`safe_torch_load`."""
    CheckpointLoader.register_scheme(prefixes='', loader=_load_from_local,
                                     force=True)
