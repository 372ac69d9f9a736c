"""Loss-landscape measurement every K training iterations."""
import os.path as osp
import time
from typing import Optional, Sequence

from mmengine.dist import get_world_size, is_main_process
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper
from torch import nn

from ...analysis.landscape import (landscape_etas, landscape_protocol,
                                   load_landscape, measure_landscape,
                                   save_landscape)
from ...registry import HOOKS

__all__ = ['LandscapeHook']


@HOOKS.register_module()
class LandscapeHook(Hook):
    """Measure the loss landscape along the gradient during training.

    After every ``interval`` training iterations (and after the first), the
    batch just trained on is used to record ``L(y + eta g)`` and
    ``||dL/dy(y + eta g) - g||`` for ``steps`` step sizes in ``eta_range``
    (``mmgcp.analysis.measure_landscape``). Records are appended to
    ``<work_dir>/<out_file>`` as they come, so an interrupted run keeps them
    and a resumed run continues the file. Only the main process measures.

    Args:
        interval (int, optional): iterations between measurements.
            Default: the protocol's (500 for ResNet, 1000 for MobileNetV2).
        eta_range (Sequence[float], optional): ``[a, b]``. Default: the
            protocol's (``(0.1, 75)`` for ResNet, ``(0.045, 1.5)`` for
            MobileNetV2).
        steps (int): step sizes in the range. Default: 50.
        split (str, optional): the stem-output module (default: the first
            ``*maxpool``, else the first stride-2 conv block).
        protocol (str): the papers' settings the defaults come from, a key
            of ``mmgcp.analysis.LANDSCAPE_PROTOCOLS`` (Wang et al., CVPR
            2020): ``'resnet'`` or ``'mobilenet_v2'``. Default:
            ``'resnet'``.
        label (str, optional): run name for plots (default: the work dir's
            name).
        out_file (str): JSON file name inside the work dir.
        seed (int): RNG seed every evaluation starts from.
    """

    priority = 'LOW'

    def __init__(self, interval: Optional[int] = None,
                 eta_range: Optional[Sequence[float]] = None,
                 steps: int = 50, split: Optional[str] = None,
                 label: Optional[str] = None,
                 out_file: str = 'landscape.json', seed: int = 0,
                 protocol: str = 'resnet') -> None:
        defaults = landscape_protocol(protocol)
        interval = defaults['interval'] if interval is None else interval
        eta_range = defaults['eta_range'] if eta_range is None else eta_range
        if interval < 1:
            raise ValueError(f'interval must be >= 1, got {interval}')
        if len(eta_range) != 2:
            raise ValueError(f'eta_range must be [a, b], got {eta_range}')
        self.interval = interval
        self.etas = landscape_etas(float(eta_range[0]), float(eta_range[1]),
                                   steps)
        self.split, self.label, self.seed = split, label, seed
        self.out_file = out_file
        self.records = []

    def before_train(self, runner) -> None:
        self.path = osp.join(runner.work_dir, self.out_file)
        self.label = self.label or osp.basename(osp.normpath(
            runner.work_dir))
        model = self._model(runner)
        if get_world_size() > 1 and any(
                isinstance(m, nn.SyncBatchNorm) for m in model.modules()):
            raise ValueError('LandscapeHook measures on the main process '
                             'only and cannot run SyncBatchNorm there; use '
                             'BN, or measure saved checkpoints with '
                             'tools/analysis/landscape.py')
        self.records = []
        if runner.iter > 0 and osp.isfile(self.path):
            # resumed: keep what was measured up to the resumed iteration
            self.records = [r for r in load_landscape(self.path)['records']
                            if r['iter'] <= runner.iter]

    @staticmethod
    def _model(runner):
        model = runner.model
        return model.module if is_model_wrapper(model) else model

    def after_train_iter(self, runner, batch_idx: int,
                         data_batch: Optional[dict] = None,
                         outputs=None) -> None:
        done = runner.iter + 1
        if data_batch is None or not (done == 1 or
                                      done % self.interval == 0):
            return
        if not is_main_process():
            return
        start = time.time()
        record = measure_landscape(self._model(runner), data_batch,
                                   self.etas, self.split, self.seed)
        record['iter'] = done
        self.records.append(record)
        save_landscape(self.path, self.label, self.records,
                       meta=dict(split=self.split, seed=self.seed))
        finite = [v for v in record['loss'] if v == v]
        runner.logger.info(
            f'landscape @ iter {done}: loss {min(finite, default=0):.4f}..'
            f'{max(finite, default=0):.4f} over {len(self.etas)} steps, '
            f'max grad change {max(record["grad_change"]):.4g} '
            f'({time.time() - start:.1f} s) -> {self.path}')
