"""Result files of the analysis tools: atomic writes, checked reads."""
import json

from ..utils import atomic_write


def write_json(path: str, data: dict) -> None:
    """Write ``data`` to ``path`` atomically (never half a file)."""
    with atomic_write(path) as f:
        json.dump(data, f, indent=1)


def read_json(path: str, key: str, kind: type, what: str) -> dict:
    """Read a JSON object whose ``key`` holds a ``kind``; ``what`` names the
    file type in the error."""
    try:
        with open(path) as f:
            data = json.load(f)
    except ValueError as err:
        raise ValueError(f'{path}: not JSON ({err})') from None
    if not isinstance(data, dict) or not isinstance(data.get(key), kind):
        raise ValueError(f'{path}: expected an object with "{key}" ({what})')
    return data
