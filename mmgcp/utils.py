"""Small helpers shared across the package (standard library only)."""
import contextlib
import importlib.util
import os
import os.path as osp
import tempfile
from typing import IO, Iterator

__all__ = ['is_installed', 'atomic_write']


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
        os.replace(tmp, path)
    finally:
        if osp.exists(tmp):
            os.remove(tmp)
