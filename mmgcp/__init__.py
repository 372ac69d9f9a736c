"""mmgcp: global covariance pooling backbones for OpenMMLab dense prediction.

``import mmgcp`` (or ``custom_imports=dict(imports=['mmgcp'])`` in a config)
registers :class:`mmgcp.models.GCPResNet` in mmdet's registry (and, with
the checked segmentation dataset, in mmseg's when it is installed) and makes
mmengine load local checkpoints safely on torch >= 2.6. ``mmgcp.ops`` is pure
PyTorch and imports without OpenMMLab.
"""
__version__ = '0.1.0'

try:
    import mmdet  # noqa: F401
except ModuleNotFoundError as err:  # only a missing mmdet, not a broken one
    if err.name != 'mmdet':
        raise
else:
    from . import engine, models  # noqa: F401  (registers the backbones)
    engine.install_safe_local_loader()
    if models.SEG_REGISTERED:
        from .datasets import seg_dataset  # noqa: F401  (mmseg registries)
