"""What ``import mmgcp`` registers in each OpenMMLab toolbox, and when.

===========  ==========================================================
toolbox      registered there (by the modules in :data:`REGISTRATIONS`)
===========  ==========================================================
mmengine     checkpoint loading with ``weights_only=True`` that allows
             the few objects an mmengine checkpoint holds
             (:mod:`mmgcp.checkpoint`); mmgcp's own scope
             (:mod:`mmgcp.registry`: ``mmgcp.LandscapeHook``,
             ``mmgcp.GCPEpochLR``, ``mmgcp.SeededCorrupt``,
             ``mmgcp.CPUDistributedDataParallel``); ``scope::`` config
             bases that resolve on the maintained forks too
             (:mod:`mmgcp.config_scopes`)
mmdet        ``GCPResNet`` in ``MODELS``
mmseg        ``GCPResNet`` (mmseg's ResNet underneath) in ``MODELS``;
             ``CheckedSegDataset`` in ``DATASETS``; ``CheckSegLabels`` in
             ``TRANSFORMS``
mmpretrain   ``GCPNeck``, ``TokenCovClsHead``, ``MindSporeResNet`` and
             ``ConvTokenViT`` in ``MODELS``
===========  ==========================================================

Registration happens once both mmgcp and the toolbox are imported, in
either order: for a toolbox already imported (``custom_imports`` in a
config, or a script that imported mmdet first) at ``import mmgcp``; for
one imported later, right after the toolbox's own package has loaded.
A toolbox that is not installed is simply never registered, and importing
mmgcp (or ``mmgcp.ops``, which is pure PyTorch) imports no OpenMMLab
package by itself.
"""
import importlib
import importlib.abc
import sys
from typing import Dict, Optional, Tuple

__all__ = ['REGISTRATIONS', 'register_toolboxes']

# toolbox -> the mmgcp modules whose import registers into it. Importing
# is all it takes (registration decorators, and mmgcp.checkpoint installs
# its loader at import), so a module that is itself still importing when
# its toolbox finishes loading registers as it completes.
REGISTRATIONS: Dict[str, Tuple[str, ...]] = {
    'mmengine': ('mmgcp.checkpoint', 'mmgcp.registry', 'mmgcp.config_scopes'),
    'mmdet': ('mmgcp.models.backbones.gcp_resnet', ),
    'mmseg': ('mmgcp.models.backbones.gcp_resnet_seg',
              'mmgcp.datasets.seg_dataset'),
    'mmpretrain': ('mmgcp.pretrain', ),
}


def _register(toolbox: str) -> None:
    for module in REGISTRATIONS[toolbox]:
        importlib.import_module(module)


class _RegisterAfterLoad(importlib.abc.Loader):
    """Runs a toolbox's own loader, then registers mmgcp's parts in it."""

    def __init__(self, loader: importlib.abc.Loader, toolbox: str) -> None:
        self.loader = loader
        self.toolbox = toolbox

    def create_module(self, spec):
        return self.loader.create_module(spec)

    def exec_module(self, module) -> None:
        # the module keeps its own loader: nothing else sees this wrapper
        module.__loader__ = module.__spec__.loader = self.loader
        self.loader.exec_module(module)
        _finder.pending.discard(self.toolbox)  # the finder made this loader
        _register(self.toolbox)


class _ToolboxFinder(importlib.abc.MetaPathFinder):
    """Finds nothing itself; wraps the loader of a toolbox not yet
    imported so that mmgcp registers in it as soon as it has loaded."""

    def __init__(self) -> None:
        self.pending = set()

    def find_spec(self, fullname: str, path=None, target=None):
        # stays pending until loaded: ``importlib.util.find_spec`` (asking
        # whether a toolbox is installed) finds without loading
        if fullname not in self.pending:
            return None
        spec = None
        for finder in sys.meta_path:
            if finder is not self and hasattr(finder, 'find_spec'):
                spec = finder.find_spec(fullname, path, target)
                if spec is not None:
                    break
        if spec is None or spec.loader is None or \
                not hasattr(spec.loader, 'exec_module'):
            return spec
        spec.loader = _RegisterAfterLoad(spec.loader, fullname)
        return spec


_finder: Optional[_ToolboxFinder] = None


def register_toolboxes() -> None:
    """Register in the toolboxes imported so far and arrange the others'
    registration for when they are imported (see the module docstring)."""
    global _finder
    if _finder is None:
        _finder = _ToolboxFinder()
        sys.meta_path.insert(0, _finder)
    for toolbox in REGISTRATIONS:
        if sys.modules.get(toolbox) is not None:
            _finder.pending.discard(toolbox)
            _register(toolbox)
        elif toolbox not in sys.modules:  # None: blocked on purpose
            _finder.pending.add(toolbox)
