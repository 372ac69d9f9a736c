"""Loss-landscape smoothness along the gradient (Santurkar et al. 2018).

The network is split after its stem: ``y`` is the stem output and
``g = dL/dy`` (ResNet: after the stem's max-pool; MobileNetV2: after its
first stride-2 conv + BN + ReLU6). For step sizes ``eta`` in ``[a, b]`` we
record the loss ``L(y + eta * g)`` and the gradient change
``||dL/dy(y + eta * g) - g||_2`` (Santurkar et al., "How Does Batch
Normalization Help Optimization?", NeurIPS 2018). A narrow min-max band
over ``eta`` means a smoother, more predictive landscape; the GCP papers
report narrower bands for GCP than for GAP networks.

Works on any mmengine ``BaseModel`` whose ``loss`` mode returns a loss dict
(mmpretrain classifiers, mmdet detectors, mmseg segmentors). The measurement
leaves the model as it found it: parameters' ``.grad`` are not touched,
buffers (BN running statistics) are restored, and the RNG is forked and
re-seeded for every step so samplers and dropout draw the same numbers at
every ``eta``.
"""
import math
from typing import Dict, List, Mapping, Optional, Sequence

import torch
from torch import nn

from ._json import read_json, write_json

__all__ = ['LANDSCAPE_PROTOCOLS', 'landscape_protocol', 'landscape_etas',
           'find_split_module', 'measure_landscape',
           'LandscapeRecord', 'save_landscape', 'load_landscape',
           'plot_landscape', 'landscape_table']

LandscapeRecord = Dict[str, object]

# The papers' settings per network (Wang et al., CVPR 2020, after Santurkar
# et al.): the step sizes [a, b] and the training iterations between two
# measurements; the split is found in the model (find_split_module).
LANDSCAPE_PROTOCOLS = {
    'resnet': dict(eta_range=(0.1, 75.0), interval=500),
    'mobilenet_v2': dict(eta_range=(0.045, 1.5), interval=1000),
}


def landscape_protocol(name: str) -> dict:
    """``eta_range`` and ``interval`` of protocol ``name`` (a key of
    :data:`LANDSCAPE_PROTOCOLS`)."""
    if name not in LANDSCAPE_PROTOCOLS:
        raise ValueError(f'unknown landscape protocol {name!r}; known: '
                         f'{", ".join(LANDSCAPE_PROTOCOLS)}')
    return dict(LANDSCAPE_PROTOCOLS[name])


def landscape_etas(low: float, high: float, steps: int = 50) -> List[float]:
    """``steps`` step sizes evenly spaced over ``[low, high]``."""
    if not (math.isfinite(low) and math.isfinite(high)) or low <= 0 or \
            high <= low:
        raise ValueError(f'the eta range must satisfy 0 < a < b, got '
                         f'[{low}, {high}]')
    if steps < 2:
        raise ValueError(f'need at least 2 step sizes, got {steps}')
    return [low + (high - low) * i / (steps - 1) for i in range(steps)]


def find_split_module(model: nn.Module,
                      name: Optional[str] = None) -> nn.Module:
    """The module whose output is the stem output ``y``.

    Args:
        model: the whole network.
        name: a dotted module name (e.g. ``backbone.maxpool``); default: the
            first module called ``maxpool`` (ResNet's stem ends there:
            ``backbone.maxpool`` in classifiers, detectors and
            segmentors), or in a network without one the first stride-2
            conv + norm + activation block (MobileNetV2's
            ``backbone.conv1``).
    """
    modules = dict(model.named_modules())
    if name is not None:
        if name not in modules:
            stems = [n for n in modules if n.endswith(('maxpool', 'stem'))]
            raise KeyError(f'the model has no module {name!r}; stem-like '
                           f'modules: {stems or "none"}')
        return modules[name]
    for module_name, module in modules.items():
        if module_name.split('.')[-1] == 'maxpool':
            return module
    for module in modules.values():
        if _is_strided_conv_block(module):
            return module
    raise KeyError('no module named *maxpool and no stride-2 conv block in '
                   'the model; pass the stem output module explicitly '
                   '(split=...)')


def _is_strided_conv_block(module: nn.Module) -> bool:
    """An mmcv ``ConvModule`` (conv + norm + activation) of stride 2."""
    conv = getattr(module, 'conv', None)
    return isinstance(conv, nn.Conv2d) and tuple(conv.stride) == (2, 2) \
        and getattr(module, 'with_norm', False) \
        and getattr(module, 'with_activation', False)


def _total_loss(model, data: dict) -> torch.Tensor:
    losses = model(**data, mode='loss')
    loss, _ = model.parse_losses(losses)
    return loss


def measure_landscape(model, data_batch: dict, etas: Sequence[float],
                      split: Optional[str] = None,
                      seed: int = 0) -> Dict[str, List[float]]:
    """Loss and gradient change at ``y + eta * g`` for every ``eta``.

    Args:
        model: an mmengine ``BaseModel`` (unwrapped from DDP), in the mode
            it should be measured in (``train()`` during training).
        data_batch: one batch as the dataloader yields it; the model's data
            preprocessor is applied once, outside the loop.
        etas: step sizes.
        split: the stem-output module's name (see ``find_split_module``).
        seed: the RNG seed every evaluation starts from.

    Returns:
        dict: ``eta``, ``loss`` and ``grad_change`` lists (one value per
        eta), plus ``loss0`` (the loss at ``eta = 0``) and ``grad_norm``
        (``||g||``).
    """
    stem = find_split_module(model, split)
    buffers = {k: v.clone() for k, v in model.state_dict(
        keep_vars=True).items() if not isinstance(v, nn.Parameter)}
    shift: Dict[str, Optional[torch.Tensor]] = {'delta': None}
    captured: List[torch.Tensor] = []
    devices = [torch.cuda.current_device()] if torch.cuda.is_available() \
        else []

    def replace_output(module, args, output):
        if not isinstance(output, torch.Tensor):
            raise TypeError(f'the split module must return a tensor, got '
                            f'{type(output).__name__}')
        y = output.detach()
        if shift['delta'] is not None:
            y = y + shift['delta']
        y.requires_grad_(True)
        captured.append(y)
        return y

    def evaluate():
        captured.clear()
        with torch.random.fork_rng(devices=devices):
            torch.manual_seed(seed)
            loss = _total_loss(model, data)
        if len(captured) != 1:
            raise RuntimeError(f'the split module ran {len(captured)} times '
                               'in one forward pass; pick a module that '
                               'runs once (split=...)')
        value = float(loss.detach())
        if not math.isfinite(value):
            return value, None
        (grad,) = torch.autograd.grad(loss, captured[0])
        return value, grad

    handle = stem.register_forward_hook(replace_output)
    try:
        with torch.enable_grad():
            data = model.data_preprocessor(data_batch, training=True)
            loss0, g = evaluate()
            if g is None:
                raise FloatingPointError(f'the loss is not finite ({loss0})'
                                         ' at the measured point')
            g = g.detach()
            out = {'eta': list(map(float, etas)), 'loss': [],
                   'grad_change': [], 'loss0': loss0,
                   'grad_norm': float(g.norm())}
            for eta in etas:
                shift['delta'] = eta * g
                loss, grad = evaluate()
                out['loss'].append(loss)
                out['grad_change'].append(
                    float('nan') if grad is None else float((grad - g).norm()))
    finally:
        handle.remove()
        with torch.no_grad():
            for key, value in model.state_dict(keep_vars=True).items():
                if key in buffers:
                    value.copy_(buffers[key])
    return out


def _check_record(record: Mapping, where: str) -> None:
    for key in ('iter', 'eta', 'loss', 'grad_change'):
        if key not in record:
            raise ValueError(f'{where}: a record lacks {key!r} (expected '
                             'the JSON that landscape measurement writes)')


def save_landscape(path: str, label: str, records: List[LandscapeRecord],
                   meta: Optional[dict] = None) -> None:
    """Write (atomically) ``{"label", "meta", "records"}`` as JSON."""
    write_json(path, dict(label=label, meta=meta or {}, records=records))


def load_landscape(path: str) -> dict:
    """Read and check a landscape JSON."""
    run = read_json(path, 'records', list,
                    'the JSON that landscape measurement writes')
    if not run['records']:
        raise ValueError(f'{path}: no measurements recorded')
    for record in run['records']:
        _check_record(record, path)
    return run


def _band(record: Mapping, key: str):
    values = [v for v in record[key] if math.isfinite(v)]
    if not values:
        return float('nan'), float('nan')
    return min(values), max(values)


def landscape_table(runs: Mapping[str, Sequence[LandscapeRecord]]) -> str:
    """Per run: the mean over measurements of the loss band width and of
    the largest gradient change."""
    lines = [f'{"run":20s} {"points":>6s} {"loss band":>10s} '
             f'{"max grad change":>16s}']
    for label, records in runs.items():
        widths = [_band(r, 'loss')[1] - _band(r, 'loss')[0] for r in records]
        changes = [_band(r, 'grad_change')[1] for r in records]
        lines.append(f'{label:20s} {len(records):6d} '
                     f'{_mean(widths):10.4f} {_mean(changes):16.4g}')
    return '\n'.join(lines)


def _mean(values: Sequence[float]) -> float:
    values = [v for v in values if math.isfinite(v)]
    return sum(values) / len(values) if values else float('nan')


def plot_landscape(runs: Mapping[str, Sequence[LandscapeRecord]],
                   out: str) -> None:
    """Min-max bands over eta of the loss and of the gradient change along
    training, one colour per run."""
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    fig, axes = plt.subplots(1, 2, figsize=(11, 4))
    titles = {'loss': 'loss landscape: L(y + eta g)',
              'grad_change': 'gradient predictiveness: ||dL/dy - g||'}
    for ax, key in zip(axes, ('loss', 'grad_change')):
        for index, (label, records) in enumerate(runs.items()):
            records = sorted(records, key=lambda r: r['iter'])
            iters = [r['iter'] for r in records]
            lows, highs = zip(*(_band(r, key) for r in records))
            colour = f'C{index}'
            ax.fill_between(iters, lows, highs, color=colour, alpha=0.3,
                            label=label)
            ax.plot(iters, lows, color=colour, lw=1)
            ax.plot(iters, highs, color=colour, lw=1)
        etas = next(iter(runs.values()))[0]['eta']
        ax.set_title(titles[key])
        ax.set_xlabel(f'iteration (band: min-max over {len(etas)} steps, '
                      f'eta in [{etas[0]:g}, {etas[-1]:g}])', fontsize=8)
        ax.grid(alpha=0.3)
        ax.legend()
    axes[1].set_yscale('log')
    fig.tight_layout()
    fig.savefig(out, dpi=100)
    plt.close(fig)
