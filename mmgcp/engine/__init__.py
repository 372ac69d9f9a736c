"""mmengine integration: safe checkpoint loading, CPU distributed runs,
run configs, the landscape hook."""
from .cpu_dist import (CPUDistributedDataParallel, distributed_session,
                       prepare_cpu_distributed)
from .checked_load import CheckpointMismatchError, load_matching_checkpoint
from .landscape_hook import LandscapeHook
from .run_config import (build_model, drop_backbone_init, load_run_config,
                         set_data_root)
from .safe_load import (install_safe_local_loader, mmengine_safe_globals,
                        safe_torch_load)

__all__ = ['install_safe_local_loader', 'mmengine_safe_globals',
           'safe_torch_load', 'CPUDistributedDataParallel',
           'prepare_cpu_distributed', 'distributed_session', 'load_run_config',
           'LandscapeHook', 'build_model', 'CheckpointMismatchError',
           'load_matching_checkpoint', 'drop_backbone_init', 'set_data_root']
