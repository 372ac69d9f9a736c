"""Covariance pooling modules in pure PyTorch (no OpenMMLab import):
``B x C x H x W`` features (or ``B x N x C`` tokens) -> ``B x K`` vectors.

Plain covariance, iSQRT-COV, exact MPN-COV and DropCov
(:mod:`~mmgcp.pooling.cov_pooling`), the post-normalisation family of the
DropCov study (:mod:`~mmgcp.pooling.postnorm`), each registered by name
(:mod:`~mmgcp.pooling.builder`: :data:`COV_POOLINGS`,
:func:`build_cov_pooling`), and the token covariances of the DropCov
transformers (:mod:`~mmgcp.pooling.token_covariance`).
"""
from .builder import COV_POOLINGS, build_cov_pooling, register_pooling
from .cov_pooling import CovPooling, DropCov, ISqrtCov, MPNCov
from .postnorm import (APN, BCNN, BCNNLT, IBCNN, IBCNNLT, ILogM, DeepO2P,
                       LayerNormCov, MaxExp, SigmE)
from .token_covariance import (TOKEN_POOLINGS, MultiHeadCrossCovariance,
                               TokenCovariance)

__all__ = [
    'CovPooling', 'ISqrtCov', 'MPNCov', 'DropCov', 'BCNN', 'SigmE',
    'LayerNormCov', 'BCNNLT', 'DeepO2P', 'ILogM', 'IBCNN', 'IBCNNLT', 'MaxExp',
    'APN', 'COV_POOLINGS', 'build_cov_pooling', 'register_pooling',
    'MultiHeadCrossCovariance', 'TokenCovariance', 'TOKEN_POOLINGS'
]
