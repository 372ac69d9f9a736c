"""mmgcp: global covariance pooling for the OpenMMLab stack.

``import mmgcp`` (or ``custom_imports=dict(imports=['mmgcp'])`` in a config)
registers mmgcp's parts in the installed OpenMMLab toolboxes; the table of
what goes where, and when, is in :mod:`mmgcp.toolboxes`. Each part is
optional: pretraining needs no mmdet, detection and segmentation need no
mmpretrain, and :mod:`mmgcp.ops` is pure PyTorch: ``import mmgcp.ops``
imports no OpenMMLab package.
"""
from .toolboxes import register_toolboxes

__version__ = '0.3.0'

register_toolboxes()
