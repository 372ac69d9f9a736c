"""Result files of the analysis tools: atomic writes, checked reads."""
import json
import os
import os.path as osp


def write_json(path: str, data: dict) -> None:
    """Write ``data`` to ``path`` through a temporary file, so that an
    interrupted write never leaves half a file."""
    os.makedirs(osp.dirname(osp.abspath(path)), exist_ok=True)
    with open(path + '.tmp', 'w') as f:
        json.dump(data, f, indent=1)
    os.replace(path + '.tmp', path)


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
