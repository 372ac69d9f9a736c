"""mmengine's Runner, checked before any work starts.

mmengine accepts a ``load_from`` checkpoint that does not fit the model
(it warns about missing keys and evaluates or fine-tunes the rest at random),
fails on ``--resume`` of another config's checkpoint with a bare optimizer
error, reads a COCO annotation file only when the first iteration needs it
(a dangling ``image_id`` or a negative box width trains silently), and
leaves data-loader workers alive when the main process is killed.
:func:`build_runner` builds the Runner (so config errors come first), then
checks the checkpoint and the annotation files and makes the workers exit
with their parent.
"""
import ctypes
import os
import signal
import sys
from typing import Optional, Sequence

from mmengine.dataset import worker_init_fn as seed_worker
from mmengine.dist import broadcast_object_list, get_rank, get_world_size
from mmengine.model import is_model_wrapper
from mmengine.runner import Runner, find_latest_checkpoint

from ..checkpoint import CheckpointMismatchError, diff_checkpoint
from ..datasets.coco_check import AnnotationFileError, check_annotations

__all__ = ['build_runner', 'check_run_checkpoint', 'exit_with_parent']

_PR_SET_PDEATHSIG = 1  # linux/prctl.h


def exit_with_parent(worker_id: int, num_workers: int, rank: int, seed: int,
                     parent_pid: int,
                     disable_subprocess_warning: bool = False) -> None:
    """A data-loader worker's init: the kernel kills the worker when the
    process that started it dies (even by ``kill -9``, which runs no
    clean-up), then mmengine's own seeding, unchanged."""
    if sys.platform.startswith('linux'):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
        if os.getppid() != parent_pid:  # died before the call above
            os._exit(1)
    seed_worker(worker_id, num_workers, rank, seed,
                disable_subprocess_warning)


def _workers_exit_with_parent(runner: Runner) -> None:
    for attr in ('_train_dataloader', '_val_dataloader', '_test_dataloader'):
        loader = getattr(runner, attr, None)
        if not isinstance(loader, dict) or 'worker_init_fn' in loader or \
                not loader.get('num_workers'):
            continue  # built already, the config's own init, or no workers
        # the arguments mmengine's default init would get, so that seeding
        # (and a resumed run) stays exactly the same
        loader['worker_init_fn'] = dict(
            type=exit_with_parent, num_workers=loader['num_workers'],
            rank=get_rank(), seed=runner.seed, parent_pid=os.getpid(),
            disable_subprocess_warning=loader.pop(
                'disable_subprocess_warning', False))


def check_run_checkpoint(runner: Runner, allow_partial: bool = False,
                         evaluation: bool = False) -> None:
    """Refuse a ``load_from`` or ``resume`` checkpoint whose weights are not
    exactly the model's (missing, unexpected or reshaped keys, named in one
    line after the file name). ``allow_partial`` lets ``load_from`` (never
    ``resume``) fine-tune from a partial checkpoint; ``evaluation``: the
    run only evaluates it."""
    cfg = runner.cfg
    resume = bool(cfg.get('resume'))
    filename: Optional[str] = cfg.get('load_from')
    if resume and filename is None:
        filename = find_latest_checkpoint(runner.work_dir)
    if filename is None or (allow_partial and not resume):
        return
    model = runner.model.module if is_model_wrapper(runner.model) else \
        runner.model
    diff = diff_checkpoint(model, filename)[2]
    if not diff:
        return
    config = cfg.filename or 'this config'
    if resume:
        raise CheckpointMismatchError(
            f'{filename}: belongs to another model than {config} '
            f'({diff.describe()}); resuming continues a run of this config '
            'from its own checkpoint (to start from these weights, use '
            'load_from)')
    hint = ('evaluate a checkpoint written by training this config' if
            evaluation else 'to fine-tune from a partial one on purpose, set '
            'partial_load = True in the config or pass --partial-load to '
            'tools/train.py')
    raise CheckpointMismatchError(
        f'{filename}: does not fit the model of {config} '
        f'({diff.describe()}); a whole-model checkpoint must hold exactly '
        f"the model's weights ({hint})")


def _check_annotations_on_rank_0(cfg, loops: Sequence[str]) -> None:
    """:func:`check_annotations` read by rank 0 alone (a COCO train file
    is 450 MB of JSON), its verdict given to every rank."""
    problem = None
    if get_rank() == 0:
        try:
            check_annotations(cfg, loops)
        except AnnotationFileError as err:
            problem = str(err)
    if get_world_size() > 1:
        verdict = [problem]
        broadcast_object_list(verdict)
        problem = verdict[0]
    if problem is not None:
        raise AnnotationFileError(problem)


def build_runner(cfg, loops: Sequence[str] = ('train', 'val')) -> Runner:
    """``Runner.from_cfg(cfg)`` (which builds the model, so a config error
    is reported first), then: the checkpoint it will load is checked
    (:func:`check_run_checkpoint`; ``partial_load = True`` in the config
    allows a partial ``load_from``), the COCO annotation files of the
    ``loops`` it will run are checked (:func:`check_annotations`), and
    the data-loader workers exit with their parent."""
    runner = Runner.from_cfg(cfg)
    check_run_checkpoint(runner, bool(cfg.get('partial_load', False)),
                         evaluation=tuple(loops) == ('test', ))
    _check_annotations_on_rank_0(cfg, loops)
    _workers_exit_with_parent(runner)
    return runner
