"""mmdet's ResNet with weights from a GCP (iSQRT-COV/DropCov) classifier."""
from mmdet.models.backbones import ResNet
from mmdet.registry import MODELS

from .gcp_resnet_base import GCPResNetMixin

__all__ = ['GCPResNet']


@MODELS.register_module()
class GCPResNet(GCPResNetMixin, ResNet):
    """mmdet's ``ResNet`` that takes GCP-pretrained weights: a drop-in.

    GCP classifiers run stage 4 at stride 1, so that the covariance is
    estimated from 14x14 instead of 7x7 positions. Dense prediction asks
    stage 4 for a stride (``strides[3]``, 2 in mmdet's recipes); the papers
    name two ways to give it, and this is *our reading* of those names (their
    tables do not spell them out):

    - ``variant='D'`` ("downsampling", GCP_D): the first block of stage 4
      strides, exactly as in mmdet's ``ResNet``; only the weights differ.
    - ``variant='M'`` ("max-pooling", GCP_M): stage 4 runs at stride 1, as
      pretrained, and its output is max-pooled by ``strides[3]``
      (``ceil_mode``, so odd sizes round like a strided conv). With
      ``strides[3] == 2`` stage 4 costs about 4x the FLOPs of D's; with
      ``strides[3] == 1`` there is no pool and D and M are one network.

    Both keep torchvision/mmdet key names, so classifier checkpoints load
    1:1 once their head is dropped. Modules a classifier cannot hold (DCN
    offsets, plugins, GroupNorm layers in place of BN) keep mmdet's
    initialisation and are listed in one log line.

    Args:
        depth (int): 18, 34, 50 or 101.
        variant (str): ``'D'`` or ``'M'``. Default: ``'M'``.
        init_cfg (dict, optional): ``dict(type='Pretrained',
            checkpoint=PATH_OR_URL, prefix=None)`` loads a GCP classifier (or
            exported backbone) checkpoint strictly; ``None`` means random
            init as in mmdet's ResNet.
        **resnet_kwargs: every other keyword of mmdet's ``ResNet``
            (``strides``, ``dilations``, ``out_indices``, ``frozen_stages``,
            ``norm_cfg``, ``norm_eval``, ``dcn``, ``stage_with_dcn``,
            ``plugins``, ``with_cp``, ...). ``style='caffe'``, ``deep_stem``,
            ``avg_down``, other widths or stage counts and ``pretrained``
            are refused with the reason.
    """
