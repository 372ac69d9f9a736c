"""Running the corruption benchmark (the analysis of its results, tables
and plots is :mod:`mmgcp.analysis.robustness`)."""
import copy
import os.path as osp
from typing import Dict, Mapping, Optional, Sequence

from mmengine.model import is_model_wrapper
from mmengine.registry import DATASETS
from mmengine.runner import Runner, TestLoop

from ..analysis._json import write_json
from ..analysis.robustness import (PRIMARY_METRICS, check_severities,
                                   condition_key, insert_corruption,
                                   load_results, resolve_corruptions)
from ..checkpoint import load_matching_checkpoint
from ..datasets.coco_check import check_annotations
from ..datasets.transforms import load_corrupt
from .run_config import drop_backbone_init

__all__ = ['run_corruption_benchmark', 'benchmark_checkpoint']


def _plain(metrics: Mapping) -> Dict[str, float]:
    return {k: float(v) for k, v in metrics.items()
            if isinstance(v, (int, float)) or hasattr(v, 'item')}


def _check_not_empty(dataset_cfg: Mapping) -> None:
    # mmengine fails on an empty dataset with a numpy error; read the
    # sample list first and say what is wrong
    dataset = DATASETS.build(dict(copy.deepcopy(dataset_cfg),
                                  lazy_init=True))
    if not dataset.load_data_list():
        raise ValueError(f'the test set is empty: nothing to evaluate '
                         f'(test_dataloader.dataset: {dict(dataset_cfg)})')


def run_corruption_benchmark(runner, test_dataloader: dict,
                             test_evaluator, corruptions: Sequence[str],
                             severities: Sequence[int], out: str,
                             identity: Optional[dict] = None,
                             log=print) -> dict:
    """Evaluate clean and every (corruption, severity) with the runner's
    model through mmengine's ``TestLoop``.

    Each evaluation is written to ``out`` as soon as it is done; a rerun
    with the same ``identity`` (config, checkpoint) skips what ``out``
    already holds, so an interrupted benchmark resumes.

    Returns:
        dict: ``{"identity", "results"}`` as written to ``out``.
    """
    # fail before any evaluation if the corruptions cannot run
    load_corrupt()
    identity = dict(identity or {})
    data = dict(identity=identity, results={})
    if osp.isfile(out):
        previous = load_results(out)
        if previous.get('identity') == identity:
            data['results'] = previous['results']
            if data['results']:
                log(f'[robustness] resuming: {len(data["results"])} '
                    f'evaluations already in {out}')
    _check_not_empty(test_dataloader['dataset'])
    todo = [(None, 0)] + [(c, s) for c in corruptions for s in severities]
    for number, (corruption, severity) in enumerate(todo, 1):
        key = condition_key(corruption, severity)
        if key in data['results']:
            continue
        loader = copy.deepcopy(test_dataloader)
        if corruption is not None:
            loader['dataset']['pipeline'] = insert_corruption(
                loader['dataset']['pipeline'], corruption, severity)
        loop = TestLoop(runner, loader, copy.deepcopy(test_evaluator))
        metrics = _plain(loop.run())
        data['results'][key] = metrics
        write_json(out, data)
        shown = {k: round(v, 4) for k, v in metrics.items()
                 if k in PRIMARY_METRICS}
        log(f'[robustness] {number}/{len(todo)} {key}: {shown}')
    return data


def benchmark_checkpoint(cfg, checkpoint: str, corruptions: Sequence[str],
                         severities: Sequence[int], out: str,
                         config_name: str = '<config>') -> dict:
    """Build the config's runner, load ``checkpoint`` (it must fit the
    config exactly) and run ``run_corruption_benchmark``.

    Args:
        cfg (mmengine.Config): the run config (its ``work_dir`` gets the
            logs).
        checkpoint (str): whole-model checkpoint of this config.
        corruptions, severities: what to evaluate (checked first).
        out (str): results JSON (resumed when it matches).
        config_name (str): the config's path, for messages and the JSON.

    Returns:
        dict: ``{"identity", "results"}``, limited to the requested
        conditions.
    """
    corruptions = resolve_corruptions(corruptions)
    severities = check_severities(severities)
    if not osp.isfile(checkpoint):
        raise FileNotFoundError(f'checkpoint file {checkpoint} does not '
                                'exist')
    cfg = copy.deepcopy(cfg)
    cfg.load_from, cfg.resume = None, False
    drop_backbone_init(cfg)
    if 'pipeline' not in cfg.test_dataloader.get('dataset', {}):
        raise ValueError(f'{config_name}: test_dataloader.dataset has no '
                         'pipeline to insert the corruption into')
    runner = Runner.from_cfg(cfg)
    check_annotations(cfg, ('test', ))
    model = runner.model.module if is_model_wrapper(runner.model) \
        else runner.model
    load_matching_checkpoint(model, checkpoint, config_name)
    runner.call_hook('before_run')
    data = run_corruption_benchmark(
        runner, cfg.test_dataloader, cfg.test_evaluator, corruptions,
        severities, out,
        identity=dict(config=osp.abspath(config_name),
                      checkpoint=osp.abspath(checkpoint)),
        log=runner.logger.info)
    runner.call_hook('after_run')
    keys = ['clean'] + [condition_key(c, s) for c in corruptions
                        for s in severities]
    return dict(identity=data['identity'],
                results={k: data['results'][k] for k in keys})
