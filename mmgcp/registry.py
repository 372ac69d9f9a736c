"""mmgcp's own registry scope, ``mmgcp``, for what is not a drop-in part of
a toolbox: the landscape hook, the papers' per-epoch LR schedules, the
seeded corruption transform and the CPU distributed wrapper.

Configs name them with the scope, e.g. ``dict(type='mmgcp.LandscapeHook')``;
mmengine then imports this module and the ``locations`` below by itself, so
they work from any toolbox's scope without ``custom_imports``. The
registries are children of mmengine's root ones and register nothing there.
What ``import mmgcp`` registers in mmdet's, mmseg's and mmpretrain's own
registries is listed in :mod:`mmgcp.toolboxes`.
"""
from mmengine.registry import HOOKS as MMENGINE_HOOKS
from mmengine.registry import MODEL_WRAPPERS as MMENGINE_MODEL_WRAPPERS
from mmengine.registry import PARAM_SCHEDULERS as MMENGINE_PARAM_SCHEDULERS
from mmengine.registry import TRANSFORMS as MMENGINE_TRANSFORMS
from mmengine.registry import Registry

__all__ = ['HOOKS', 'MODEL_WRAPPERS', 'PARAM_SCHEDULERS', 'TRANSFORMS']

HOOKS = Registry('hook', parent=MMENGINE_HOOKS, scope='mmgcp',
                 locations=['mmgcp.engine.hooks'])
MODEL_WRAPPERS = Registry('model_wrapper', parent=MMENGINE_MODEL_WRAPPERS,
                          scope='mmgcp', locations=['mmgcp.engine.cpu_dist'])
PARAM_SCHEDULERS = Registry('parameter scheduler',
                            parent=MMENGINE_PARAM_SCHEDULERS, scope='mmgcp',
                            locations=['mmgcp.engine.schedulers'])
TRANSFORMS = Registry('transform', parent=MMENGINE_TRANSFORMS, scope='mmgcp',
                      locations=['mmgcp.datasets.transforms'])
