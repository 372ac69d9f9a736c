"""mmgcp: global covariance pooling for the OpenMMLab stack.

``import mmgcp`` (or ``custom_imports=dict(imports=['mmgcp'])`` in a config)
registers what the installed OpenMMLab packages can use:

- with mmengine: safe (``weights_only``) loading of local checkpoints, the
  ``LandscapeHook``, the ``SeededCorrupt`` transform and the CPU
  distributed wrapper (mmengine's root registries);
- with mmdet: :class:`mmgcp.models.GCPResNet` in mmdet's ``MODELS``;
- with mmseg: its twin on mmseg's ResNet, registered there as
  ``GCPResNet``, and the checked segmentation dataset;
- with mmpretrain: the ``GCPNeck`` and the papers' ``GCPEpochLR`` schedule
  in mmpretrain's registries (:mod:`mmgcp.pretrain`).

Each part is optional: pretraining needs no mmdet, detection and
segmentation need no mmpretrain, and ``mmgcp.ops`` is pure PyTorch and
imports without any OpenMMLab package.
"""
from .utils import is_installed

__version__ = '0.2.0'

if is_installed('mmengine'):
    from . import datasets, engine  # noqa: F401  (hook, transform, wrapper)
    engine.install_safe_local_loader()
    if is_installed('mmdet') or is_installed('mmseg'):
        from . import models  # noqa: F401  (registers the backbones)
    if is_installed('mmseg'):
        from .datasets import seg_dataset  # noqa: F401  (mmseg)
    if is_installed('mmpretrain'):
        from . import pretrain  # noqa: F401  (neck and LR schedule)
