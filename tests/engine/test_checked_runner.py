"""The data-loader worker init of mmgcp's runs: exit with the parent,
seeded as mmengine seeds (so a resumed run stays bit-exact)."""
import ctypes
import os
import random
import signal

import numpy as np
import torch
from mmengine.dataset import worker_init_fn

from mmgcp.engine import exit_with_parent


def draws():
    return np.random.rand(), random.random(), torch.rand(1).item()


def test_worker_init_seeds_as_mmengine_and_asks_for_the_parents_death():
    worker_init_fn(3, 4, 1, 7)
    expected = draws()
    exit_with_parent(3, 4, 1, 7, parent_pid=os.getppid())
    assert draws() == expected
    signal_number = ctypes.c_int()
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(2, ctypes.byref(signal_number))  # PR_GET_PDEATHSIG
    assert signal_number.value == signal.SIGKILL
