"""briefgen diff from the command line: two folders, or one folder at two revisions."""

from __future__ import annotations

import tempfile
from dataclasses import replace
from pathlib import Path

from ..content.markup import plain
from ..errors import UsageError
from ..project import is_brief, open_project
from .diff import Change, diff, load_version, report
from .git import export, revisions


def run_diff(folders: list[Path], rev: str | None, fmt: str) -> tuple[str, bool]:
    """The report, and whether anything became visible to a new audience."""
    with tempfile.TemporaryDirectory(prefix="briefgen-diff-") as scratch:
        old_dir, new_dir = _folders(folders, rev, Path(scratch))
        if is_brief(old_dir) and is_brief(new_dir):
            changes = diff(load_version(old_dir), load_version(new_dir))
        else:
            changes = _project_diff(old_dir, new_dir)
    changes.sort(key=lambda c: (not c.flagged, c.file, c.line or 0, c.kind))
    return report(changes, fmt), any(c.flagged for c in changes)


def _project_diff(old_dir: Path, new_dir: Path) -> list[Change]:
    """Each brief of a project against its namesake; a brief new or gone, said once."""
    old = _briefs(old_dir, must=False)
    new = _briefs(new_dir, must=True)
    changes: list[Change] = []
    for name in sorted(old.keys() | new.keys()):
        if name in old and name in new:
            found = diff(load_version(old[name]), load_version(new[name]))
            changes += [replace(c, file=f"{name}/{c.file}") for c in found]
        else:
            folder = new.get(name) or old[name]
            version = load_version(folder)
            who = sorted(n for n, shown in version.readers().items() if shown)
            kind = "brief-added" if name in new else "brief-removed"
            title = plain(version.content.brief.title)
            changes.append(Change(kind, f"{name}/brief.yaml", None, title, "", who))
    return changes


def _briefs(folder: Path, must: bool) -> dict[str, Path]:
    """The briefs of a project folder by name; none when an old revision lacks it."""
    if not folder.is_dir() and not must:
        return {}
    project = open_project(folder)
    if project is None:
        raise UsageError(f"'{folder}' is one brief in one version and a project in the other")
    return {ref.name: ref.folder for ref in project.briefs}


def _folders(folders: list[Path], rev: str | None, scratch: Path) -> tuple[Path, Path]:
    if rev is None:
        if len(folders) != 2:
            raise UsageError(
                "give two brief (or project) folders, OLD NEW, or one with --rev OLD..NEW"
            )
        return folders[0], folders[1]
    if len(folders) > 1:
        raise UsageError("with --rev, give one brief folder (default: content)")
    folder = folders[0] if folders else Path("content")
    old, new = revisions(rev)
    old_dir = export(folder, old, scratch / "old")
    new_dir = export(folder, new, scratch / "new") if new else folder
    return old_dir, new_dir
