"""Small helpers shared across the package."""
import importlib.util

__all__ = ['is_installed']


def is_installed(name: str) -> bool:
    """Whether ``name`` can be imported, without importing it."""
    try:
        return importlib.util.find_spec(name) is not None
    except ValueError:  # a module set to None in sys.modules
        return False
