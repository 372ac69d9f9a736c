"""Timing and peak-memory helpers shared by the benchmark scripts."""
import os
import platform
import statistics
import subprocess
import sys
import time
from typing import Callable, Dict, List

import torch

__all__ = ['timed', 'interleaved_medians', 'peak_memory_of',
           'peak_memory_in_subprocess', 'machine']


def _sync(device: torch.device) -> None:
    if device.type == 'cuda':
        torch.cuda.synchronize()


def timed(fn: Callable[[], None], device: torch.device) -> float:
    """Wall time of one call of ``fn`` in seconds (device synchronised)."""
    _sync(device)
    start = time.perf_counter()
    fn()
    _sync(device)
    return time.perf_counter() - start


def interleaved_medians(fns: Dict[str, Callable[[], None]],
                        device: torch.device,
                        repeats: int) -> Dict[str, float]:
    """Median wall time of each of ``fns``, timed in rounds (one call of
    each per round, after one warm-up round), so that a burst of load on a
    shared machine hits all of them alike rather than one."""
    for fn in fns.values():
        fn()
    samples: Dict[str, List[float]] = {name: [] for name in fns}
    for _ in range(repeats):
        for name, fn in fns.items():
            samples[name].append(timed(fn, device))
    return {name: statistics.median(t) for name, t in samples.items()}


def _status(key: str) -> int:
    with open('/proc/self/status') as f:
        for line in f:
            if line.startswith(key):
                return int(line.split()[1]) * 1024
    raise RuntimeError(f'{key} not in /proc/self/status')


def peak_memory_of(fn: Callable[[], None], device: torch.device) -> int:
    """Peak extra bytes while ``fn`` runs: peak allocation on CUDA, peak RSS
    on CPU. Call it in a fresh process (see
    :func:`peak_memory_in_subprocess`).

    ``fn`` runs once before the measured call: the first autograd call of a
    process keeps about 33 MB of anonymous memory on the CPU (whatever its
    size: measured with torch 2.13.0 from PyPI; cuBLAS allocates its
    workspace on a first call on CUDA), which belongs to no op and, counted,
    would swamp the difference being measured.
    """
    fn()
    if device.type == 'cuda':
        torch.cuda.synchronize()
        torch.cuda.reset_peak_memory_stats()
        base = torch.cuda.memory_allocated()
        fn()
        torch.cuda.synchronize()
        return torch.cuda.max_memory_allocated() - base
    with open('/proc/self/clear_refs', 'w') as f:
        f.write('5')  # reset the peak-RSS counter (VmHWM)
    base = _status('VmRSS')
    fn()
    return _status('VmHWM') - base


def peak_memory_in_subprocess(script: str, args: List[str]) -> int:
    """Run ``script args`` in a fresh process that prints one byte count.

    glibc is told to hand large blocks back to the OS at once, so that RSS
    follows what the process really holds.
    """
    env = dict(os.environ, MALLOC_MMAP_THRESHOLD_='65536')
    out = subprocess.run([sys.executable, script] + args, env=env,
                         check=True, capture_output=True, text=True).stdout
    return int(out.strip().splitlines()[-1])


def machine() -> str:
    """CPU model, thread count and torch version, for the printed tables."""
    cpu = platform.processor() or platform.machine()
    try:
        with open('/proc/cpuinfo') as f:
            cpu = next(line.split(':', 1)[1].strip() for line in f
                       if line.startswith('model name'))
    except (OSError, StopIteration):
        pass
    gpu = f', {torch.cuda.get_device_name()}' if torch.cuda.is_available() \
        else ''
    return (f'{cpu}{gpu}, {torch.get_num_threads()} threads, torch '
            f'{torch.__version__}')
