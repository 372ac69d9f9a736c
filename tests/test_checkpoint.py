import os.path as osp
import pickle

import numpy as np
import pytest
import torch
from mmengine.logging import HistoryBuffer, MessageHub
from mmengine.runner.checkpoint import CheckpointLoader

import mmgcp  # noqa: F401  (installs the safe local loader)
from mmgcp.checkpoint import (CheckpointError, compare_keys, read_checkpoint,
                              save_with_hash, state_dict_of)
from mmgcp.utils import atomic_write


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
    ckpt = read_checkpoint(str(path))
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
    for load in (read_checkpoint, CheckpointLoader.load_checkpoint):
        with pytest.raises(CheckpointError,
                           match='evil.pth holds more than tensors') as err:
            load(str(path))
        assert 'weights_only=False' not in str(err.value)
        assert len(str(err.value).splitlines()) == 1


def test_missing_checkpoint_is_named(tmp_path):
    with pytest.raises(FileNotFoundError, match='nope.pth'):
        CheckpointLoader.load_checkpoint(str(tmp_path / 'nope.pth'))


def test_state_dict_of_strips_dataparallel_and_selects_a_prefix():
    weight = torch.ones(2)
    checkpoint = {'state_dict': {'module.backbone.w': weight,
                                 'module.head.b': weight, 'step': 3}}
    assert set(state_dict_of(checkpoint)) == {'backbone.w', 'head.b'}
    assert set(state_dict_of(checkpoint, prefix='backbone')) == {'w'}
    with pytest.raises(KeyError, match="x.pth: no keys with prefix 'neck.'"):
        state_dict_of(checkpoint, 'x.pth', prefix='neck.')
    with pytest.raises(CheckpointError, match='x.pth: expected a dict'):
        state_dict_of([weight], 'x.pth')


def test_compare_keys_names_missing_unexpected_and_reshaped():
    model = torch.nn.Sequential(torch.nn.Conv2d(1, 2, 1),
                                torch.nn.BatchNorm2d(2))
    expected = model.state_dict()
    found = {k: v for k, v in expected.items()
             if k not in ('1.bias', '1.num_batches_tracked')}
    found['0.weight'] = torch.zeros(3, 1, 1, 1)
    found['extra'] = torch.zeros(1)
    diff = compare_keys(expected, found)
    assert diff.missing == ['1.bias']  # the BN counter may be absent
    assert diff.unexpected == ['extra']
    assert diff.reshaped == ['0.weight: file (3, 1, 1, 1) vs model '
                             '(2, 1, 1, 1)']
    assert '1 model weights missing from it (1.bias)' in diff.describe()
    assert not compare_keys(expected, expected)
    assert not compare_keys(expected, found, ignore_missing=['1.bias']
                            ).missing


def test_writes_are_atomic(tmp_path):
    path = tmp_path / 'out.json'
    with pytest.raises(RuntimeError):
        with atomic_write(str(path)) as f:
            f.write('{"half": ')
            raise RuntimeError('interrupted')
    assert not list(tmp_path.iterdir())  # no file, no temporary left
    with atomic_write(str(path)) as f:
        f.write('{}')
    assert path.read_text() == '{}'
    final = save_with_hash({'w': torch.ones(2)}, str(tmp_path / 'b.pth'))
    assert osp.basename(final).startswith('b-') and final.endswith('.pth')
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ['out.json', osp.basename(final)])
    assert torch.equal(read_checkpoint(final)['w'], torch.ones(2))


@pytest.mark.parametrize('content', [b'', b'hello', b'PK\x03\x04cut',
                                     b'\x80\x02}q\x00'])
def test_a_file_that_is_no_checkpoint_is_said_in_one_line(
        tmp_path, content):
    path = tmp_path / 'junk.pth'
    path.write_bytes(content)
    with pytest.raises(CheckpointError,
                       match='junk.pth: not a PyTorch checkpoint') as err:
        read_checkpoint(str(path))
    assert len(str(err.value).splitlines()) == 1


def test_written_files_get_the_usual_permissions(tmp_path):
    """0666 less the umask, as open() and mmengine's own checkpoints (a
    temporary file would leave them 0600)."""
    import os
    umask = os.umask(0o022)
    try:
        with atomic_write(str(tmp_path / 'r.json')) as f:
            f.write('{}')
        final = save_with_hash({'w': torch.ones(1)}, str(tmp_path / 'b.pth'))
        os.umask(0o002)
        with atomic_write(str(tmp_path / 'g.json')) as f:
            f.write('{}')
    finally:
        os.umask(umask)
    mode = {p: os.stat(p).st_mode & 0o777 for p in (
        tmp_path / 'r.json', final, tmp_path / 'g.json')}
    assert list(mode.values()) == [0o644, 0o644, 0o664]
