"""Precision policy shared by the covariance ops.

Covariance pooling squares feature magnitudes and the Newton-Schulz iteration
multiplies matrices repeatedly, so half precision overflows or loses the
result. Every op here therefore computes in float32 (float64 stays float64)
with autocast disabled, and returns that dtype.
"""
import contextlib

import torch

__all__ = ['compute_dtype', 'to_compute', 'no_autocast']


def compute_dtype(dtype: torch.dtype) -> torch.dtype:
    """The dtype the ops compute in for an input of ``dtype``."""
    return torch.float64 if dtype == torch.float64 else torch.float32


def to_compute(x: torch.Tensor) -> torch.Tensor:
    """Cast ``x`` to its compute dtype (a no-op for float32/float64)."""
    return x.to(compute_dtype(x.dtype))


def no_autocast(x: torch.Tensor):
    """A context that switches autocast off on ``x``'s device type."""
    if torch.is_autocast_enabled(x.device.type):
        return torch.autocast(x.device.type, enabled=False)
    return contextlib.nullcontext()
