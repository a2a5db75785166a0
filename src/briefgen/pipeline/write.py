"""The only stage that touches the disk: every output replaced atomically, or none."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from pathlib import Path

from ..errors import OutputError, display_path
from .interrupts import held_interrupts

# Every temporary file briefgen writes starts so; cleaning up touches no other file.
TEMPORARY_PREFIX = ".briefgen-tmp-"


def remove_own_temporaries(out_dir: Path) -> None:
    """Temporary files of a build that was killed before it could clean up: only
    briefgen's own, in the folders a build writes (the output folder, its audience
    folders, and a project's brief folders)."""
    for pattern in ("", "*/", "*/*/"):
        for stale in out_dir.glob(f"{pattern}{TEMPORARY_PREFIX}*.tmp"):
            if stale.is_file() and not stale.is_symlink():
                stale.unlink(missing_ok=True)


def write_outputs(outputs: Mapping[Path, bytes | None]) -> None:
    """Write every file to a temporary sibling first, then rename them all into place;
    a file mapped to None is removed, in the same last step.

    A failure while writing leaves every earlier output as it was and no
    temporary file behind.
    """
    staged: list[tuple[Path, Path]] = []
    path = None
    try:
        for path, data in outputs.items():
            if path.is_dir():
                raise OutputError(
                    f"{display_path(path)}: a folder is where this output goes: "
                    "remove or rename the folder"
                )
            if data is not None:
                staged.append((_stage(path, data), path))
        with held_interrupts():  # Ctrl-C and SIGTERM wait until every output is in place
            for temporary, path in staged:
                os.replace(temporary, path)
            for path, data in outputs.items():
                if data is None and (path.is_file() or path.is_symlink()):
                    path.unlink()
    except BaseException as exc:  # an error, or Ctrl-C while staging: no temporary stays
        for temporary, _ in staged:
            temporary.unlink(missing_ok=True)
        if not isinstance(exc, OSError):
            raise
        where = display_path(path) if path else ""
        raise OutputError(
            f"{where}: could not write the outputs "
            f"({exc.strerror or exc}); earlier outputs are unchanged"
        ) from None


def _stage(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(
        dir=path.parent, prefix=f"{TEMPORARY_PREFIX}{path.name}.", suffix=".tmp"
    )
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
