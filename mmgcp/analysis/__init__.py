"""Tools for checking the papers' claims on your own runs."""
from .curves import curves_table, find_scalars, load_curves, plot_curves

__all__ = ['find_scalars', 'load_curves', 'plot_curves', 'curves_table']
