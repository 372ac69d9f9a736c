"""The released GCP classifiers' structure, re-expressed for the tests.

Written from the authors' description of their models (GCP_Optimization,
DropCov and fast-MPN-COV), independently of mmgcp: torchvision's ResNet with
stage 4 at stride 1, a ``layer_reduce`` 1x1 conv + ``layer_reduce_bn`` +
ReLU, the covariance through a centring matrix, the coupled Newton-Schulz
iteration with pre-normalisation by the trace and post-compensation, the
row-major upper triangle and ``fc``. DropCov evaluates the plain covariance
(its adaptive dropout acts in training only). The release layouts are then
written from this model's state dict the way each project saves it.
"""
from typing import Dict, Optional

import torch
import torchvision
from torch import nn

__all__ = ['ReleasedGCPResNet', 'ReleasedGCPMobileNetV2',
           'ReleasedGCPShuffleNetV2', 'ReleasedDropCovViT',
           'released_checkpoint', 'randomise']


def _covariance(x: torch.Tensor) -> torch.Tensor:
    b, c, h, w = x.shape
    m = h * w
    x = x.reshape(b, c, m)
    centring = (torch.eye(m, dtype=x.dtype) - torch.full(
        (m, m), 1.0 / m, dtype=x.dtype)) / m
    return x.bmm(centring.expand(b, m, m)).bmm(x.transpose(1, 2))


def _newton_schulz_sqrt(cov: torch.Tensor, iterations: int) -> torch.Tensor:
    b, c, _ = cov.shape
    eye = torch.eye(c, dtype=cov.dtype).expand(b, c, c)
    norm = cov.diagonal(dim1=1, dim2=2).sum(1).view(b, 1, 1)
    y = cov / norm
    z = eye
    for _ in range(iterations - 1):
        t = 0.5 * (3.0 * eye - z.bmm(y))
        y, z = y.bmm(t), t.bmm(z)
    y = 0.5 * y.bmm(3.0 * eye - z.bmm(y))
    return y * norm.sqrt()


def _upper_triangle(mat: torch.Tensor) -> torch.Tensor:
    c = mat.shape[-1]
    mask = torch.ones(c, c).triu().flatten().bool()
    return mat.reshape(mat.shape[0], c * c)[:, mask]


class ReleasedGCPResNet(nn.Module):
    """A released GCP (or GAP) ResNet classifier, with its key names.

    Args:
        depth: 18, 34, 50 or 101.
        pooling: ``'isqrt'``, ``'dropcov'`` or ``'gap'``.
        dim: reduced channels d.
        num_classes: classes of ``fc``.
    """

    def __init__(self, depth: int, pooling: str = 'isqrt', dim: int = 256,
                 num_classes: int = 1000) -> None:
        super().__init__()
        net = getattr(torchvision.models, f'resnet{depth}')(
            num_classes=num_classes)
        for name in ('conv1', 'bn1', 'relu', 'maxpool', 'layer1', 'layer2',
                     'layer3', 'layer4'):
            self.add_module(name, getattr(net, name))
        self.pooling = pooling
        channels = net.fc.in_features
        if pooling == 'gap':
            self.fc = net.fc
            return
        # stage 4 without its downsampling (the authors build it at stride 1)
        first = self.layer4[0]
        strided = first.conv2 if hasattr(first, 'conv3') else first.conv1
        strided.stride = (1, 1)
        first.downsample[0].stride = (1, 1)
        self.layer_reduce = nn.Conv2d(channels, dim, 1, bias=False)
        self.layer_reduce_bn = nn.BatchNorm2d(dim)
        if pooling == 'dropcov':
            self.eca_layer = nn.Module()
            self.eca_layer.conv = nn.Conv1d(1, 1, 3, padding=1, bias=False)
        self.fc = nn.Linear(dim * (dim + 1) // 2, num_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        if self.pooling == 'gap':
            return self.fc(x.mean(dim=(2, 3)))
        x = torch.relu(self.layer_reduce_bn(self.layer_reduce(x)))
        cov = _covariance(x)
        if self.pooling == 'isqrt':
            cov = _newton_schulz_sqrt(cov, 5)
        return self.fc(_upper_triangle(cov))


class ReleasedGCPMobileNetV2(nn.Module):
    """A released GCP (or GAP) MobileNetV2 1.0 (GCP_Optimization), with its
    key names: torchvision's ``features``; for GCP a
    ``dimension_reduction`` (1x1 conv without bias, BN, ReLU6) on the last
    1x1 conv's 1280 channels, iSQRT-COV (5 iterations), the upper triangle
    and ``classifier`` = Dropout(0.2) + Linear; GAP is torchvision's model.
    """

    def __init__(self, pooling: str = 'isqrt', dim: int = 256,
                 num_classes: int = 1000) -> None:
        super().__init__()
        net = torchvision.models.mobilenet_v2(num_classes=num_classes)
        self.features = net.features
        self.pooling = pooling
        if pooling == 'gap':
            self.classifier = net.classifier
            return
        self.dimension_reduction = nn.Sequential(
            nn.Conv2d(1280, dim, 1, bias=False), nn.BatchNorm2d(dim),
            nn.ReLU6(inplace=True))
        self.classifier = nn.Sequential(
            nn.Dropout(0.2), nn.Linear(dim * (dim + 1) // 2, num_classes))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.features(x)
        if self.pooling == 'gap':
            return self.classifier(x.mean(dim=(2, 3)))
        cov = _newton_schulz_sqrt(_covariance(self.dimension_reduction(x)), 5)
        return self.classifier(_upper_triangle(cov))


class ReleasedGCPShuffleNetV2(nn.Module):
    """A released GCP (or GAP) ShuffleNetV2 1.0x (GCP_Optimization), with
    its key names: torchvision's ``conv1``, ``stage2..4`` and ``conv5``
    (1x1 to 1024, BN, ReLU); for GCP a ``dimension_reduction`` (1x1 conv
    without bias, BN, ReLU6), iSQRT-COV (5 iterations), the upper triangle
    and ``fc``, no dropout; GAP is torchvision's model.
    """

    def __init__(self, pooling: str = 'isqrt', dim: int = 256,
                 num_classes: int = 1000) -> None:
        super().__init__()
        net = torchvision.models.shufflenet_v2_x1_0(num_classes=num_classes)
        for name in ('conv1', 'maxpool', 'stage2', 'stage3', 'stage4',
                     'conv5'):
            self.add_module(name, getattr(net, name))
        self.pooling = pooling
        if pooling == 'gap':
            self.fc = net.fc
            return
        self.dimension_reduction = nn.Sequential(
            nn.Conv2d(1024, dim, 1, bias=False), nn.BatchNorm2d(dim),
            nn.ReLU6(inplace=True))
        self.fc = nn.Linear(dim * (dim + 1) // 2, num_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.maxpool(self.conv1(x))
        x = self.conv5(self.stage4(self.stage3(self.stage2(x))))
        if self.pooling == 'gap':
            return self.fc(x.mean(dim=(2, 3)))
        cov = _newton_schulz_sqrt(_covariance(self.dimension_reduction(x)), 5)
        return self.fc(_upper_triangle(cov))


class _DenseLayer(nn.Module):
    """timm's DenseNet layer: ``norm1`` -> 1x1 conv -> ``norm2`` -> 3x3
    conv, where each norm is timm's ``norm_layer``: a bare (parameter-free)
    ReLU in timm 0.4.12's ``DenseBlock``, BN + ReLU from timm 0.6.11."""

    def __init__(self, channels: int, dense_norm: bool) -> None:
        super().__init__()
        self.dense_norm = dense_norm
        if dense_norm:
            self.norm1 = nn.BatchNorm2d(channels)
            self.norm2 = nn.BatchNorm2d(32)
        self.conv1 = nn.Conv2d(channels, 32, 1, bias=False)
        self.conv2 = nn.Conv2d(32, 16, 3, padding=1, bias=False)

    def _act(self, norm: str, x: torch.Tensor) -> torch.Tensor:
        return torch.relu(getattr(self, norm)(x) if self.dense_norm else x)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.conv1(self._act('norm1', x))
        return self.conv2(self._act('norm2', x))


class _DenseBlock(nn.ModuleDict):
    def __init__(self, channels: int, dense_norm: bool) -> None:
        super().__init__({f'denselayer{i + 1}': _DenseLayer(channels + 16 * i,
                                                            dense_norm)
                          for i in range(6)})

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        for layer in self.values():
            x = torch.cat([x, layer(x)], dim=1)
        return x


class _Tokenizer(nn.Module):
    def __init__(self, width: int, dense_norm: bool) -> None:
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, 64, 3, padding=1),
                                  nn.MaxPool2d(3, 2, 1))
        stage = []
        for channels in (64, 128, 128):
            transition = nn.Sequential()
            transition.add_module('norm', nn.BatchNorm2d(channels + 96))
            transition.add_module('conv', nn.Conv2d(channels + 96, 128, 1,
                                                    bias=False))
            transition.add_module('pool', nn.AvgPool2d(2, 2))
            stage += [_DenseBlock(channels, dense_norm), transition]
        self.stage = nn.Sequential(*stage)
        self.transition = nn.Conv2d(128, width, 1)


class _Block(nn.Module):
    def __init__(self, width: int, heads: int, mlp_ratio: float) -> None:
        super().__init__()
        self.heads = heads
        self.norm1, self.norm2 = nn.LayerNorm(width), nn.LayerNorm(width)
        self.attn = nn.Module()
        self.attn.qkv = nn.Linear(width, 3 * width, bias=False)
        self.attn.proj = nn.Linear(width, width)
        self.mlp = nn.Module()
        self.mlp.fc1 = nn.Linear(width, int(width * mlp_ratio))
        self.mlp.fc2 = nn.Linear(int(width * mlp_ratio), width)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        b, n, c = x.shape
        qkv = self.attn.qkv(self.norm1(x)).reshape(
            b, n, 3, self.heads, c // self.heads).permute(2, 0, 3, 1, 4)
        attn = (qkv[0] @ qkv[1].transpose(-2, -1)) * (c // self.heads)**-.5
        y = (attn.softmax(-1) @ qkv[2]).transpose(1, 2).reshape(b, n, c)
        x = x + self.attn.proj(y)
        return x + self.mlp.fc2(torch.nn.functional.gelu(
            self.mlp.fc1(self.norm2(x))))


class ReleasedDropCovViT(nn.Module):
    """A released DropCov DeiT-S (12 blocks, MLP ratio 4) or T2T-ViT-14 (14,
    3), with its key names (DropCov's ``Transformers/`` code, timm's
    DenseNet layers): ``visual_tokens.tokens`` (3x3 conv + max-pool, three
    6-layer DenseNet blocks with BN-only transitions and average pools, 1x1
    conv; the dense layers' norms are bare ReLUs under timm 0.4.12, the
    version DropCov pins, and BN + ReLU with ``dense_norm``), class token,
    sinusoidal ``pos_embed``, pre-norm blocks, ``norm``, and
    ``classifier``: ``representation.wr`` (q, k and an unused third
    slice; 6 heads x 24), each head's (1/N) q^T k after removing one scalar
    mean, flattened, ``visual_fc`` + ``cls_fc`` of the class token.
    """

    def __init__(self, depth: int = 12, mlp_ratio: float = 4.,
                 num_classes: int = 1000, width: int = 384,
                 heads: int = 6, dense_norm: bool = False) -> None:
        super().__init__()
        self.visual_tokens = nn.Module()
        self.visual_tokens.tokens = _Tokenizer(width, dense_norm)
        self.cls_token = nn.Parameter(torch.zeros(1, 1, width))
        table = [[pos / 10000 ** (2 * (j // 2) / width)
                  for j in range(width)] for pos in range(197)]
        table = torch.tensor(table, dtype=torch.float64)
        table[:, 0::2], table[:, 1::2] = table[:, 0::2].sin(), \
            table[:, 1::2].cos()
        self.pos_embed = nn.Parameter(table.float()[None],
                                      requires_grad=False)
        self.blocks = nn.ModuleList([_Block(width, heads, mlp_ratio)
                                     for _ in range(depth)])
        self.norm = nn.LayerNorm(width)
        self.classifier = nn.Module()
        self.classifier.representation = nn.Module()
        self.classifier.representation.wr = nn.Linear(width, 3 * 6 * 24,
                                                      bias=False)
        self.classifier.visual_fc = nn.Linear(6 * 24 * 24, num_classes)
        self.classifier.cls_fc = nn.Linear(width, num_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        t = self.visual_tokens.tokens
        x = t.transition(t.stage(t.stem(x))).flatten(2).transpose(1, 2)
        x = torch.cat([self.cls_token.expand(x.shape[0], -1, -1), x], 1)
        x = x + self.pos_embed
        for block in self.blocks:
            x = block(x)
        x = self.norm(x)
        cls, tokens = x[:, 0], x[:, 1:]
        b, n, _ = tokens.shape
        qk = self.classifier.representation.wr(tokens).reshape(
            b, n, 3, 6, 24).permute(2, 0, 3, 1, 4)
        q, k = qk[0].reshape(b * 6, n, 24), qk[1].reshape(b * 6, n, 24)
        q = q - q.mean(dim=(1, 2), keepdim=True)
        k = k - k.mean(dim=(1, 2), keepdim=True)
        cov = (q.transpose(1, 2) @ k / n).reshape(b, -1)
        return self.classifier.visual_fc(cov) + self.classifier.cls_fc(cls)


def randomise(model: nn.Module, seed: int = 0,
              keep_weights: bool = False) -> nn.Module:
    """Give every tensor a trained-looking random value (BN statistics
    included), so a wrong mapping cannot go unnoticed.

    ``keep_weights`` keeps the conv and linear weights of the model's own
    (variance-preserving) initialisation and randomises the rest around
    BN's identity: deep thin networks (MobileNetV2) otherwise lose all
    spatial variation, and their covariance is rounding noise.
    """
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for key, tensor in model.state_dict().items():
            if key.endswith('running_var'):
                tensor.copy_(torch.rand(tensor.shape, generator=g) + 0.5)
            elif not tensor.is_floating_point():
                continue
            elif keep_weights and tensor.dim() > 1:
                continue
            elif keep_weights and key.endswith('bn.weight') or \
                    keep_weights and tensor.dim() == 1 and \
                    key.endswith('.weight'):
                tensor.copy_(1 + torch.randn(tensor.shape, generator=g) * 0.1)
            else:
                tensor.copy_(torch.randn(tensor.shape, generator=g) * 0.1)
    return model.eval()


_TRAIN_FEATURES = {'conv1': 0, 'bn1': 1, 'layer1': 4, 'layer2': 5,
                   'layer3': 6, 'layer4': 7}


def released_checkpoint(model: nn.Module, layout: str,
                        landscape_names: bool = False) -> Dict:
    """The model saved as a release of ``layout`` would hold it.

    - ``gcp_optimization``: ``{'state_dict': {'module.' + key}}`` plus
      training metadata (``landscape_names``: ``Layer_Reduce`` spelling);
    - ``fast_mpn_cov_zoo``: the plain state dict;
    - ``fast_mpn_cov_train``: ``features.module.N``,
      ``representation.conv_dr_block.N`` and ``classifier`` keys;
    - ``timm``: timm's saver (``state_dict``, ``state_dict_ema``, the
      run's arguments as an ``argparse.Namespace``, the optimizer).
    """
    state = model.state_dict()
    if layout == 'timm':
        import argparse
        ema = {k: v + 1 if v.is_floating_point() else v
               for k, v in state.items()}
        return dict(epoch=309, arch='Deit_drop_Small', state_dict=state,
                    state_dict_ema=ema, optimizer=dict(state={}),
                    version=2, args=argparse.Namespace(model_ema=True,
                                                       lr=1e-3))
    if layout == 'gcp_optimization':
        out = {}
        for key, value in state.items():
            if landscape_names:
                key = key.replace('layer_reduce_bn', 'Layer_Reduce_BN')
                key = key.replace('layer_reduce', 'Layer_Reduce')
            out['module.' + key] = value
        return dict(epoch=100, arch=f'resnet_{model.pooling}',
                    best_prec1=78.5, state_dict=out)
    if layout == 'fast_mpn_cov_zoo':
        return dict(state)
    if layout != 'fast_mpn_cov_train':
        raise ValueError(layout)
    out: Dict[str, torch.Tensor] = {}
    for key, value in state.items():
        top, rest = key.split('.', 1)
        new: Optional[str] = None
        if top in _TRAIN_FEATURES:
            new = f'features.module.{_TRAIN_FEATURES[top]}.{rest}'
        elif top == 'layer_reduce':
            new = f'representation.conv_dr_block.0.{rest}'
        elif top == 'layer_reduce_bn':
            new = f'representation.conv_dr_block.1.{rest}'
        elif top == 'fc':
            new = f'classifier.{rest}'
        if new is None:
            raise KeyError(key)
        out[new] = value
    return dict(epoch=65, arch='mpncovresnet', state_dict=out)
