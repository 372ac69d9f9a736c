"""Covariance pooling modules in pure PyTorch (no OpenMMLab import):
``B x C x H x W`` features (or ``B x N x C`` tokens) -> ``B x K`` vectors.

iSQRT-COV, exact MPN-COV, DropCov and plain covariance
(:mod:`~mmgcp.pooling.cov_pooling`), the post-normalisation family of the
DropCov study (:mod:`~mmgcp.pooling.postnorm`), all selected by name
through :data:`COV_POOLINGS`, and the token covariances of the DropCov
transformers (:mod:`~mmgcp.pooling.token_covariance`).
"""
from .cov_pooling import GCP, DropCov, ISqrtCov, MPNCov
from .postnorm import (APN, BCNN, BCNNLT, COV_POOLINGS, IBCNN, IBCNNLT,
                       ILogM, DeepO2P, LayerNormCov, MaxExp, SigmE,
                       build_cov_pooling)
from .token_covariance import (TOKEN_POOLINGS, MultiHeadCrossCovariance,
                               TokenCovariance)

__all__ = [
    'GCP', 'ISqrtCov', 'MPNCov', 'DropCov', 'BCNN', 'SigmE', 'LayerNormCov',
    'BCNNLT', 'DeepO2P', 'ILogM', 'IBCNN', 'IBCNNLT', 'MaxExp', 'APN',
    'COV_POOLINGS', 'build_cov_pooling', 'MultiHeadCrossCovariance',
    'TokenCovariance', 'TOKEN_POOLINGS'
]
