"""Element-wise normalisation of pooled vectors."""
import math

import torch
import torch.nn.functional as F

__all__ = ['signed_sqrt_l2']


def signed_sqrt_l2(vec: torch.Tensor, eps: float = 1e-8) -> torch.Tensor:
    """``sign(v) sqrt(|v| + eps) - sign(v) sqrt(eps)``, then l2 normalised.

    The ``eps`` shift keeps the gradient finite at ``v = 0`` (where the
    plain signed square root has an infinite slope) and maps 0 to 0.
    """
    root = torch.sign(vec) * (torch.sqrt(vec.abs() + eps) - math.sqrt(eps))
    return F.normalize(root, dim=-1, eps=1e-12)
