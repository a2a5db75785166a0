"""One build at a time per output folder: a second one waits, and says so."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from ..errors import OutputError

LOCK_NAME = ".briefgen.lock"


@contextmanager
def output_lock(out_dir: Path, wait: bool = True) -> Iterator[None]:
    """Hold an exclusive lock on `out_dir` while its outputs are read and replaced."""
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        handle = (out_dir / LOCK_NAME).open("a")
    except OSError as exc:
        raise OutputError(f"{out_dir}: cannot use the output folder ({exc.strerror})") from None
    try:
        _acquire(handle, out_dir, wait)
        yield
    finally:
        handle.close()  # closing releases the lock


def _acquire(handle: IO[str], out_dir: Path, wait: bool) -> None:
    try:
        import fcntl
    except ImportError:  # Windows: builds are not locked
        return
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        if not wait:
            raise OutputError(f"{out_dir}: another briefgen build is writing here") from None
        print(f"waiting for another briefgen build of {out_dir} to finish…", file=sys.stderr)
        fcntl.flock(handle, fcntl.LOCK_EX)
