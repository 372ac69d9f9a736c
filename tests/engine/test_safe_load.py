import pickle

import numpy as np
import pytest
import torch
from mmengine.logging import HistoryBuffer, MessageHub
from mmengine.runner.checkpoint import CheckpointLoader

import mmgcp  # noqa: F401  (installs the safe local loader)
from mmgcp.engine import safe_torch_load


def mmengine_like_checkpoint(path):
    """What mmengine's Runner.save_checkpoint writes, in miniature."""
    hub = MessageHub.get_instance('safe_load_test')
    hub.update_scalar('train/loss', 1.5)
    hub.update_scalar('train/lr', np.float64(0.02))
    hub.update_info('iter', 3)
    torch.save(dict(
        meta=dict(seed=np.int64(0), iter=3, epoch=0,
                  dtype=np.dtype('float32'), hist=np.arange(3)),
        state_dict={'w': torch.ones(2)},
        message_hub=hub.state_dict()), path)


def test_safe_loader_reads_mmengine_checkpoint(tmp_path):
    path = tmp_path / 'iter_3.pth'
    mmengine_like_checkpoint(path)
    ckpt = safe_torch_load(str(path))
    assert ckpt['meta']['iter'] == 3
    buffer = ckpt['message_hub']['log_scalars']['train/loss']
    assert isinstance(buffer, HistoryBuffer) and buffer.current() == 1.5
    # and mmengine's own loading path goes through it
    assert CheckpointLoader.load_checkpoint(str(path))['meta']['iter'] == 3


def test_safe_loading_stays_on_for_everything_else(tmp_path):
    path = tmp_path / 'iter_3.pth'
    mmengine_like_checkpoint(path)
    with pytest.raises(pickle.UnpicklingError):
        torch.load(path, weights_only=True)  # no global allowlist was added


class _Exploit:
    """Pickles as getattr(HistoryBuffer, '__init__') - not a statistic."""

    def __reduce__(self):
        return getattr, (HistoryBuffer, '__init__')


class _OsSystem:

    def __reduce__(self):
        import os
        return os.system, ('echo pwned',)


@pytest.mark.parametrize('payload', [_Exploit(), _OsSystem()])
def test_arbitrary_globals_are_refused(tmp_path, payload):
    path = tmp_path / 'evil.pth'
    torch.save({'x': payload}, path)
    with pytest.raises(pickle.UnpicklingError):
        safe_torch_load(str(path))
    with pytest.raises(pickle.UnpicklingError):
        CheckpointLoader.load_checkpoint(str(path))


def test_missing_checkpoint_is_named(tmp_path):
    with pytest.raises(FileNotFoundError, match='nope.pth'):
        CheckpointLoader.load_checkpoint(str(tmp_path / 'nope.pth'))
