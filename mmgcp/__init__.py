"""mmgcp: global covariance pooling for the OpenMMLab stack.

``import mmgcp`` (or ``custom_imports=dict(imports=['mmgcp'])`` in a config)
registers what the installed OpenMMLab packages can use:

- with mmengine: safe (``weights_only``) loading of local checkpoints, the
  ``LandscapeHook``, the ``SeededCorrupt`` transform and the CPU
  distributed wrapper (mmengine's root registries);
- with mmdet: :class:`mmgcp.models.GCPResNet` in mmdet's ``MODELS`` (and in
  mmseg's, with the checked segmentation dataset, when mmseg is installed);
- with mmpretrain: the ``GCPNeck`` and the papers' ``GCPEpochLR`` schedule
  in mmpretrain's registries (:mod:`mmgcp.pretrain`).

Each part is optional: pretraining needs no mmdet, detection and
segmentation need no mmpretrain, and ``mmgcp.ops`` is pure PyTorch and
imports without any OpenMMLab package.
"""
import importlib.util

__version__ = '0.2.0'


def _installed(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except ValueError:  # a module set to None in sys.modules
        return False


if _installed('mmengine'):
    from . import datasets, engine  # noqa: F401  (hook, transform, wrapper)
    engine.install_safe_local_loader()
    if _installed('mmdet'):
        from . import models  # noqa: F401  (registers the backbones)
        if models.SEG_REGISTERED:
            from .datasets import seg_dataset  # noqa: F401  (mmseg)
    if _installed('mmpretrain'):
        from . import pretrain  # noqa: F401  (neck and LR schedule)
