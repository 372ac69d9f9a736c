"""Small helpers shared across the package (standard library only)."""
import contextlib
import difflib
import importlib.util
import inspect
import os
import os.path as osp
import tempfile
from typing import (IO, Callable, Dict, Iterable, Iterator, NamedTuple,
                    Optional, Sequence, Tuple)

__all__ = ['is_installed', 'require', 'missing_extra', 'MissingExtraError',
           'Provider', 'PROVIDERS', 'atomic_write', 'check_keywords',
           'keywords_of']


def is_installed(name: str) -> bool:
    """Whether ``name`` can be imported, without importing it."""
    try:
        return importlib.util.find_spec(name) is not None
    except (ValueError, ModuleNotFoundError):
        # a module set to None in sys.modules; a parent package missing
        return False


class Provider(NamedTuple):
    """Where an import name that part of mmgcp needs comes from."""
    distribution: str  # the upstream one, as setup.py's extras name it
    extras: Tuple[str, ...]  # the extras of mmgcp that install it
    fork: Optional[str] = None  # the maintained fork (same import name)


# import name -> its provider; ``pip install mmgcp`` alone installs torch
# and numpy only
PROVIDERS: Dict[str, Provider] = {
    'mmcv': Provider('mmcv', ('det', 'seg', 'pretrain'), 'onedl-mmcv'),
    'mmengine': Provider('mmengine', ('det', 'seg', 'pretrain'),
                         'onedl-mmengine'),
    'mmdet': Provider('mmdet', ('det', ), 'onedl-mmdetection'),
    'mmseg': Provider('mmsegmentation', ('seg', ), 'onedl-mmsegmentation'),
    'mmpretrain': Provider('mmpretrain', ('pretrain', ), 'onedl-mmpretrain'),
    'google.protobuf': Provider('protobuf', ('pretrain', )),
    'imagecorruptions': Provider('imagecorruptions-imaug',
                                 ('robustness', )),
}


class MissingExtraError(ModuleNotFoundError):
    """A part of mmgcp needs a package that its install left out."""


def missing_extra(feature: str, *modules: str) -> Optional[str]:
    """What to install for ``feature``, which needs ``modules`` (import
    names of :data:`PROVIDERS`), or ``None`` when all are installed."""
    missing = [m for m in modules if not is_installed(m)]
    if not missing:
        return None
    providers = [PROVIDERS[m] for m in missing]
    extras = [e for e in providers[0].extras
              if all(e in p.extras for p in providers)] or \
        [p.extras[0] for p in providers]
    install = ' or '.join(f"pip install 'mmgcp[{e}]'" for e in extras)
    forks = [p.fork for p in providers if p.fork]
    fork_hint = (f' (on the maintained OpenMMLab forks: pip install '
                 f'{" ".join(forks)}; see docs/install.md)' if forks else '')
    return (f'{feature} needs {", ".join(missing)}, which '
            f'{"is" if len(missing) == 1 else "are"} not installed: '
            f'{install}{fork_hint}')


def require(feature: str, *modules: str) -> None:
    """Raise :class:`MissingExtraError` naming the extra to install when
    one of ``modules`` (import names of :data:`PROVIDERS`) is missing.

    Args:
        feature: what needs them, as the user reaches it (``mmgcp.pretrain``).
        *modules: the import names it needs.
    """
    message = missing_extra(feature, *modules)
    if message:
        raise MissingExtraError(message,
                                name=next(m for m in modules
                                          if not is_installed(m)))


@contextlib.contextmanager
def atomic_write(path: str, mode: str = 'w') -> Iterator[IO]:
    """Open a temporary file next to ``path`` that replaces ``path`` only
    once the block has finished without error, so an interrupted write
    never leaves half a file (and never a file at all on failure)."""
    directory = osp.dirname(osp.abspath(path))
    os.makedirs(directory, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=osp.basename(path) + '.',
                               suffix='.part', dir=directory)
    try:
        with os.fdopen(fd, mode) as f:
            yield f
        # mkstemp creates the file 0600: give it the permissions a plain
        # open() would (0666 less the umask), as mmengine's own files have
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    finally:
        if osp.exists(tmp):
            os.remove(tmp)


def keywords_of(*functions: Callable, skip: Iterable[str] = ()
                ) -> Sequence[str]:
    """The keyword parameters of ``functions`` (``self``, ``*args``,
    ``**kwargs`` and the names in ``skip`` aside), in order, without
    repeats."""
    names, skip = [], {'self', *skip}
    for function in functions:
        for name, param in inspect.signature(function).parameters.items():
            if name not in skip and name not in names and param.kind in (
                    param.POSITIONAL_OR_KEYWORD, param.KEYWORD_ONLY):
                names.append(name)
    return names


def check_keywords(owner: str, given: Iterable[str],
                   accepted: Sequence[str]) -> None:
    """Raise a ``TypeError`` naming ``owner`` (the class the user wrote)
    and the closest accepted keyword for each keyword it does not take."""
    unknown = [k for k in given if k not in accepted]
    if not unknown:
        return
    hints = []
    for key in unknown:
        close = difflib.get_close_matches(key, accepted, n=1)
        hints.append(f'{key!r}' + (f' (did you mean {close[0]!r}?)'
                                   if close else ''))
    raise TypeError(f'{owner} got unexpected keyword argument'
                    f'{"s" if len(unknown) > 1 else ""} {", ".join(hints)}; '
                    f'it takes: {", ".join(accepted)}')
