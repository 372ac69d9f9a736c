"""Cost of every covariance post-normalisation, side by side (the DropCov
slides' table): one GCP module on B=32 features with N=196 positions, for
d=64 and d=256, training (forward+backward) and inference time, in ms and as
a ratio to plain GCP, next to the slides' published ratios.

    python tools/benchmark_postnorm.py [--threads 2] [--repeats 11]
        [--device cpu]
"""
import argparse

import torch
from bench_utils import interleaved_medians, machine

from mmgcp.pooling import COV_POOLINGS, build_cov_pooling

BATCH, SIDE = 32, 14  # N = 196
# the slides' training time of one module (us) on a 2080Ti
SLIDES_US = {64: dict(cov=3.45, isqrt=12.35, mpn=925.16, dropcov=3.54),
             256: dict(cov=35.08, isqrt=193.65, mpn=9735.11, dropcov=36.20)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--threads', type=int, default=2)
    parser.add_argument('--repeats', type=int, default=11)
    parser.add_argument('--device', default='cpu')
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    device = torch.device(args.device)
    print(f'machine: {machine()}; device {device}; B={BATCH}, N={SIDE**2}, '
          f'fp32, median of {args.repeats}, each head timed in rounds with '
          'GCP')
    for dim in (64, 256):
        x = torch.randn(BATCH, dim, SIDE, SIDE, device=device).relu()
        fns = {}
        for name in COV_POOLINGS:
            head = build_cov_pooling(name, dim).to(device)

            def train_step(head=head):
                head.train()
                leaf = x.clone().requires_grad_()
                head(leaf).sum().backward()

            def infer(head=head):
                head.eval()
                with torch.no_grad():
                    head(x)

            fns[name, 'train'], fns[name, 'infer'] = train_step, infer
        # every head against GCP in the same rounds: a burst of load on the
        # shared machine then hits the reference as well
        times = {}
        for name in COV_POOLINGS:
            pair = {'cov': fns['cov', 'train'], name: fns[name, 'train']}
            times[name, 'train'] = interleaved_medians(pair, device,
                                                       args.repeats)
            pair = {'cov': fns['cov', 'infer'], name: fns[name, 'infer']}
            times[name, 'infer'] = interleaved_medians(pair, device,
                                                       args.repeats)
        rows = {name: tuple((times[name, m][name],
                             times[name, m][name] / times[name, m]['cov'])
                            for m in ('train', 'infer'))
                for name in COV_POOLINGS}
        slides = SLIDES_US[dim]
        print(f'\n== d={dim} ==')
        print(f'{"method":10s} {"train ms":>9s} {"x GCP":>7s} '
              f'{"infer ms":>9s} {"x GCP":>7s} {"slides x GCP":>13s}')
        for name, ((train, train_x), (infer, infer_x)) in rows.items():
            ref = f'{slides[name] / slides["cov"]:13.2f}' \
                if name in slides else f'{"-":>13s}'
            print(f'{name:10s} {train * 1e3:9.2f} {train_x:7.2f} '
                  f'{infer * 1e3:9.2f} {infer_x:7.2f} {ref}')


if __name__ == '__main__':
    main()
