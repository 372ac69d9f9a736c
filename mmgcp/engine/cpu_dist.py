"""Multi-process training on CPU (gloo), e.g. for tests and CPU clusters.

mmengine assumes one GPU per process: it calls ``torch.cuda.set_device`` when
it initialises the process group and wraps the model in DDP with
``device_ids=[LOCAL_RANK]``, both of which fail for CPU modules.
"""
import contextlib
import gc
import os
import subprocess
from typing import Iterator

import torch
import torch.distributed as dist
from mmengine.model import MMDistributedDataParallel

from ..registry import MODEL_WRAPPERS

__all__ = ['CPUDistributedDataParallel', 'prepare_cpu_distributed',
           'distributed_session']


@MODEL_WRAPPERS.register_module()
class CPUDistributedDataParallel(MMDistributedDataParallel):
    """:class:`MMDistributedDataParallel` for CPU modules (no device ids)."""

    def __init__(self, module, device_ids=None, **kwargs) -> None:
        super().__init__(module=module, device_ids=None, **kwargs)


def _slurm_environment() -> None:
    """RANK, WORLD_SIZE, LOCAL_RANK and the master's address from Slurm's
    variables, as mmengine's Slurm launcher sets them (it then selects a
    CUDA device, which a CPU task has not)."""
    proc_id = os.environ['SLURM_PROCID']
    os.environ['RANK'] = proc_id
    os.environ['WORLD_SIZE'] = os.environ['SLURM_NTASKS']
    os.environ['LOCAL_RANK'] = os.environ.get('SLURM_LOCALID', proc_id)
    os.environ.setdefault('MASTER_PORT', '29500')
    if 'MASTER_ADDR' not in os.environ:
        nodes = os.environ['SLURM_NODELIST']
        os.environ['MASTER_ADDR'] = subprocess.check_output(
            ['scontrol', 'show', 'hostname', nodes],
            text=True).split()[0]


def prepare_cpu_distributed(cfg) -> bool:
    """Set up gloo + CPU DDP when launched distributed without CUDA.

    Args:
        cfg (Config): the run's config; ``launcher`` must be set.

    Returns:
        bool: whether the CPU set-up was applied.
    """
    if cfg.get('launcher', 'none') == 'none' or torch.cuda.is_available():
        return False
    if not dist.is_initialized():
        if cfg.launcher == 'slurm':
            _slurm_environment()
        dist.init_process_group(backend='gloo')
    cfg.setdefault('env_cfg', {}).setdefault('dist_cfg', {})['backend'] = \
        'gloo'
    wrapper = dict(cfg.get('model_wrapper_cfg') or {})
    wrapper['type'] = 'mmgcp.CPUDistributedDataParallel'
    cfg.model_wrapper_cfg = wrapper
    return True


@contextlib.contextmanager
def distributed_session(cfg) -> Iterator[None]:
    """Apply :func:`prepare_cpu_distributed` and tear the process group down
    on exit, after the models that use it: a gloo group (or a DDP wrapper)
    left for interpreter shutdown can abort the process ("terminate called
    without an active exception"). Drop the runner inside the block."""
    prepare_cpu_distributed(cfg)
    failed = False
    try:
        yield
    except BaseException:
        failed = True
        raise
    finally:
        if dist.is_available() and dist.is_initialized():
            # DDP wrappers left for interpreter shutdown would be destroyed
            # after their process group and abort the process: collect them
            # first (callers drop their runner before leaving the block)
            gc.collect()
            if not failed:
                # let every rank finish before any tears its group down
                dist.barrier()
            dist.destroy_process_group()
