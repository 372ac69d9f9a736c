"""Data transforms, registered in mmgcp's scope (``mmgcp.SeededCorrupt``)."""
from .corruptions import SeededCorrupt, load_corrupt

__all__ = ['SeededCorrupt', 'load_corrupt']
