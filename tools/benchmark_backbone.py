"""GCPResNet (D and M) against mmdet's ResNet: forward+backward time and
peak memory, measured side by side on the same inputs, printed as ratios.

    python tools/benchmark_backbone.py [--depth 50] [--size 320] [--batch 2]
        [--threads 2] [--repeats 5] [--device cpu]

GCP_D has ResNet's topology, so its ratio should be 1.00 +/- 0.05. GCP_M runs
stage 4 at stride 1 (4x its FLOPs) before the 2x2 max-pool.
"""
import argparse
import statistics

import torch
from bench_utils import (machine, peak_memory_in_subprocess, peak_memory_of,
                         timed)
from mmdet.models.backbones import ResNet
from mmengine.logging import MMLogger

import mmgcp  # noqa: F401
from mmgcp.models import GCPResNet


def build(name, depth, device):
    torch.manual_seed(0)
    if name == 'ResNet':
        net = ResNet(depth, norm_eval=False)
    else:
        net = GCPResNet(depth, name[-1], norm_eval=False)
    net.init_weights()
    net.train()
    return net.to(device)


def step_fn(name, args, device):
    net = build(name, args.depth, device)
    g = torch.Generator().manual_seed(1)
    x = torch.randn(args.batch, 3, args.size, args.size, generator=g)
    x = x.to(device)

    def step():
        net.zero_grad(set_to_none=True)
        loss = sum(o.float().mean() for o in net(x))
        loss.backward()
    return step


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--depth', type=int, default=50)
    parser.add_argument('--size', type=int, default=320)
    parser.add_argument('--batch', type=int, default=2)
    parser.add_argument('--threads', type=int, default=2)
    parser.add_argument('--repeats', type=int, default=9)
    parser.add_argument('--device', default='cpu')
    parser.add_argument('--memory-child', help=argparse.SUPPRESS)
    args = parser.parse_args()
    # the current logger would print every parameter's init
    MMLogger.get_instance('benchmark_backbone', log_level='WARNING')
    torch.set_num_threads(args.threads)
    device = torch.device(args.device)
    if args.memory_child:
        print(peak_memory_of(step_fn(args.memory_child, args, device),
                             device))
        return
    names = ('ResNet', 'GCPResNet-D', 'GCPResNet-M')
    print(f'machine: {machine()}; device {device}; depth {args.depth}, '
          f'batch {args.batch} x 3 x {args.size} x {args.size}, '
          f'forward+backward, median of {args.repeats}')
    steps = {n: step_fn(n, args, device) for n in names}
    for step in steps.values():
        step()  # warm-up
    times = {n: [] for n in names}
    # interleave the models so that load on a shared machine hits all alike
    for _ in range(args.repeats):
        for n in names:
            times[n].append(timed(steps[n], device))
    median = {n: statistics.median(t) for n, t in times.items()}
    common = ['--depth', str(args.depth), '--size', str(args.size),
              '--batch', str(args.batch), '--threads', str(args.threads),
              '--device', args.device]
    memory = {n: peak_memory_in_subprocess(
        __file__, common + ['--memory-child', n]) for n in names}
    print(f'{"":14s} {"time (ms)":>10s} {"x ResNet":>9s} '
          f'{"peak MB":>9s} {"x ResNet":>9s}')
    for n in names:
        print(f'{n:14s} {median[n] * 1e3:10.1f} '
              f'{median[n] / median["ResNet"]:9.2f} '
              f'{memory[n] / 2**20:9.1f} '
              f'{memory[n] / memory["ResNet"]:9.2f}')
    ratio = median['GCPResNet-D'] / median['ResNet']
    print(f'GCP_D time ratio {ratio:.2f}: target 1.00 +/- 0.05 '
          f'{"met" if abs(ratio - 1) <= 0.05 else "NOT met"}')


if __name__ == '__main__':
    main()
