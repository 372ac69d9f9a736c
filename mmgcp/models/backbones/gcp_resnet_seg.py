"""mmseg's ResNet with weights from a GCP (iSQRT-COV/DropCov) classifier."""
from mmseg.models.backbones import ResNet
from mmseg.registry import MODELS

from .gcp_resnet_base import GCPResNetMixin

__all__ = ['SegGCPResNet']


@MODELS.register_module(name='GCPResNet')
class SegGCPResNet(GCPResNetMixin, ResNet):
    """mmseg's ``ResNet`` that takes GCP-pretrained weights: a drop-in.

    Registered in mmseg's registry as ``GCPResNet``; see
    :class:`mmgcp.models.GCPResNet` for ``variant``. It adds mmseg's
    ``contract_dilation`` and ``multi_grid`` to mmdet's keywords, so the
    dilated recipes (PSPNet, DeepLabV3/V3+ at output stride 8 or 16: stage 4
    at stride 1, where D and M are the same network) take GCP weights.

    mmseg's ResNet-50 recipes use ``ResNetV1c``, whose deep stem has no GCP
    weights: the 7x7 stem is built instead, and the model-level
    ``pretrained`` of mmseg's base configs must be set to ``None``.

    Args:
        depth (int): 18, 34, 50 or 101.
        variant (str): ``'D'`` or ``'M'``. Default: ``'M'``.
        init_cfg (dict, optional): ``dict(type='Pretrained',
            checkpoint=PATH_OR_URL, prefix=None)`` loads a GCP checkpoint
            strictly; ``None`` means random init as in mmseg's ResNet.
        **resnet_kwargs: every other keyword of mmseg's ``ResNet``, with the
            refusals of :class:`mmgcp.models.GCPResNet`.
    """
