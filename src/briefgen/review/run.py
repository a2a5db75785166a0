"""briefgen diff from the command line: two folders, or one folder at two revisions."""

from __future__ import annotations

import tempfile
from dataclasses import replace
from pathlib import Path

from ..content.markup import plain
from ..errors import UsageError
from ..locate import PROJECT_FILE, is_brief
from ..project import open_project
from .diff import Change, diff, load_version, report
from .git import export, repository_root, revisions


def run_diff(folders: list[Path], rev: str | None, fmt: str) -> tuple[str, bool]:
    """The report, and whether anything became visible to a new audience."""
    with tempfile.TemporaryDirectory(prefix="briefgen-diff-") as scratch:
        old_dir, new_dir = _folders(folders, rev, Path(scratch))
        old, new = _briefs(old_dir), _briefs(new_dir)
        if old.keys() == new.keys() == {""}:
            changes = diff(load_version(old_dir), load_version(new_dir))
        else:
            changes = _project_diff(old, new)
    changes.sort(key=lambda c: (not c.flagged, c.file, c.line or 0, c.kind))
    return report(changes, fmt), any(c.flagged for c in changes)


def _project_diff(old: dict[str, Path], new: dict[str, Path]) -> list[Change]:
    """Each brief against its namesake; a brief new or gone, said once."""
    changes: list[Change] = []
    for name in sorted(old.keys() | new.keys()):
        prefix = f"{name}/" if name else ""
        if name in old and name in new:
            found = diff(load_version(old[name]), load_version(new[name]))
            changes += [replace(c, file=f"{prefix}{c.file}") for c in found]
        else:
            folder = new.get(name) or old[name]
            version = load_version(folder)
            who = sorted(name for name, blocks in version.shown.items() if blocks)
            kind = "brief-added" if name in new else "brief-removed"
            title = plain(version.content.brief.title)
            changes.append(Change(kind, f"{prefix}brief.yaml", None, title, "", who))
    return changes


def _briefs(folder: Path) -> dict[str, Path]:
    """The briefs of one side by name: {"": folder} for a lone brief, each brief of a
    project by its name, none where the folder does not exist in that version."""
    if is_brief(folder):
        return {"": folder}
    if not folder.is_dir():
        return {}
    try:
        project = open_project(folder)
    except UsageError:  # a folder with no brief in it (yet)
        return {}
    return {ref.name: ref.folder for ref in project.briefs} if project else {}


def _folders(folders: list[Path], rev: str | None, scratch: Path) -> tuple[Path, Path]:
    if rev is None:
        if len(folders) != 2:
            raise UsageError(
                "give two brief (or project) folders, OLD NEW, or one with --rev OLD..NEW"
            )
        for folder in folders:
            if not folder.is_dir():
                raise UsageError(f"no brief folder at '{folder}'")
        return folders[0], folders[1]
    if len(folders) > 1:
        raise UsageError("with --rev, give one brief (or project) folder")
    folder = folders[0] if folders else default_folder()
    old, new = revisions(rev)
    old_dir = export(folder, old, scratch / "old")
    new_dir = export(folder, new, scratch / "new") if new else folder
    if not _briefs(old_dir) and not _briefs(new_dir):
        raise UsageError(
            f"no brief at '{folder}' in either version: name a brief or project folder"
        )
    return old_dir, new_dir


def default_folder() -> Path:
    """What `diff --rev` compares when no folder is named: `content/` here if there is
    one, else the project at the top of the repository."""
    if Path("content").is_dir():
        return Path("content")
    top = repository_root(Path.cwd())
    if top is not None and (is_brief(top) or (top / PROJECT_FILE).is_file()):
        return top
    raise UsageError(
        "no folder named and no content/ here: name the brief or project folder, "
        "e.g. briefgen diff briefs/energy --rev main..HEAD"
    )
