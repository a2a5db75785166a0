"""briefgen diff from the command line: two folders, or one folder at two revisions."""

from __future__ import annotations

import tempfile
from pathlib import Path

from ..errors import UsageError
from .diff import diff, load_version, report
from .git import export, revisions


def run_diff(folders: list[Path], rev: str | None, fmt: str) -> tuple[str, bool]:
    """The report, and whether anything became visible to a new audience."""
    with tempfile.TemporaryDirectory(prefix="briefgen-diff-") as scratch:
        old_dir, new_dir = _folders(folders, rev, Path(scratch))
        for folder in (old_dir, new_dir):
            if not (folder / "brief.yaml").is_file():
                raise UsageError(f"no brief folder at '{folder}': name a folder holding brief.yaml")
        changes = diff(load_version(old_dir), load_version(new_dir))
    return report(changes, fmt), any(c.flagged for c in changes)


def _folders(folders: list[Path], rev: str | None, scratch: Path) -> tuple[Path, Path]:
    if rev is None:
        if len(folders) != 2:
            raise UsageError("give two brief folders, OLD NEW, or one with --rev OLD..NEW")
        return folders[0], folders[1]
    if len(folders) > 1:
        raise UsageError("with --rev, give one brief folder (default: content)")
    folder = folders[0] if folders else Path("content")
    old, new = revisions(rev)
    old_dir = export(folder, old, scratch / "old")
    new_dir = export(folder, new, scratch / "new") if new else folder
    return old_dir, new_dir
