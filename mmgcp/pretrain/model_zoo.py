"""The officially released GCP classifiers, and their download.

One table (:data:`MODEL_ZOO`) with what the authors' READMEs state: name,
model (ResNet depth or MobileNetV2), pooling, d, schedule, top-1/top-5 on
ImageNet val, where to get it, and the pretraining config that builds the
same classifier.
Most releases sit on Google/Baidu Drive behind a confirmation page and must
be fetched by hand (``url`` is None, ``page`` says where); the fast-MPN-COV
model-zoo files have direct links with a sha256 prefix in their names and
download through :func:`download_checkpoint`.
"""
import hashlib
import os
import os.path as osp
import re
import shutil
import sys
import tempfile
import urllib.request
from dataclasses import dataclass
from typing import Dict, List, Optional

__all__ = ['ZooEntry', 'MODEL_ZOO', 'zoo_entry', 'zoo_markdown',
           'config_name', 'config_options', 'download_checkpoint', 'DownloadError']

GCP_OPTIMIZATION = 'https://github.com/ZhangLi-CS/GCP_Optimization'
DROPCOV = 'https://github.com/mingzeG/DropCov'
FAST_MPN_COV = 'https://github.com/jiangtaoxie/fast-MPN-COV'


# the papers' schedule names -> config name tags; LR_fast and LR_adj
# configs exist for iSQRT-COV with d=256 and for GAP, the models of the
# papers' schedule study
SCHEDULE_TAGS = {'LRnorm': 'lrnorm', 'LRfast': 'lrfast', 'LRadju': 'lradj'}


def config_name(depth: Optional[int], pooling: str,
                reduced_channels: Optional[int] = None,
                schedule: str = 'LRnorm',
                model: str = 'resnet') -> Optional[str]:
    """The pretraining config (``configs/pretrain/...``) of a classifier.

    A schedule without a config of its own (e.g. the fast-MPN-COV recipe)
    maps to the LR_norm config, and a d other than 128 or 256 to the d=256
    config (:func:`config_options` says what to override). ``None`` for a
    pooling no config has.
    """
    if model not in ('resnet', 'mobilenet_v2'):
        return None
    net = f'resnet{depth}' if model == 'resnet' else 'mobilenet-v2'
    if pooling in ('isqrt', 'dropcov') and not (
            model == 'mobilenet_v2' and pooling == 'dropcov'):
        d = reduced_channels if reduced_channels in (128, 256) else 256
        net = f'{net}-{pooling}-d{d}'
    elif pooling != 'gap':
        return None
    tag = SCHEDULE_TAGS.get(schedule, 'lrnorm')
    # LR_fast and LR_adj configs: GAP and iSQRT-COV d=256 (and MobileNetV2's
    # d=128 LR_adj release)
    if tag != 'lrnorm' and not (
            pooling == 'gap' or net.endswith('isqrt-d256') or
            (model == 'mobilenet_v2' and tag == 'lradj')):
        tag = 'lrnorm'
    if model == 'resnet':
        return f'configs/pretrain/{net}_8xb32-{tag}_in1k.py'
    batch = 24 if tag == 'lradj' else 12
    return f'configs/pretrain/{net}_8xb{batch}-{tag}_in1k.py'


def config_options(reduced_channels: Optional[int] = None,
                   num_classes: int = 1000) -> Dict[str, object]:
    """``--cfg-options`` that fit :func:`config_name`'s config to a
    classifier with another d or number of classes."""
    options: Dict[str, object] = {}
    if reduced_channels is not None and reduced_channels not in (128, 256):
        options['model.neck.reduced_channels'] = reduced_channels
        options['model.head.in_channels'] = \
            reduced_channels * (reduced_channels + 1) // 2
    if num_classes != 1000:
        options['model.head.num_classes'] = num_classes
        options['data_preprocessor.num_classes'] = num_classes
    return options


def _hash_prefix(name: str) -> Optional[str]:
    """The sha256 prefix in a ``name-<hex>.pth`` file name, if any."""
    match = re.search(r'-([0-9a-f]{8,})\.pth$', name)
    return match.group(1) if match else None


@dataclass(frozen=True)
class ZooEntry:
    """One released classifier."""
    name: str
    depth: Optional[int]  # ResNet depth; None for other models
    pooling: str  # 'isqrt', 'dropcov' or 'gap'
    reduced_channels: Optional[int]  # d
    schedule: str
    top1: float
    top5: Optional[float]
    page: str
    url: Optional[str] = None  # direct download, when there is one
    model: str = 'resnet'  # or 'mobilenet_v2'
    params: Optional[int] = None  # as published, where given

    @property
    def model_name(self) -> str:
        """``ResNet-50``, ``MobileNetV2`` ..."""
        return f'ResNet-{self.depth}' if self.model == 'resnet' \
            else 'MobileNetV2'

    @property
    def sha256_prefix(self) -> Optional[str]:
        """The hash prefix in a ``name-<hex>.pth`` file name, if any."""
        return None if self.url is None else _hash_prefix(self.url)

    @property
    def config(self) -> Optional[str]:
        """The pretraining config that builds this classifier."""
        return config_name(self.depth, self.pooling, self.reduced_channels,
                           self.schedule, self.model)


def _gcp_opt(depth, schedule, top1, top5, dim=256, pooling='isqrt'):
    kind = 'GCP' if pooling == 'isqrt' else 'GAP'
    suffix = '_128' if dim == 128 else ''
    return ZooEntry(f'ResNet{depth}_{kind}_{schedule}{suffix}', depth,
                    pooling, dim if pooling == 'isqrt' else None, schedule,
                    top1, top5, GCP_OPTIMIZATION)


def _mobilenet_v2(schedule, top1, top5, params, dim=256, pooling='isqrt'):
    kind = 'GCP' if pooling == 'isqrt' else 'GAP'
    suffix = '_128' if dim == 128 else ''
    return ZooEntry(f'MobileNetV2_{kind}_{schedule}{suffix}', None, pooling,
                    dim if pooling == 'isqrt' else None, schedule, top1,
                    top5, GCP_OPTIMIZATION, model='mobilenet_v2',
                    params=params)


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
    _gcp_opt(50, 'LRnorm', 78.02, 94.02, dim=128),
    _gcp_opt(50, 'LRadju', 77.72, 93.73, dim=128),
    _gcp_opt(101, 'LRnorm', 79.47, 94.71),
    _gcp_opt(101, 'LRfast', 76.38, 92.82),
    _gcp_opt(101, 'LRadju', 79.18, 94.47),
    _gcp_opt(50, 'LRnorm', 76.02, 92.97, pooling='gap'),
    _gcp_opt(101, 'LRnorm', 77.67, 93.83, pooling='gap'),
    # GCP_Optimization MobileNetV2 1.0: iSQRT-COV after the last 1x1 conv;
    # parameters of the released architectures (the authors' model code;
    # torchvision's for GAP)
    _mobilenet_v2('LRnorm', 71.62, 90.18, 3_504_872, pooling='gap'),
    _mobilenet_v2('LRfast', 69.29, 89.01, 3_504_872, pooling='gap'),
    _mobilenet_v2('LRadju', 71.27, 90.08, 3_504_872, pooling='gap'),
    _mobilenet_v2('LRnorm', 74.39, 91.86, 35_449_064),
    _mobilenet_v2('LRfast', 72.45, 90.51, 35_449_064),
    _mobilenet_v2('LRadju', 73.97, 91.53, 35_449_064),
    _mobilenet_v2('LRnorm', 73.28, 91.26, 10_644_968, dim=128),
    _mobilenet_v2('LRadju', 72.58, 90.87, 10_644_968, dim=128),
    # DropCov (NeurIPS 2022): d=128 (the parameter counts say so)
    ZooEntry('ResNet34_DropCov', 34, 'dropcov', 128, 'LRnorm', 76.81, None,
             DROPCOV),
    ZooEntry('ResNet50_DropCov', 50, 'dropcov', 128, 'LRnorm', 78.19, None,
             DROPCOV),
    ZooEntry('ResNet101_DropCov', 101, 'dropcov', 128, 'LRnorm', 79.51, None,
             DROPCOV),
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


def zoo_markdown() -> str:
    """The table as Markdown, for the README."""
    lines = ['| name | model | pooling | d | schedule | top-1 | top-5 | '
             'params | source | config |',
             '|---|---|---|---|---|---|---|---|---|---|']
    for e in MODEL_ZOO:
        source = f'[download]({e.url})' if e.url else f'[page]({e.page})'
        config = f'`{osp.basename(e.config)}`' if e.config else '-'
        lines.append(
            f'| {e.name} | {e.model_name} | {e.pooling} | '
            f'{e.reduced_channels or "-"} | {e.schedule} | {e.top1:.2f} | '
            f'{"-" if e.top5 is None else f"{e.top5:.2f}"} | '
            f'{"-" if e.params is None else f"{e.params / 1e6:.2f}M"} | '
            f'{source} | '
            f'{config} |')
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
    os.makedirs(cache_dir, exist_ok=True)
    final = osp.join(cache_dir, name)
    if osp.isfile(final):
        return final
    fd, tmp = tempfile.mkstemp(prefix=name + '.', suffix='.part',
                               dir=cache_dir)
    sha = hashlib.sha256()
    try:
        with os.fdopen(fd, 'wb') as out, \
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
            raise DownloadError(f'{url}: sha256 {digest[:16]}... does not '
                                f'start with {sha256_prefix}')
        shutil.move(tmp, final)
    except OSError as err:  # URLError and HTTPError are OSErrors
        raise DownloadError(f'{url}: download failed ({err})') from err
    finally:
        if osp.exists(tmp):
            os.remove(tmp)
    return final
