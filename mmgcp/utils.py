"""Small helpers shared across the package (standard library only)."""
import contextlib
import difflib
import importlib.util
import inspect
import os
import os.path as osp
import tempfile
from typing import IO, Callable, Iterable, Iterator, Sequence

__all__ = ['is_installed', 'atomic_write', 'check_keywords',
           'keywords_of']


def is_installed(name: str) -> bool:
    """Whether ``name`` can be imported, without importing it."""
    try:
        return importlib.util.find_spec(name) is not None
    except ValueError:  # a module set to None in sys.modules
        return False


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
