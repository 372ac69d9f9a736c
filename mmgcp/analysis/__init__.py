"""Tools for checking the papers' claims on your own runs."""
from .curves import curves_table, find_scalars, load_curves, plot_curves
from .landscape import (LANDSCAPE_PROTOCOLS, find_split_module,
                        landscape_etas, landscape_protocol, landscape_table,
                        load_landscape, measure_landscape, plot_landscape,
                        save_landscape)
from .robustness import (ALL_CORRUPTIONS, BENCHMARK_CORRUPTIONS,
                         load_results,
                         mean_corruption_error, plot_robustness,
                         resolve_corruptions, robustness_table, summarize)

__all__ = ['find_scalars', 'load_curves', 'plot_curves', 'curves_table',
           'LANDSCAPE_PROTOCOLS', 'landscape_protocol', 'landscape_etas',
           'find_split_module', 'measure_landscape',
           'save_landscape', 'load_landscape', 'plot_landscape',
           'landscape_table', 'ALL_CORRUPTIONS', 'BENCHMARK_CORRUPTIONS',
           'resolve_corruptions', 'summarize', 'mean_corruption_error',
           'robustness_table', 'plot_robustness', 'load_results']
