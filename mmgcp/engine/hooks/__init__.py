"""Training hooks, registered in mmgcp's scope (``mmgcp.LandscapeHook``)."""
from .landscape_hook import LandscapeHook

__all__ = ['LandscapeHook']
