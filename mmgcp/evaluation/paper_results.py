"""The GCP paper's COCO val2017 results (Wang et al., CVPR 2020, its
detection table; docs/detection.md).

mmdetection, FPN, 1x schedule, 8 GPUs x 2 images. Box rows are
(AP, AP50, AP75, APs, APm, APl); mask rows give AP only.
"""
from typing import Dict, Optional, Tuple

__all__ = ['PAPER_BBOX', 'PAPER_SEGM_AP', 'paper_row']

Key = Tuple[str, int, str]  # (detector, depth, backbone: GAP / GCP_D / GCP_M)

PAPER_BBOX: Dict[Key, Tuple[float, ...]] = {
    ('faster_rcnn', 50, 'GAP'): (36.4, 58.2, 39.2, 21.8, 40.0, 46.2),
    ('faster_rcnn', 50, 'GCP_D'): (36.6, 58.4, 39.5, 21.3, 40.8, 47.0),
    ('faster_rcnn', 50, 'GCP_M'): (37.1, 59.1, 39.9, 22.0, 40.9, 47.6),
    ('faster_rcnn', 101, 'GAP'): (38.7, 60.6, 41.9, 22.7, 43.2, 50.4),
    ('faster_rcnn', 101, 'GCP_D'): (39.5, 60.7, 43.1, 22.9, 44.1, 51.4),
    ('faster_rcnn', 101, 'GCP_M'): (39.6, 61.2, 43.1, 23.3, 43.9, 51.3),
    ('mask_rcnn', 50, 'GAP'): (37.2, 58.9, 40.3, 22.2, 40.7, 48.0),
    ('mask_rcnn', 50, 'GCP_D'): (37.3, 58.8, 40.4, 22.0, 41.1, 48.2),
    ('mask_rcnn', 50, 'GCP_M'): (37.9, 59.4, 41.3, 22.4, 41.5, 49.0),
    ('mask_rcnn', 101, 'GAP'): (39.4, 60.9, 43.3, 23.0, 43.7, 51.4),
    ('mask_rcnn', 101, 'GCP_D'): (40.3, 61.5, 44.0, 24.1, 44.7, 52.5),
    ('mask_rcnn', 101, 'GCP_M'): (40.7, 62.0, 44.6, 23.9, 45.2, 52.9),
}

PAPER_SEGM_AP: Dict[Key, float] = {
    ('mask_rcnn', 50, 'GAP'): 34.1,
    ('mask_rcnn', 50, 'GCP_D'): 34.2,
    ('mask_rcnn', 50, 'GCP_M'): 34.7,
    ('mask_rcnn', 101, 'GAP'): 35.9,
    ('mask_rcnn', 101, 'GCP_D'): 36.5,
    ('mask_rcnn', 101, 'GCP_M'): 36.7,
}


def paper_row(detector: str, depth: int, backbone: str
              ) -> Tuple[Optional[Tuple[float, ...]], Optional[float]]:
    """(box row, mask AP) of the paper for one setting, None where absent."""
    key = (detector, depth, backbone)
    return PAPER_BBOX.get(key), PAPER_SEGM_AP.get(key)
