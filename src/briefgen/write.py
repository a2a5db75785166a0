"""The only stage that touches the disk: every output replaced atomically, or none."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from pathlib import Path

from .errors import OutputError


def remove_stale_temporaries(out_dir: Path) -> None:
    """Temporary files of a build that was killed before it could clean up."""
    for stale in out_dir.glob("**/.*.tmp"):
        stale.unlink(missing_ok=True)


def write_outputs(outputs: Mapping[Path, bytes]) -> None:
    """Write every file to a temporary sibling first, then rename them all into place.

    A failure while writing leaves every earlier output as it was and no
    temporary file behind.
    """
    staged: list[tuple[Path, Path]] = []
    try:
        for path, data in outputs.items():
            staged.append((_stage(path, data), path))
        for temporary, path in staged:
            os.replace(temporary, path)
    except OSError as exc:
        for temporary, _ in staged:
            temporary.unlink(missing_ok=True)
        raise OutputError(
            f"{exc.filename or ''}: could not write the outputs "
            f"({exc.strerror or exc}); earlier outputs are unchanged"
        ) from None


def _stage(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    temporary = Path(name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, 0o644)
    except OSError:
        temporary.unlink(missing_ok=True)
        raise
    return temporary
