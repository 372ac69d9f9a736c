"""Speed and memory of the covariance pooling ops, measured side by side.

    python tools/benchmark_ops.py [--threads 2] [--repeats 7] [--device cpu]

For B=32 and (C, N) in (256, 196), (256, 49), (128, 196), fp32, median of
repeats, it times forward+backward of:
  isqrt      mmgcp.ops.isqrt (hand-written backward)
  autograd   the same 5 unrolled iterations through autograd
  bare bmm   exactly the bmm's isqrt performs (count and shapes), nothing else
  mpn        exact matrix square root by eigendecomposition
and a DropCov training step against plain covariance pooling. Peak memory of
isqrt vs autograd is measured in fresh subprocesses (peak RSS on CPU, peak
allocation on CUDA; the second of two calls, see bench_utils). Ratios are
the point: these machines are shared. The run ends with a markdown block
(:func:`markdown_block`) that docs/benchmarks.md holds verbatim; the tests
read it back with :func:`parse_block`.
"""
import argparse
import re
from typing import Dict, List, Tuple

import torch
from bench_utils import (interleaved_medians, machine,
                         peak_memory_in_subprocess, peak_memory_of)

from mmgcp.ops import covariance, isqrt, mpn
from mmgcp.pooling import CovPooling, DropCov

CASES = ((256, 196), (256, 49), (128, 196))
BATCH = 32
NUM_ITER = 5
TARGETS = {'autograd / isqrt time': ('>=', 1.5),
           'isqrt / bare bmm time': ('<=', 1.3),
           'isqrt / autograd peak memory': ('<=', 0.6),
           'dropcov / gcp train time': ('<=', 1.05)}


def unrolled_isqrt(cov, num_iter=NUM_ITER):
    eye = torch.eye(cov.shape[-1], device=cov.device).expand_as(cov)
    trace = cov.diagonal(dim1=1, dim2=2).sum(-1)[:, None, None]
    y, z = cov / trace, eye
    for _ in range(num_iter - 1):
        t = (3 * eye - z @ y) / 2
        y, z = y @ t, t @ z
    return y @ ((3 * eye - z @ y) / 2) * trace.sqrt()


def bmm_count(num_iter=NUM_ITER):
    """bmm's in isqrt's forward (3N-3) plus backward (7N-6); autograd
    through the unrolled iterations does as many (3N-1 + 6N-3)."""
    return 10 * num_iter - 9


def inputs(channels, samples, device, seed=0):
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(BATCH, channels, samples, generator=g).relu().to(device)
    grad = torch.randn(BATCH, channels, channels, generator=g).to(device)
    return covariance(x), grad


def matrix_fns(channels, samples, device):
    cov, grad = inputs(channels, samples, device)

    def through(fn):
        def run():
            leaf = cov.clone().requires_grad_()
            fn(leaf).backward(grad)
        return run

    a = torch.randn(BATCH, channels, channels, device=device)
    b, out = torch.randn_like(a), torch.empty_like(a)

    def bare():
        for _ in range(bmm_count()):
            torch.bmm(a, b, out=out)

    return {'isqrt': through(isqrt), 'autograd': through(unrolled_isqrt),
            'bare bmm': bare, 'mpn': through(mpn)}


def head_fns(channels, samples, device):
    side = int(round(samples**0.5))
    x = torch.randn(BATCH, channels, side, side, device=device).relu()
    fns = {}
    for name, head in (('cov', CovPooling(channels)),
                       ('dropcov', DropCov(channels))):
        head = head.to(device)

        def train_step(head=head):
            head.train()
            leaf = x.clone().requires_grad_()
            head(leaf).sum().backward()

        def eval_step(head=head):
            head.eval()
            with torch.no_grad():
                head(x)

        fns[f'{name} train'] = train_step
        fns[f'{name} eval'] = eval_step
    return fns


def peak_memory_child(variant, channels, samples, device):
    """Run in a fresh process: peak extra bytes of one fwd+bwd."""
    return peak_memory_of(matrix_fns(channels, samples, device)[variant],
                          device)


def peak_memory(variant, channels, samples, args):
    return peak_memory_in_subprocess(__file__, [
        '--memory-child', variant, str(channels), str(samples), '--device',
        args.device, '--threads', str(args.threads)])


def met(name, value):
    op, bound = TARGETS[name]
    return value >= bound if op == '>=' else value <= bound


def verdict(name, value):
    op, bound = TARGETS[name]
    return f'{name:30s} {value:6.2f}  (target {op} {bound}: ' \
        f'{"met" if met(name, value) else "NOT met"})'


# one row of the markdown table: C, N, then the measured values
ROW_FIELDS = ('isqrt ms', 'autograd / isqrt time', 'isqrt / bare bmm time',
              'isqrt matrices', 'autograd matrices', 'mpn / isqrt time',
              'dropcov / gcp train time', 'dropcov / gcp eval time')
TABLE_HEAD = ('| C, N | isqrt fwd+bwd | autograd / isqrt | isqrt / bare bmm '
              '| peak memory isqrt / autograd (matrices) | mpn / isqrt | '
              'DropCov / GCP train | DropCov / GCP eval |\n'
              '|---|---|---|---|---|---|---|---|')
_ROW = re.compile(
    r'\| (\d+), (\d+) \| ([\d.]+) ms \| ([\d.]+) \| ([\d.]+) \| '
    r'[\d.]+ \(([\d.]+) vs ([\d.]+)\) \| ([\d.]+) \| ([\d.]+) \| '
    r'([\d.]+) \|$')


def table_row(channels: int, samples: int, row: Dict[str, float]) -> str:
    # the ratio of the counts as printed, so that a row reads back exactly
    memory = round(row['isqrt matrices'], 1) / \
        round(row['autograd matrices'], 1)
    return (f'| {channels}, {samples} | {row["isqrt ms"]:.0f} ms | '
            f'{row["autograd / isqrt time"]:.2f} | '
            f'{row["isqrt / bare bmm time"]:.2f} | {memory:.2f} '
            f'({row["isqrt matrices"]:.1f} vs '
            f'{row["autograd matrices"]:.1f}) | '
            f'{row["mpn / isqrt time"]:.2f} | '
            f'{row["dropcov / gcp train time"]:.2f} | '
            f'{row["dropcov / gcp eval time"]:.2f} |')


def target_lines(rows: Dict[Tuple[int, int], Dict[str, float]]
                 ) -> List[str]:
    """One line per target: its range over the cases, and met or not."""
    lines = []
    for name, (op, bound) in TARGETS.items():
        if name == 'isqrt / autograd peak memory':
            values = [r['isqrt matrices'] / r['autograd matrices']
                      for r in rows.values()]
        else:
            values = [r[name] for r in rows.values()]
        ok = all(met(name, v) for v in values)
        lines.append(f'{name} {op} {bound}: {"met" if ok else "NOT met"} '
                     f'({min(values):.2f}-{max(values):.2f})')
    return lines


def markdown_block(machine_line: str,
                   rows: Dict[Tuple[int, int], Dict[str, float]]) -> str:
    """The run as docs/benchmarks.md shows it: the machine, the table
    (one row per case) and the targets."""
    table = [table_row(c, n, r) for (c, n), r in rows.items()]
    # the targets from the values as printed
    printed = parse_block('\n'.join([machine_line] + table))[1]
    return '\n'.join([machine_line, '', TABLE_HEAD] + table + [''] +
                     target_lines(printed))


def parse_block(text: str) -> Tuple[str, Dict[Tuple[int, int],
                                              Dict[str, float]]]:
    """(machine line, rows) of a :func:`markdown_block`."""
    lines = text.strip().splitlines()
    rows = {}
    for line in lines:
        match = _ROW.match(line)
        if match:
            values = [float(v) for v in match.groups()[2:]]
            rows[(int(match.group(1)), int(match.group(2)))] = dict(
                zip(ROW_FIELDS, values))
    return lines[0], rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--threads', type=int, default=2)
    parser.add_argument('--repeats', type=int, default=7)
    parser.add_argument('--device', default='cpu')
    parser.add_argument('--memory-child', nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    device = torch.device(args.device)
    if args.memory_child:
        variant, channels, samples = args.memory_child
        print(peak_memory_child(variant, int(channels), int(samples), device))
        return
    machine_line = (f'machine: {machine()}; device {device}; B={BATCH}, '
                    f'fp32, median of {args.repeats}')
    print(machine_line)
    rows = {}
    for channels, samples in CASES:
        print(f'\n== C={channels}, N={samples} ==')
        # interleaved within each group of compared functions; the groups
        # apart, so the big matrix ops do not disturb the heads' timings
        times = {**interleaved_medians(matrix_fns(channels, samples, device),
                                       device, args.repeats),
                 **interleaved_medians(head_fns(channels, samples, device),
                                       device, args.repeats)}
        for name, seconds in times.items():
            print(f'  {name:14s} {seconds * 1e3:9.2f} ms', flush=True)
        memory = {v: peak_memory(v, channels, samples, args)
                  for v in ('isqrt', 'autograd')}
        matrix = BATCH * channels * channels * 4
        print(f'  peak memory    isqrt {memory["isqrt"] / matrix:5.1f}, '
              f'autograd {memory["autograd"] / matrix:5.1f} '
              f'(in {BATCH}x{channels}x{channels} fp32 matrices)')
        print('  ' + verdict('autograd / isqrt time',
                             times['autograd'] / times['isqrt']))
        print('  ' + verdict('isqrt / bare bmm time',
                             times['isqrt'] / times['bare bmm']))
        print('  ' + verdict('isqrt / autograd peak memory',
                             memory['isqrt'] / memory['autograd']))
        print(f'  {"mpn / isqrt time":30s} '
              f'{times["mpn"] / times["isqrt"]:6.2f}')
        print('  ' + verdict('dropcov / gcp train time',
                             times['dropcov train'] / times['cov train']))
        print(f'  {"dropcov / gcp eval time":30s} '
              f'{times["dropcov eval"] / times["cov eval"]:6.2f}')
        rows[(channels, samples)] = {
            'isqrt ms': times['isqrt'] * 1e3,
            'autograd / isqrt time': times['autograd'] / times['isqrt'],
            'isqrt / bare bmm time': times['isqrt'] / times['bare bmm'],
            'isqrt matrices': memory['isqrt'] / matrix,
            'autograd matrices': memory['autograd'] / matrix,
            'mpn / isqrt time': times['mpn'] / times['isqrt'],
            'dropcov / gcp train time':
                times['dropcov train'] / times['cov train'],
            'dropcov / gcp eval time':
                times['dropcov eval'] / times['cov eval']}
    print('\n== for docs/benchmarks.md ==')
    print(markdown_block(machine_line, rows))


if __name__ == '__main__':
    main()
