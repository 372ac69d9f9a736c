"""The ImageNet learning-rate schedules of "What Deep CNNs Benefit from
Global Covariance Pooling" (Wang et al., CVPR 2020).

All set the rate once per epoch, e = 0-based epoch, base rate 0.1:

    LR_norm (100 epochs)  0.1 * 0.1 ** (e // 30)
    LR_fast (30 epochs)   0.1 * (1 - (e - 1) / 52) ** 11
    LR_adj  (50 epochs)   0.1 * (1 - (e - 1) / 49) ** 2

(the formulas are the papers', including the ``e - 1``.) With another base
rate (e.g. the linear-scaling rule) every value scales by base / 0.1.
"""
from typing import Optional

from mmengine.optim.scheduler.lr_scheduler import LRSchedulerMixin
from mmengine.optim.scheduler.param_scheduler import _ParamScheduler
from mmpretrain.registry import PARAM_SCHEDULERS

__all__ = ['SCHEDULES', 'schedule_lr', 'GCPEpochLR']

SCHEDULES = {
    'LR_norm': (100, lambda e: 0.1 * 0.1**(e // 30)),
    'LR_fast': (30, lambda e: 0.1 * (1 - (e - 1) / 52)**11),
    'LR_adj': (50, lambda e: 0.1 * (1 - (e - 1) / 49)**2),
}


def schedule_lr(name: str, epoch: int, base_lr: float = 0.1) -> float:
    """Learning rate of schedule ``name`` at 0-based ``epoch``."""
    if name not in SCHEDULES:
        raise ValueError(f'unknown schedule {name!r}; known: '
                         f'{sorted(SCHEDULES)}')
    epochs, formula = SCHEDULES[name]
    if not 0 <= epoch < epochs:
        raise ValueError(f'{name} runs epochs 0..{epochs - 1}, got {epoch}')
    return formula(epoch) * base_lr / 0.1


@PARAM_SCHEDULERS.register_module()
class GCPEpochLR(LRSchedulerMixin, _ParamScheduler):
    """Sets each group's lr to ``schedule_lr(schedule, epoch, group base)``.

    Args:
        optimizer: the optimizer (wrapper).
        schedule (str): ``'LR_norm'``, ``'LR_fast'`` or ``'LR_adj'``.
        begin, end, last_step, by_epoch, verbose: as in mmengine's
            schedulers; the schedule is per epoch, so ``by_epoch`` must be
            True.
    """

    def __init__(self, optimizer, schedule: str, begin: int = 0,
                 end: Optional[int] = None, last_step: int = -1,
                 by_epoch: bool = True, verbose: bool = False) -> None:
        if schedule not in SCHEDULES:
            raise ValueError(f'unknown schedule {schedule!r}; known: '
                             f'{sorted(SCHEDULES)}')
        if not by_epoch:
            raise ValueError('GCPEpochLR sets the rate per epoch; use '
                             'by_epoch=True')
        self.schedule = schedule
        epochs = SCHEDULES[schedule][0]
        # LRSchedulerMixin supplies param_name='lr'
        super().__init__(optimizer, begin=begin,
                         end=begin + epochs if end is None else end,
                         last_step=last_step, by_epoch=True, verbose=verbose)

    def _get_value(self):
        epoch = self.last_step - self.begin
        return [schedule_lr(self.schedule, epoch, base)
                for base in self.base_values]
