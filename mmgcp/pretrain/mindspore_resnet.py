"""mmpretrain's ResNet with the numerics of MindSpore's model-zoo ResNet.

The MindSpore GCP releases of "Towards a Deeper Understanding of Global
Covariance Pooling in Deep Learning: An Optimization Perspective" (Wang et
al., TPAMI 2023) are MindSpore model-zoo ResNets, which compute differently
from PyTorch's in two places:

- ResNet-50 pads every conv and the stem's max-pool the TensorFlow way
  (``pad_mode='same'``): as much as the output size ``ceil(in / stride)``
  needs, the odd pixel at the bottom/right. On even inputs the 7x7 stride-2
  stem pads 2/3 instead of 3/3, the max-pool and the stride-2 3x3 convs 0/1
  instead of 1/1, which shifts every feature map. ResNet-18/34 pad
  symmetrically, as PyTorch does.
- BN epsilon: 1e-4 throughout ResNet-50; in ResNet-18/34 1e-4 in the blocks
  and 1e-5 in the stem and the shortcuts.

:class:`MindSporeResNet` builds the same parameters as mmpretrain's
``ResNet`` (a checkpoint converts between them by renaming alone) and, with
these two settings, gives MindSpore's logits for a release's weights. It is
for evaluating and fine-tuning those releases as classifiers; exported to
the dense toolboxes (``GCPResNet``) the weights run with PyTorch's numerics.
"""
import math
import re
from typing import Tuple

import torch
import torch.nn.functional as F
from mmpretrain.models import ResNet
from mmpretrain.registry import MODELS
from torch import nn
from torch.nn.modules.batchnorm import _BatchNorm

__all__ = ['SamePaddingMaxPool2d', 'MindSporeResNet']

# ResNet-18/34: the blocks' own BNs (not the stem's, not the shortcuts')
_BLOCK_BN = re.compile(r'layer\d+\.\d+\.bn\d$')


class SamePaddingMaxPool2d(nn.Module):
    """Max-pooling with TensorFlow/MindSpore ``'same'`` padding: the input is
    padded (with -inf) so that the output has ``ceil(in / stride)`` pixels,
    the odd pixel of padding at the bottom/right.

    Args:
        kernel_size (int): the window.
        stride (int): the step.
    """

    def __init__(self, kernel_size: int, stride: int) -> None:
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = stride

    def padding(self, size: int) -> Tuple[int, int]:
        """(before, after) padding of one spatial axis of ``size``."""
        total = max((math.ceil(size / self.stride) - 1) * self.stride +
                    self.kernel_size - size, 0)
        return total // 2, total - total // 2

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        pad = self.padding(x.shape[-1]) + self.padding(x.shape[-2])
        return F.max_pool2d(F.pad(x, pad, value=-math.inf),
                            self.kernel_size, self.stride)


@MODELS.register_module()
class MindSporeResNet(ResNet):
    """mmpretrain's ``ResNet`` computing as MindSpore's model-zoo ResNet.

    Depth 50 and more: TF-style ``'same'`` padding for every conv (mmcv's
    ``Conv2dAdaptivePadding``) and the stem's max-pool
    (:class:`SamePaddingMaxPool2d`), BN epsilon 1e-4. Depth 18/34: PyTorch's
    padding, BN epsilon 1e-4 in the blocks, 1e-5 in the stem and shortcuts.

    Args:
        depth (int): 18, 34, 50, 101 or 152.
        **kwargs: mmpretrain ``ResNet``'s other arguments (``strides``,
            ``out_indices``, ``stem_channels``, ``base_channels``,
            ``frozen_stages``, ``norm_eval``, ``init_cfg`` ...); not
            ``conv_cfg``, ``deep_stem`` or ``avg_down``, which would build
            another network than MindSpore's.
    """

    def __init__(self, depth: int, **kwargs) -> None:
        for key in ('conv_cfg', 'deep_stem', 'avg_down'):
            if kwargs.get(key):
                raise ValueError(
                    f'MindSporeResNet: {key}={kwargs[key]!r} builds another '
                    "network than MindSpore's ResNet; use mmpretrain's "
                    'ResNet for it')
        same_padding = depth >= 50
        if same_padding:
            kwargs['conv_cfg'] = dict(type='Conv2dAdaptivePadding')
        super().__init__(depth, **kwargs)
        if same_padding:
            self.maxpool = SamePaddingMaxPool2d(3, 2)
        for name, module in self.named_modules():
            if isinstance(module, _BatchNorm):
                module.eps = 1e-4 if same_padding or \
                    _BLOCK_BN.search(name) else 1e-5
