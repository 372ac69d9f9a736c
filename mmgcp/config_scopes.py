"""``scope::path`` config bases on the maintained OpenMMLab forks.

mmengine resolves ``_base_ = 'mmseg::...'`` through a table from scope to
the *distribution* that installs it (``MODULE2PACKAGE``: ``mmseg`` ->
``mmsegmentation``) and then looks the distribution up. The maintained
forks keep the import names but install under other distribution names
(``onedl-mmsegmentation``), so on them that lookup fails although ``mmseg``
imports. :func:`map_scopes_to_installed_packages` (run when mmgcp and
mmengine are both imported, :mod:`mmgcp.toolboxes`) points such a scope at
its import name, which mmengine's lookup also accepts. On the upstream
distributions it changes nothing. A config parsed before mmgcp is imported
(``custom_imports`` are read after the ``_base_`` files) still needs
``import mmgcp`` first on the forks.
"""
from typing import Dict

from mmengine.config.utils import MODULE2PACKAGE

from .utils import is_installed

__all__ = ['map_scopes_to_installed_packages']


def _distribution_exists(name: str) -> bool:
    from importlib.metadata import PackageNotFoundError, distribution
    try:
        distribution(name)
    except PackageNotFoundError:
        return False
    return True


def map_scopes_to_installed_packages(
        table: Dict[str, str] = MODULE2PACKAGE) -> Dict[str, str]:
    """Point each scope of ``table`` whose distribution is not installed,
    but whose module is, at the module; return what was changed.

    Args:
        table: scope -> distribution name; mmengine's own by default,
            changed in place.

    Returns:
        dict: scope -> the distribution name it had, for the scopes changed.
    """
    changed = {}
    for scope, package in table.items():
        if package != scope and not _distribution_exists(package) and \
                not is_installed(package) and is_installed(scope):
            changed[scope] = package
            table[scope] = scope
    return changed


map_scopes_to_installed_packages()
