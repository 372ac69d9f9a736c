"""Top-k accuracy for the pretraining classifiers."""
from typing import Sequence

from mmengine.evaluator import BaseMetric
from mmengine.registry import METRICS

__all__ = ['TopKAccuracy']


@METRICS.register_module()
class TopKAccuracy(BaseMetric):
    """Top-k accuracy (%) of ``predict`` outputs (``pred_scores``,
    ``gt_label``; mmengine's evaluator hands them over as dicts).

    Args:
        topk (Sequence[int]): the k's. Default: (1, 5).
    """
    default_prefix = 'accuracy'

    def __init__(self, topk: Sequence[int] = (1, 5), **kwargs) -> None:
        super().__init__(**kwargs)
        self.topk = tuple(topk)

    def process(self, data_batch, data_samples: Sequence[dict]) -> None:
        for sample in data_samples:
            scores = sample['pred_scores']
            k = min(max(self.topk), scores.numel())
            top = scores.topk(k).indices.cpu()
            self.results.append((top, int(sample['gt_label'])))

    def compute_metrics(self, results: list) -> dict:
        if not results:
            raise ValueError('empty evaluation set: no predictions to score')
        metrics = {}
        for k in self.topk:
            hits = sum(int(label in top[:k].tolist())
                       for top, label in results)
            metrics[f'top{k}'] = 100.0 * hits / len(results)
        return metrics
