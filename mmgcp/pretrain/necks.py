"""Global covariance pooling as an mmpretrain neck.

The GCP classifiers of iSQRT-COV (Li et al., "Towards Faster Training of
Global Covariance Pooling Networks by Iterative Matrix Square Root
Normalization", CVPR 2018), of "What Deep CNNs Benefit from Global
Covariance Pooling: An Optimization Perspective" (Wang et al., CVPR 2020)
and of DropCov (Wang et al., NeurIPS 2022) put the same block between the
backbone and the linear classifier: a 1x1 convolution without bias, BN and
ReLU reduce the last feature map to ``d`` channels, then a covariance is
pooled over the positions, normalised, and its upper triangle
(``d(d+1)/2`` values) is classified. :class:`GCPNeck` is that block, so a
GCP classifier is mmpretrain's ``ImageClassifier`` with its own backbone,
this neck and ``LinearClsHead``.
"""
from typing import Optional, Sequence, Tuple, Union

import torch
from mmcv.cnn import build_activation_layer, build_norm_layer
from mmengine.model import BaseModule
from mmpretrain.registry import MODELS
from torch import nn

from ..pooling import COV_POOLINGS, build_cov_pooling
from ..utils import check_keywords, keywords_of

__all__ = ['GCPNeck']


@MODELS.register_module()
class GCPNeck(BaseModule):
    """Dimension reduction + covariance pooling of the last feature map.

    The parameter names follow the released GCP checkpoints:
    ``layer_reduce`` (the 1x1 conv), ``layer_reduce_bn``, and the pooling
    method's own under ``pooling`` (DropCov's ``pooling.eca_layer``).

    Args:
        in_channels (int): channels of the backbone's last output.
        reduced_channels (int, optional): ``d``, the channels after the 1x1
            reduction (256 in the PyTorch releases, 128 in the MindSpore
            ones); ``None`` pools the input channels as they are.
            Default: 256.
        pooling (str): the covariance pooling method, a key of
            :data:`mmgcp.pooling.COV_POOLINGS`: ``'isqrt'`` (iSQRT-COV),
            ``'dropcov'`` (adaptive channel dropout while training, plain
            covariance at test time), ``'mpn'`` (exact MPN-COV), ``'cov'``
            (no normalisation) or a post-normalisation (``'bcnn'``,
            ``'maxexp'``, ...). Default: ``'isqrt'``.
        pooling_cfg (dict, optional): extra arguments of the method (e.g.
            ``num_iter`` for iSQRT-COV, ``alpha`` for MPN-COV).
        norm_cfg (dict): the reduction's normalisation layer.
            Default: ``dict(type='BN')``.
        act_cfg (dict): the reduction's activation (the ResNet releases use
            ReLU, the MobileNetV2 and ShuffleNetV2 ones ReLU6).
            Default: ``dict(type='ReLU', inplace=True)``.
        dropout_rate (float): dropout on the pooled vector while training
            (0.2 in the MobileNetV2 release, before its classifier).
            Default: 0.
        init_cfg (dict | list, optional): initialisation; by default the
            reduction conv is He-normal initialised (fan out), as the
            released models' training code does.

    Inputs are the backbone's outputs (a tensor or a tuple of tensors, of
    which the last is pooled); the output is a 1-tuple holding the
    ``B x out_channels`` vectors (a tensor for a tensor input).
    """

    def __init__(self,
                 in_channels: int,
                 reduced_channels: Optional[int] = 256,
                 pooling: str = 'isqrt',
                 pooling_cfg: Optional[dict] = None,
                 norm_cfg: dict = dict(type='BN'),
                 act_cfg: dict = dict(type='ReLU', inplace=True),
                 dropout_rate: float = 0.,
                 init_cfg: Optional[Union[dict, list]] = dict(
                     type='Kaiming', layer='Conv2d'),
                 **unknown) -> None:
        # a misspelt keyword: name the neck and the closest keyword
        check_keywords('GCPNeck', unknown, keywords_of(GCPNeck.__init__))
        super().__init__(init_cfg=init_cfg)
        if pooling not in COV_POOLINGS:
            raise ValueError(f'GCPNeck: unknown pooling {pooling!r}; '
                             f'expected one of {", ".join(COV_POOLINGS)}')
        if reduced_channels is not None and reduced_channels < 2:
            raise ValueError(f'GCPNeck: reduced_channels must be >= 2 or '
                             f'None, got {reduced_channels}')
        self.in_channels = in_channels
        self.reduced_channels = reduced_channels
        channels = in_channels
        if reduced_channels is not None:
            channels = reduced_channels
            self.layer_reduce = nn.Conv2d(in_channels, channels, 1,
                                          bias=False)
            self.layer_reduce_bn = build_norm_layer(norm_cfg, channels)[1]
            self.layer_reduce_act = build_activation_layer(act_cfg)
        try:
            self.pooling = build_cov_pooling(pooling, channels,
                                             **(pooling_cfg or {}))
        except TypeError as err:
            raise TypeError(f'GCPNeck: bad pooling_cfg for {pooling!r}: '
                            f'{err}') from None
        self.pooling_name = pooling
        if not 0 <= dropout_rate < 1:
            raise ValueError(f'GCPNeck: dropout_rate must be in [0, 1), got '
                             f'{dropout_rate}')
        self.dropout = nn.Dropout(dropout_rate) if dropout_rate > 0 \
            else nn.Identity()

    @property
    def out_channels(self) -> int:
        """Length of the pooled vector (``LinearClsHead.in_channels``)."""
        return self.pooling.output_dim

    def reduce(self, x: torch.Tensor) -> torch.Tensor:
        """The 1x1 reduction (conv, norm, activation) to ``d`` channels."""
        if self.reduced_channels is None:
            return x
        return self.layer_reduce_act(self.layer_reduce_bn(
            self.layer_reduce(x)))

    def forward(self, inputs: Union[torch.Tensor, Sequence[torch.Tensor]]
                ) -> Union[torch.Tensor, Tuple[torch.Tensor]]:
        x = inputs if isinstance(inputs, torch.Tensor) else inputs[-1]
        if x.dim() != 4 or x.shape[1] != self.in_channels:
            raise ValueError(f'GCPNeck expects B x {self.in_channels} x H x '
                             f'W features, got {tuple(x.shape)}')
        out = self.dropout(self.pooling(self.reduce(x)))
        return out if isinstance(inputs, torch.Tensor) else (out, )
