"""The officially released GCP classifiers, and their download.

One table (:data:`MODEL_ZOO`) with what the authors' READMEs state: name,
model (ResNet depth, MobileNetV2 or ShuffleNetV2), pooling, d, schedule,
top-1/top-5 on ImageNet val (and parameters/FLOPs where given), where to get
it, the pretraining config that builds the same classifier and the command
that converts it. The MindSpore releases (``.ckpt``) convert like the
PyTorch ones.
Most releases sit on Google/Baidu Drive behind a confirmation page and must
be fetched by hand (``url`` is None, ``page`` says where); the fast-MPN-COV
model-zoo files have direct links with a sha256 prefix in their names and
download through :func:`download_checkpoint`.
"""
import hashlib
import inspect
import os.path as osp
import re
import sys
import urllib.request
from dataclasses import dataclass
from typing import Dict, List, Mapping, Optional

from ..utils import atomic_write

__all__ = ['ZooEntry', 'MODEL_ZOO', 'zoo_entry', 'zoo_markdown',
           'config_name', 'config_options', 'download_checkpoint',
           'DownloadError', 'convert_command']

GCP_OPTIMIZATION = 'https://github.com/ZhangLi-CS/GCP_Optimization'
DROPCOV = 'https://github.com/mingzeG/DropCov'
FAST_MPN_COV = 'https://github.com/jiangtaoxie/fast-MPN-COV'
GCP_OPT_MINDSPORE = 'https://github.com/Terror03/GCP-OPT'


# the papers' schedule names -> config name tags
SCHEDULE_TAGS = {'LRnorm': 'lrnorm', 'LRfast': 'lrfast', 'LRadju': 'lradj'}
_ALL_TAGS = ('lrnorm', 'lrfast', 'lradj')
# (model, pooling, d) -> the schedules with a config of their own: every
# schedule for GAP and iSQRT-COV d=256 (the papers' schedule study), the
# released ones elsewhere
_CONFIG_SCHEDULES = {
    ('resnet', 'gap', None): _ALL_TAGS,
    ('resnet', 'isqrt', 256): _ALL_TAGS,
    ('resnet', 'isqrt', 128): ('lrnorm', ),
    ('resnet', 'dropcov', 256): ('lrnorm', ),
    ('resnet', 'dropcov', 128): ('lrnorm', ),
    ('mobilenet_v2', 'gap', None): _ALL_TAGS,
    ('mobilenet_v2', 'isqrt', 256): _ALL_TAGS,
    ('mobilenet_v2', 'isqrt', 128): ('lrnorm', 'lradj'),
    ('shufflenet_v2', 'gap', None): _ALL_TAGS,
    ('shufflenet_v2', 'isqrt', 256): _ALL_TAGS,
}
# MindSpore releases (ResNets with MindSpore's numerics, d=128, their
# repository's linear recipe)
_MINDSPORE_POOLINGS = ('isqrt', 'dropcov')


def _net_name(model: str, depth: Optional[int]) -> str:
    return {'resnet': f'resnet{depth}', 'mobilenet_v2': 'mobilenet-v2',
            'shufflenet_v2': 'shufflenet-v2-1x'}[model]


def _batch_tag(model: str, tag: str) -> str:
    if model == 'mobilenet_v2':
        return '8xb24' if tag == 'lradj' else '8xb12'
    return '16xb64' if model == 'shufflenet_v2' else '8xb32'


def config_name(depth: Optional[int], pooling: str,
                reduced_channels: Optional[int] = None,
                schedule: str = 'LRnorm',
                model: str = 'resnet',
                framework: str = 'pytorch') -> Optional[str]:
    """The pretraining config (``configs/pretrain/...``) of a classifier.

    A schedule without a config of its own (e.g. the fast-MPN-COV recipe)
    maps to the LR_norm config, and a d without a config to the d=256 one
    (:func:`config_options` says what to override); a MindSpore release
    (``framework='mindspore'``) to the ``-ms`` config of its pooling.
    ``None`` for a model or pooling no config has.
    """
    if model == 'conv_token_vit':  # the released DropCov transformers
        # T2T-ViT-14's config for 14 blocks, DeiT-S's otherwise
        # (config_options fits its depth, width and MLP)
        net = 'convtoken-t2t-vit-14' if depth == 14 else \
            'convtoken-deit-small'
        return f'configs/pretrain/{net}-dropcov_8xb128_in1k.py'
    if framework == 'mindspore':
        if model != 'resnet' or pooling not in _MINDSPORE_POOLINGS:
            return None
        return (f'configs/pretrain/resnet{depth}-{pooling}-d128-ms_'
                f'4xb64-linear_in1k.py')
    d = None
    if pooling != 'gap':
        d = reduced_channels if (model, pooling, reduced_channels) in \
            _CONFIG_SCHEDULES else 256
    schedules = _CONFIG_SCHEDULES.get((model, pooling, d))
    if schedules is None:
        return None
    tag = SCHEDULE_TAGS.get(schedule, 'lrnorm')
    if tag not in schedules:
        tag = 'lrnorm'
    net = _net_name(model, depth)
    if d is not None:
        net = f'{net}-{pooling}-d{d}'
    return f'configs/pretrain/{net}_{_batch_tag(model, tag)}-{tag}_in1k.py'


def config_options(model: Mapping, arch: dict) -> Dict[str, object]:
    """``--cfg-options`` that fit a config's ``model`` (the parsed
    ``model`` of the config :func:`config_name` names) to a classifier of
    architecture ``arch`` (``infer_architecture``'s output) with another d,
    number of classes or ResNet width."""
    options: Dict[str, object] = {}
    if arch.get('model') == 'conv_token_vit':
        return _conv_token_vit_options(arch)
    from .necks import GCPNeck
    neck = model.get('neck') or {}
    config_d = neck.get('reduced_channels', inspect.signature(
        GCPNeck).parameters['reduced_channels'].default) \
        if neck.get('type') == 'GCPNeck' else None
    d = arch.get('reduced_channels')
    if d is not None and d != config_d:
        options['model.neck.reduced_channels'] = d
        options['model.head.in_channels'] = d * (d + 1) // 2
    if 'base_channels' in arch:
        options['model.backbone.stem_channels'] = arch['stem_channels']
        options['model.backbone.base_channels'] = arch['base_channels']
        expansion = 4 if arch['depth'] >= 50 else 1
        options['model.neck.in_channels'] = \
            arch['base_channels'] * 8 * expansion
    # (the MindSpore configs build the releases' 1001-way fc)
    config_classes = (model.get('head') or {}).get('num_classes')
    num_classes = arch.get('num_classes', config_classes)
    if num_classes != config_classes:
        options['model.head.num_classes'] = num_classes
        options['data_preprocessor.num_classes'] = num_classes
    return options


# the ConvTokenViT configs: (blocks, MLP ratio) of DeiT-S / T2T-ViT-14's
_CONV_TOKEN_VIT_NETS = {12: (12, 4.0), 14: (14, 3.0)}


def _conv_token_vit_options(arch: dict) -> Dict[str, object]:
    """Options fitting a ConvTokenViT config (:func:`config_name`'s
    choice for ``arch['depth']``) to ``arch``: the tokenizer's dense-layer
    BatchNorms (files saved with timm >= 0.6.11), and the depth, width,
    MLP ratio and classes of a model that is not the released size."""
    blocks, ratio = _CONV_TOKEN_VIT_NETS.get(arch['depth'], (12, 4.0))
    options: Dict[str, object] = {}
    if arch.get('dense_norm'):
        options['model.backbone.dense_norm'] = True
    if arch['depth'] != blocks:
        options['model.backbone.num_layers'] = arch['depth']
    if arch['mlp_ratio'] != ratio:
        options['model.backbone.mlp_ratio'] = arch['mlp_ratio']
    if arch['embed_dims'] != 384:
        options['model.backbone.embed_dims'] = arch['embed_dims']
        options['model.head.in_channels'] = arch['embed_dims']
    if arch.get('num_classes', 1000) != 1000:
        options['model.head.num_classes'] = arch['num_classes']
        options['data_preprocessor.num_classes'] = arch['num_classes']
    return options


def _hash_prefix(name: str) -> Optional[str]:
    """The sha256 prefix in a ``name-<hex>.pth`` file name, if any."""
    match = re.search(r'-([0-9a-f]{8,})\.pth$', name)
    return match.group(1) if match else None


# the released families' names (ResNets are ResNet-<depth>); the released
# DropCov transformers are ConvTokenViTs of 12 or 14 blocks
_FAMILY_NAMES = {'mobilenet_v2': 'MobileNetV2',
                 'shufflenet_v2': 'ShuffleNetV2', 'deit': 'DeiT-S',
                 'swin': 'Swin-T', 't2t_vit': 'T2T-ViT-14'}
_CONV_TOKEN_VIT_NAMES = {12: 'DeiT-S', 14: 'T2T-ViT-14'}


@dataclass(frozen=True)
class ZooEntry:
    """One released classifier."""
    name: str
    depth: Optional[int]  # ResNet depth, transformer blocks, or None
    pooling: str  # 'isqrt', 'dropcov', 'cross_cov' or 'gap'
    reduced_channels: Optional[int]  # d
    schedule: str
    top1: float
    top5: Optional[float]
    page: str
    url: Optional[str] = None  # direct download, when there is one
    # 'resnet', 'mobilenet_v2', 'shufflenet_v2', 'conv_token_vit' (the
    # released DropCov transformers) or a baseline's 'deit', 'swin', 't2t_vit'
    model: str = 'resnet'
    # parameters of the released architecture (counted from the authors'
    # model code), where known
    params: Optional[int] = None
    framework: str = 'pytorch'  # or 'mindspore'
    # as the release's README gives them (millions, GFLOPs), where given
    published_params_m: Optional[float] = None
    published_flops_g: Optional[float] = None
    # a release tools/convert_official.py does not convert: why, and what
    # to use instead (shown in place of the command)
    not_converted: Optional[str] = None
    config_file: Optional[str] = None  # a config not named by config_name

    @property
    def model_name(self) -> str:
        """``ResNet-50``, ``MobileNetV2``, ``ShuffleNetV2 1.0x``"""
        if self.model == 'resnet':
            return f'ResNet-{self.depth}'
        if self.model == 'conv_token_vit':
            return f'{_CONV_TOKEN_VIT_NAMES[self.depth]} (conv. tokens)'
        if self.model == 'shufflenet_v2':
            return 'ShuffleNetV2 1.0x'
        return _FAMILY_NAMES[self.model]

    @property
    def sha256_prefix(self) -> Optional[str]:
        """The hash prefix in a ``name-<hex>.pth`` file name, if any."""
        return None if self.url is None else _hash_prefix(self.url)

    @property
    def config(self) -> Optional[str]:
        """The pretraining config that builds this classifier."""
        if self.config_file is not None:
            return self.config_file
        return config_name(self.depth, self.pooling, self.reduced_channels,
                           self.schedule, self.model, self.framework)


def _gcp_opt(depth, schedule, top1, top5, reduced_channels=256,
             pooling='isqrt'):
    kind = 'GCP' if pooling == 'isqrt' else 'GAP'
    suffix = '_128' if reduced_channels == 128 else ''
    d = reduced_channels if pooling == 'isqrt' else None
    return ZooEntry(f'ResNet{depth}_{kind}_{schedule}{suffix}', depth,
                    pooling, d, schedule, top1, top5, GCP_OPTIMIZATION)


def _light(model, schedule, top1, top5, params, reduced_channels=256,
           pooling='isqrt'):
    """A GCP_Optimization MobileNetV2 or ShuffleNetV2 release."""
    kind = 'GCP' if pooling == 'isqrt' else 'GAP'
    suffix = '_128' if reduced_channels == 128 else ''
    d = reduced_channels if pooling == 'isqrt' else None
    return ZooEntry(f'{_FAMILY_NAMES[model]}_{kind}_{schedule}{suffix}',
                    None, pooling, d, schedule, top1, top5, GCP_OPTIMIZATION,
                    model=model, params=params)


def _dropcov_vit(model, depth, pooling, top1, params_m, flops_g, **kwargs):
    """A ViT row of the DropCov (NeurIPS 2022) README."""
    name = _CONV_TOKEN_VIT_NAMES[depth] if model == 'conv_token_vit' \
        else _FAMILY_NAMES[model]
    name += '+DropCov' if pooling != 'gap' else ''
    return ZooEntry(name, depth, pooling, None, 'DeiT 300 ep', top1, None,
                    DROPCOV, model=model, published_params_m=params_m,
                    published_flops_g=flops_g, **kwargs)


_MMPRETRAIN_WEIGHTS = ("the public baseline; mmpretrain's model zoo has "
                       'its weights for this config')


def _mindspore(depth, pooling, top1, params_m, flops_g):
    """A MindSpore release of the TPAMI 2023 paper (d=128, 1001-way fc)."""
    kind = 'FastMPN' if pooling == 'isqrt' else 'DropCov'
    return ZooEntry(f'MindSpore_ResNet{depth}_{kind}', depth, pooling, 128,
                    'MindSpore linear', top1, None, GCP_OPT_MINDSPORE,
                    framework='mindspore', published_params_m=params_m,
                    published_flops_g=flops_g)


MODEL_ZOO: List[ZooEntry] = [
    # GCP_Optimization (CVPR 2020): iSQRT-COV heads, three LR schedules
    _gcp_opt(18, 'LRnorm', 75.48, 92.23),
    _gcp_opt(18, 'LRfast', 72.02, 89.97),
    _gcp_opt(18, 'LRadju', 74.86, 91.81),
    _gcp_opt(34, 'LRnorm', 77.11, 93.33),
    _gcp_opt(34, 'LRfast', 73.88, 91.42),
    _gcp_opt(34, 'LRadju', 76.81, 93.04),
    _gcp_opt(50, 'LRnorm', 78.56, 94.09),
    _gcp_opt(50, 'LRfast', 75.31, 92.11),
    _gcp_opt(50, 'LRadju', 78.03, 93.95),
    _gcp_opt(50, 'LRnorm', 78.02, 94.02, reduced_channels=128),
    _gcp_opt(50, 'LRadju', 77.72, 93.73, reduced_channels=128),
    _gcp_opt(101, 'LRnorm', 79.47, 94.71),
    _gcp_opt(101, 'LRfast', 76.38, 92.82),
    _gcp_opt(101, 'LRadju', 79.18, 94.47),
    # and their GAP baselines
    _gcp_opt(18, 'LRnorm', 70.47, 89.59, pooling='gap'),
    _gcp_opt(18, 'LRfast', 66.02, 86.69, pooling='gap'),
    _gcp_opt(18, 'LRadju', 69.62, 89.00, pooling='gap'),
    _gcp_opt(34, 'LRnorm', 74.19, 91.60, pooling='gap'),
    _gcp_opt(34, 'LRfast', 69.88, 89.25, pooling='gap'),
    _gcp_opt(34, 'LRadju', 73.13, 91.14, pooling='gap'),
    _gcp_opt(50, 'LRnorm', 76.02, 92.97, pooling='gap'),
    _gcp_opt(50, 'LRfast', 71.08, 90.04, pooling='gap'),
    _gcp_opt(50, 'LRadju', 75.32, 92.47, pooling='gap'),
    _gcp_opt(101, 'LRnorm', 77.67, 93.83, pooling='gap'),
    _gcp_opt(101, 'LRfast', 73.13, 91.06, pooling='gap'),
    _gcp_opt(101, 'LRadju', 77.53, 93.53, pooling='gap'),
    # GCP_Optimization MobileNetV2 1.0: iSQRT-COV after the last 1x1 conv;
    # parameters of the released architectures (the authors' model code;
    # torchvision's for GAP)
    _light('mobilenet_v2', 'LRnorm', 71.62, 90.18, 3_504_872, pooling='gap'),
    _light('mobilenet_v2', 'LRfast', 69.29, 89.01, 3_504_872, pooling='gap'),
    _light('mobilenet_v2', 'LRadju', 71.27, 90.08, 3_504_872, pooling='gap'),
    _light('mobilenet_v2', 'LRnorm', 74.39, 91.86, 35_449_064),
    _light('mobilenet_v2', 'LRfast', 72.45, 90.51, 35_449_064),
    _light('mobilenet_v2', 'LRadju', 73.97, 91.53, 35_449_064),
    _light('mobilenet_v2', 'LRnorm', 73.28, 91.26, 10_644_968,
           reduced_channels=128),
    _light('mobilenet_v2', 'LRadju', 72.58, 90.87, 10_644_968,
           reduced_channels=128),
    # GCP_Optimization ShuffleNetV2 1.0x: iSQRT-COV after conv5
    _light('shufflenet_v2', 'LRnorm', 67.96, 87.84, 2_278_604, pooling='gap'),
    _light('shufflenet_v2', 'LRfast', 66.13, 86.54, 2_278_604, pooling='gap'),
    _light('shufflenet_v2', 'LRadju', 67.15, 87.35, 2_278_604, pooling='gap'),
    _light('shufflenet_v2', 'LRnorm', 71.83, 90.04, 34_413_260),
    _light('shufflenet_v2', 'LRfast', 70.29, 89.00, 34_413_260),
    _light('shufflenet_v2', 'LRadju', 71.17, 89.74, 34_413_260),
    # the TPAMI 2023 paper's MindSpore releases: Fast-MPN (iSQRT-COV) and
    # DropCov heads, d=128; parameters and FLOPs as its README gives them
    _mindspore(18, 'isqrt', 74.64, 19.6, 3.11),
    _mindspore(18, 'dropcov', 73.8, 19.6, 3.11),
    _mindspore(34, 'isqrt', 76.27, 29.7, 5.56),
    _mindspore(34, 'dropcov', 76.13, 29.7, 5.56),
    _mindspore(50, 'isqrt', 77.71, 32.3, 6.19),
    _mindspore(50, 'dropcov', 77.77, 32.0, 6.19),
    # DropCov (NeurIPS 2022): d=128 (the parameter counts say so)
    ZooEntry('ResNet34_DropCov', 34, 'dropcov', 128, 'LRnorm', 76.81, None,
             DROPCOV, published_params_m=29.6, published_flops_g=5.56),
    ZooEntry('ResNet50_DropCov', 50, 'dropcov', 128, 'LRnorm', 78.19, None,
             DROPCOV, published_params_m=32.0, published_flops_g=6.19),
    ZooEntry('ResNet101_DropCov', 101, 'dropcov', 128, 'LRnorm', 79.51, None,
             DROPCOV, published_params_m=51.0, published_flops_g=9.9),
    # DropCov (NeurIPS 2022) vision transformers: the baselines, and the
    # DropCov models (DeiT-S and T2T-ViT-14 with a convolutional tokenizer
    # and a multi-head cross-covariance head; Swin-T without released code)
    _dropcov_vit('deit', None, 'gap', 79.8, 22.1, 4.6,
                 config_file='mmpretrain::deit/deit-small_4xb256_in1k.py',
                 not_converted=_MMPRETRAIN_WEIGHTS),
    _dropcov_vit('swin', None, 'gap', 81.2, 28.3, 4.5,
                 config_file='mmpretrain::swin_transformer/'
                 'swin-tiny_16xb64_in1k.py',
                 not_converted=_MMPRETRAIN_WEIGHTS),
    _dropcov_vit('t2t_vit', None, 'gap', 81.5, 21.5, 5.2,
                 config_file='mmpretrain::t2t_vit/t2t-vit-t-14_8xb64_in1k.py',
                 not_converted=_MMPRETRAIN_WEIGHTS),
    _dropcov_vit('conv_token_vit', 12, 'cross_cov', 82.4, 25.6, 5.5),
    _dropcov_vit('swin', None, 'dropcov', 82.5, 31.6, 6.0,
                 not_converted='no model code was released, so its file '
                 'layout is unknown; swin-tiny-dropcov-d80_16xb64_in1k.py '
                 'is our design'),
    _dropcov_vit('conv_token_vit', 14, 'cross_cov', 82.7, 24.9, 5.4),
    # fast-MPN-COV model zoo (iSQRT-COV, d=256); accuracy from its README's
    # "reproduce" column (100 - top-1 error)
    ZooEntry('mpncovresnet50', 50, 'isqrt', 256, 'iSQRT-COV 65 ep', 78.29,
             93.87, FAST_MPN_COV,
             'http://jtxie.com/models/mpncovresnet50-15991845.pth'),
    ZooEntry('mpncovresnet101', 101, 'isqrt', 256, 'iSQRT-COV 65 ep', 79.01,
             94.44, FAST_MPN_COV,
             'http://jtxie.com/models/mpncovresnet101-ade9737a.pth'),
]


def zoo_entry(name: str) -> ZooEntry:
    """The entry called ``name`` (error lists the known names)."""
    for entry in MODEL_ZOO:
        if entry.name == name:
            return entry
    raise KeyError(f'no released model {name!r}; known: '
                   f'{", ".join(e.name for e in MODEL_ZOO)}')


def _params(e: ZooEntry) -> str:
    if e.params is not None:
        return f'{e.params / 1e6:.2f}M'
    return '-' if e.published_params_m is None else f'{e.published_params_m}M'


def convert_command(e: ZooEntry) -> str:
    """The command that converts this release (downloading it where it has
    a direct link), or why there is none."""
    if e.not_converted:
        return e.not_converted
    if e.url:
        return f'python tools/convert_official.py --download {e.name} OUT'
    suffix = '.ckpt' if e.framework == 'mindspore' else '.pth.tar'
    return (f'python tools/convert_official.py {e.name}{suffix} OUT '
            f'--zoo-name {e.name}')


def _command_cell(e: ZooEntry) -> str:
    return convert_command(e) if e.not_converted else \
        f'`{convert_command(e)}`'


def zoo_markdown() -> str:
    """The table as Markdown, for docs/model_zoo.md."""
    lines = ['| name | model | pooling | d | schedule | top-1 | top-5 | '
             'params | GFLOPs | source | config | convert |',
             '|---|---|---|---|---|---|---|---|---|---|---|---|']
    for e in MODEL_ZOO:
        source = f'[download]({e.url})' if e.url else f'[page]({e.page})'
        config = '-' if not e.config else f'`{e.config}`' if \
            e.config.startswith('mmpretrain::') else \
            f'`{osp.basename(e.config)}`'
        lines.append(
            f'| {e.name} | {e.model_name} | {e.pooling} | '
            f'{e.reduced_channels or "-"} | {e.schedule} | {e.top1:.2f} | '
            f'{"-" if e.top5 is None else f"{e.top5:.2f}"} | '
            f'{_params(e)} | {e.published_flops_g or "-"} | {source} | '
            f'{config} | {_command_cell(e)} |')
    return '\n'.join(lines)


class DownloadError(RuntimeError):
    """A download failed or its content did not match the expected hash."""


def _progress(done: int, total: Optional[int], name: str) -> None:
    if total:
        width = 30
        filled = int(width * done / total)
        sys.stderr.write(f'\r{name}: [{"#" * filled}{"." * (width - filled)}]'
                         f' {done / 2**20:.1f}/{total / 2**20:.1f} MiB')
    else:
        sys.stderr.write(f'\r{name}: {done / 2**20:.1f} MiB')
    sys.stderr.flush()


def download_checkpoint(url: str, cache_dir: str,
                        sha256_prefix: Optional[str] = None,
                        progress: bool = True, timeout: float = 60.0) -> str:
    """Download ``url`` into ``cache_dir`` (reused if already there).

    The file is written under a temporary name and moved into place only
    after the whole body arrived and its sha256 starts with
    ``sha256_prefix`` (taken from a ``name-<hex>.pth`` URL when not given),
    so a failed or mismatching download never leaves a file that looks
    valid.

    Returns:
        str: the cached file.
    """
    name = osp.basename(url.split('?', 1)[0])
    if not name:
        raise ValueError(f'cannot name a file after {url!r}')
    if sha256_prefix is None:
        sha256_prefix = _hash_prefix(name)
    final = osp.join(cache_dir, name)
    if osp.isfile(final):
        return final
    sha = hashlib.sha256()
    try:
        # the file appears only once complete and checked
        with atomic_write(final, 'wb') as out, \
                urllib.request.urlopen(url, timeout=timeout) as response:
            total = response.headers.get('Content-Length')
            total = int(total) if total else None
            done = 0
            for chunk in iter(lambda: response.read(1 << 20), b''):
                out.write(chunk)
                sha.update(chunk)
                done += len(chunk)
                if progress:
                    _progress(done, total, name)
            if progress:
                sys.stderr.write('\n')
            if total is not None and done != total:
                raise DownloadError(f'{url}: got {done} of {total} bytes')
            digest = sha.hexdigest()
            if sha256_prefix and not digest.startswith(sha256_prefix):
                raise DownloadError(f'{url}: sha256 {digest[:16]}... does '
                                    f'not start with {sha256_prefix}')
    except OSError as err:  # URLError and HTTPError are OSErrors
        raise DownloadError(f'{url}: download failed ({err})') from err
    return final
