"""Covariance pooling math in pure PyTorch (no OpenMMLab import)."""
from .covariance import covariance, triu_size, triu_unvec, triu_vec
from .eig import mpn, sym_matrix_function
from .heads import GCP, DropCov, ISqrtCov, MPNCov
from .isqrt import isqrt
from .postnorm import (APN, BCNN, BCNNLT, COV_HEADS, IBCNN, IBCNNLT, ILogM,
                       DeepO2P, LayerNormCov, MaxExp, SigmE, build_cov_head,
                       signed_sqrt_l2)
from .token_covariance import MultiHeadCrossCovariance, TokenCovariance

__all__ = [
    'covariance', 'triu_vec', 'triu_unvec', 'triu_size', 'isqrt', 'mpn',
    'sym_matrix_function', 'GCP', 'ISqrtCov', 'MPNCov', 'DropCov', 'BCNN',
    'SigmE', 'LayerNormCov', 'BCNNLT', 'DeepO2P', 'ILogM', 'IBCNN', 'IBCNNLT',
    'MaxExp', 'APN', 'COV_HEADS', 'build_cov_head', 'signed_sqrt_l2',
    'MultiHeadCrossCovariance', 'TokenCovariance'
]
