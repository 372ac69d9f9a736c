"""COCO result tables and the paper's reference numbers."""
from .coco_table import (COCO_COLUMNS, coco_rows, format_coco_table,
                         setting_from_config)
from .paper_results import PAPER_BBOX, PAPER_SEGM_AP, paper_row

__all__ = ['COCO_COLUMNS', 'coco_rows', 'format_coco_table',
           'setting_from_config', 'PAPER_BBOX', 'PAPER_SEGM_AP',
           'paper_row']
