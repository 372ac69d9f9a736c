"""Parameter schedulers, registered in mmgcp's scope
(``type='mmgcp.GCPEpochLR'``)."""
from .gcp_epoch_lr import SCHEDULES, GCPEpochLR, schedule_lr

__all__ = ['SCHEDULES', 'GCPEpochLR', 'schedule_lr']
