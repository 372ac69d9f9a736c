"""The ``spec.json`` marker that makes a generated set reusable.

It is written after the last file, so its presence with the same spec
means a complete set from that spec.
"""
import json
import os.path as osp
from dataclasses import asdict

from ...utils import atomic_write


def _marker(root: str) -> str:
    return osp.join(root, 'spec.json')


def is_generated(root: str, spec) -> bool:
    """Whether ``root`` holds a complete set generated from ``spec``."""
    if not osp.isfile(_marker(root)):
        return False
    with open(_marker(root)) as f:
        return json.load(f) == asdict(spec)


def mark_generated(root: str, spec) -> None:
    """Record that ``root`` now holds the complete set for ``spec``."""
    with atomic_write(_marker(root)) as f:
        json.dump(asdict(spec), f)
