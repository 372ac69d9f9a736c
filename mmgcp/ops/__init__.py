"""Covariance pooling math in pure PyTorch (no OpenMMLab import)."""
from .covariance import covariance, triu_size, triu_unvec, triu_vec
from .eig import mpn, sym_matrix_function
from .heads import GCP, DropCov, ISqrtCov, MPNCov
from .isqrt import isqrt

__all__ = [
    'covariance', 'triu_vec', 'triu_unvec', 'triu_size', 'isqrt', 'mpn',
    'sym_matrix_function', 'GCP', 'ISqrtCov', 'MPNCov', 'DropCov'
]
