"""The officially released GCP ResNet classifiers, and their download.

One table (:data:`MODEL_ZOO`) with what the authors' READMEs state: name,
depth, head, d, schedule, top-1/top-5 on ImageNet val, where to get it.
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
from typing import List, Optional

__all__ = ['ZooEntry', 'MODEL_ZOO', 'zoo_entry', 'zoo_markdown',
           'download_checkpoint', 'DownloadError']

GCP_OPTIMIZATION = 'https://github.com/ZhangLi-CS/GCP_Optimization'
DROPCOV = 'https://github.com/mingzeG/DropCov'
FAST_MPN_COV = 'https://github.com/jiangtaoxie/fast-MPN-COV'


def _hash_prefix(name: str) -> Optional[str]:
    """The sha256 prefix in a ``name-<hex>.pth`` file name, if any."""
    match = re.search(r'-([0-9a-f]{8,})\.pth$', name)
    return match.group(1) if match else None


@dataclass(frozen=True)
class ZooEntry:
    """One released classifier."""
    name: str
    depth: int
    head: str  # 'isqrt', 'dropcov' or 'gap'
    dim: Optional[int]
    schedule: str
    top1: float
    top5: Optional[float]
    page: str
    url: Optional[str] = None  # direct download, when there is one

    @property
    def sha256_prefix(self) -> Optional[str]:
        """The hash prefix in a ``name-<hex>.pth`` file name, if any."""
        return None if self.url is None else _hash_prefix(self.url)


def _gcp_opt(depth, schedule, top1, top5, dim=256, head='isqrt'):
    kind = 'GCP' if head == 'isqrt' else 'GAP'
    suffix = '_128' if dim == 128 else ''
    return ZooEntry(f'ResNet{depth}_{kind}_{schedule}{suffix}', depth, head,
                    dim if head == 'isqrt' else None, schedule, top1, top5,
                    GCP_OPTIMIZATION)


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
    _gcp_opt(50, 'LRnorm', 76.02, 92.97, head='gap'),
    _gcp_opt(101, 'LRnorm', 77.67, 93.83, head='gap'),
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
    lines = ['| name | depth | head | d | schedule | top-1 | top-5 | source |',
             '|---|---|---|---|---|---|---|---|']
    for e in MODEL_ZOO:
        source = f'[download]({e.url})' if e.url else f'[page]({e.page})'
        lines.append(
            f'| {e.name} | {e.depth} | {e.head} | {e.dim or "-"} | '
            f'{e.schedule} | {e.top1:.2f} | '
            f'{"-" if e.top5 is None else f"{e.top5:.2f}"} | {source} |')
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
