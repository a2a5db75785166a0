"""The user's cache folder: what a build can make again but need not, kept between
runs (web font subsets, font metrics, compiled templates). $XDG_CACHE_HOME/briefgen,
else ~/.cache/briefgen. A cache that cannot be read or written costs time, never a
build: nothing here raises.
"""

from __future__ import annotations

import os
from pathlib import Path


def cache_folder(name: str) -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "briefgen" / name


def read_cached(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


def keep(path: Path, data: bytes) -> None:
    """Written whole or not at all: a rename over the old file."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.tmp")
        partial.write_bytes(data)
        os.replace(partial, path)
    except OSError:
        pass
