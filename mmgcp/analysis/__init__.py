"""Tools for checking the papers' claims on your own runs."""
from .curves import curves_table, find_scalars, load_curves, plot_curves
from .landscape import (find_split_module, landscape_etas, landscape_table,
                        load_landscape, measure_landscape, plot_landscape,
                        save_landscape)

__all__ = ['find_scalars', 'load_curves', 'plot_curves', 'curves_table',
           'landscape_etas', 'find_split_module', 'measure_landscape',
           'save_landscape', 'load_landscape', 'plot_landscape',
           'landscape_table']
