"""Covariance pooling math, as functions, in pure PyTorch (no OpenMMLab
import): covariance, the iSQRT-COV Newton-Schulz iteration, matrix
functions by eigendecomposition (MPN-COV), vectorisation and the precision
policy they share. The modules built on them are :mod:`mmgcp.pooling`."""
from ._dtype import compute_dtype, no_autocast, to_compute
from .covariance import (covariance, scaled_covariance, triu_size,
                         triu_unvec, triu_vec)
from .eig import (check_finite, floor_eigenvalues, mpn, sym_matrix_function,
                  symmetric_eigvalsh)
from .isqrt import isqrt
from .normalize import signed_sqrt_l2

__all__ = [
    'covariance', 'scaled_covariance', 'triu_vec', 'triu_unvec',
    'triu_size', 'isqrt', 'mpn', 'sym_matrix_function', 'floor_eigenvalues',
    'symmetric_eigvalsh', 'check_finite',
    'signed_sqrt_l2', 'compute_dtype', 'to_compute', 'no_autocast'
]
