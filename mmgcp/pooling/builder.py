"""The covariance poolings by name: a method registers itself with
:func:`register_pooling`, so a new one is one module (imported by
:mod:`mmgcp.pooling`), and :func:`build_cov_pooling` builds any of them.

Every pooling takes the channels of its input (``B x C x H x W`` ->
``B x K``, ``K = output_dim``); the dimension reduction of the GCP
classifiers belongs to whoever owns the layer before it (``GCPNeck``,
``TokenCovariance``, or your own model: docs/pooling.md).
"""
from typing import Callable, Dict, Type, TypeVar

from torch import nn

from ..utils import check_keywords, keywords_of

__all__ = ['COV_POOLINGS', 'register_pooling', 'build_cov_pooling']

# method name -> pooling class, filled by @register_pooling
COV_POOLINGS: Dict[str, Type[nn.Module]] = {}

PoolingType = TypeVar('PoolingType', bound=Type[nn.Module])


def register_pooling(name: str) -> Callable[[PoolingType], PoolingType]:
    """Class decorator: make the pooling buildable as ``name``."""

    def register(cls: PoolingType) -> PoolingType:
        if name in COV_POOLINGS:
            raise KeyError(f'covariance pooling {name!r} is already '
                           f'registered ({COV_POOLINGS[name].__name__})')
        COV_POOLINGS[name] = cls
        return cls

    return register


def build_cov_pooling(method: str, channels: int, **params) -> nn.Module:
    """A covariance pooling by name (a key of :data:`COV_POOLINGS`).

    Args:
        method: its registered name (``'isqrt'``, ``'dropcov'``, ...).
        channels: the channels of the features it pools.
        **params: the method's own arguments (``num_iter``, ``alpha``...).
    """
    if method not in COV_POOLINGS:
        raise KeyError(f'unknown covariance pooling {method!r}; known: '
                       f'{", ".join(COV_POOLINGS)}')
    pooling = COV_POOLINGS[method]
    check_keywords(pooling.__name__, params, keywords_of(
        pooling.__init__, skip=('channels', )))
    return pooling(channels, **params)
