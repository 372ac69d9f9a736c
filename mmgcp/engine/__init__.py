"""mmengine integration: CPU distributed runs, run configs, the landscape
hook, the papers' LR schedules, the checked Runner (checkpoint, annotation
files and data-loader workers) and the corruption benchmark's runs
(checkpoint reading and loading: :mod:`mmgcp.checkpoint`)."""
from ..utils import require

require('mmgcp.engine', 'mmengine', 'mmcv')

from .checked_runner import (build_runner, check_run_checkpoint,
                             exit_with_parent)
from .cpu_dist import (CPUDistributedDataParallel, distributed_session,
                       prepare_cpu_distributed)
from .hooks import LandscapeHook
from .robustness import benchmark_checkpoint, run_corruption_benchmark
from .schedulers import SCHEDULES, GCPEpochLR, schedule_lr
from .run_config import (build_model, drop_backbone_init, load_run_config,
                         set_data_root)

__all__ = ['build_runner', 'check_run_checkpoint', 'exit_with_parent',
           'CPUDistributedDataParallel', 'prepare_cpu_distributed',
           'distributed_session', 'load_run_config', 'LandscapeHook',
           'build_model', 'drop_backbone_init', 'set_data_root',
           'benchmark_checkpoint', 'run_corruption_benchmark', 'SCHEDULES',
           'GCPEpochLR', 'schedule_lr']
