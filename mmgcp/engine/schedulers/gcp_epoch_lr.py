"""The ImageNet learning-rate schedules of "What Deep CNNs Benefit from
Global Covariance Pooling" (Wang et al., CVPR 2020).

All set the rate once per epoch, e = 0-based epoch. ResNet, base rate 0.1:

    LR_norm (100 epochs)  0.1 * 0.1 ** (e // 30)
    LR_fast (30 epochs)   0.1 * (1 - (e - 1) / 52) ** 11
    LR_adj  (50 epochs)   0.1 * (1 - (e - 1) / 49) ** 2

(the formulas are the papers', including the ``e - 1``.) MobileNetV2:

    MobileNetV2_LR_norm (90 epochs)   0.045 * 0.98 ** e
    MobileNetV2_LR_fast (100 epochs)  0.06 * 0.92 ** e
    MobileNetV2_LR_adj  (150 epochs)  0.06 -> 0.01 -> 0.001 -> 1e-5,
                                      linear over epochs 0-50-100-150

(the authors' training script sets no epoch count for MobileNetV2's LR_norm,
so it runs the script's default of 90.) With another base rate (e.g. the
linear-scaling rule) every value scales by base / the schedule's own base.
"""
from typing import Optional

from mmengine.optim.scheduler.lr_scheduler import LRSchedulerMixin
from mmengine.optim.scheduler.param_scheduler import _ParamScheduler

from ...registry import PARAM_SCHEDULERS

__all__ = ['SCHEDULES', 'schedule_lr', 'GCPEpochLR']


def _piecewise_linear(points):
    """Linear interpolation through (epoch, rate) points."""
    def rate(e):
        for (e0, r0), (e1, r1) in zip(points, points[1:]):
            if e <= e1:
                return r0 + (r1 - r0) * (e - e0) / (e1 - e0)
        return points[-1][1]
    return rate


# name: (epochs, the schedule's own base rate, rate at 0-based epoch e)
SCHEDULES = {
    'LR_norm': (100, 0.1, lambda e: 0.1 * 0.1**(e // 30)),
    'LR_fast': (30, 0.1, lambda e: 0.1 * (1 - (e - 1) / 52)**11),
    'LR_adj': (50, 0.1, lambda e: 0.1 * (1 - (e - 1) / 49)**2),
    'MobileNetV2_LR_norm': (90, 0.045, lambda e: 0.045 * 0.98**e),
    'MobileNetV2_LR_fast': (100, 0.06, lambda e: 0.06 * 0.92**e),
    'MobileNetV2_LR_adj': (150, 0.06, _piecewise_linear(
        [(0, 0.06), (50, 0.01), (100, 0.001), (150, 1e-5)])),
}


def schedule_lr(name: str, epoch: int, base_lr: Optional[float] = None
                ) -> float:
    """Learning rate of schedule ``name`` at 0-based ``epoch``, scaled to
    ``base_lr`` (default: the schedule's own base rate)."""
    if name not in SCHEDULES:
        raise ValueError(f'unknown schedule {name!r}; known: '
                         f'{sorted(SCHEDULES)}')
    epochs, own_base, formula = SCHEDULES[name]
    if not 0 <= epoch < epochs:
        raise ValueError(f'{name} runs epochs 0..{epochs - 1}, got {epoch}')
    scale = 1. if base_lr is None else base_lr / own_base
    return formula(epoch) * scale


@PARAM_SCHEDULERS.register_module()
class GCPEpochLR(LRSchedulerMixin, _ParamScheduler):
    """Sets each group's lr to ``schedule_lr(schedule, epoch, group base)``.

    Args:
        optimizer: the optimizer (wrapper).
        schedule (str): a key of :data:`SCHEDULES` (``'LR_norm'``,
            ``'LR_fast'``, ``'LR_adj'``, ``'MobileNetV2_LR_norm'``, ...).
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
