"""Where a brief's files are: the rules by which a brief, its project and the
project's shared templates and source library are found on disk. Paths alone, read
by every stage, so that nothing has to load a project to find one.

A brief is a folder holding `brief.yaml`. Its project is the nearest folder above
it holding `briefgen.yaml`, found as git finds `.git` and never above the top of
the repository; beside that file sit the shared `templates/` and `sources.yaml`.
"""

from __future__ import annotations

from pathlib import Path

BRIEF_FILE = "brief.yaml"
PROJECT_FILE = "briefgen.yaml"
LIBRARY_FILE = "sources.yaml"


def is_brief(folder: Path) -> bool:
    return (folder / BRIEF_FILE).is_file()


def project_root(brief_folder: Path) -> Path | None:
    """The folder of the briefgen.yaml above a brief, if any: walked up as git walks up
    to .git, and no further than the top of the repository the brief is in."""
    here = brief_folder.absolute()
    for folder in (here, *here.parents):
        if (folder / PROJECT_FILE).is_file():
            return folder
        if (folder / ".git").exists():
            return None
    return None


def library_file(brief_folder: Path) -> Path | None:
    """The project's shared sources.yaml, if the brief is in a project that has one."""
    root = project_root(brief_folder)
    if root is None or root.absolute() == brief_folder.absolute():
        return None
    library = root / LIBRARY_FILE
    return library if library.is_file() else None


def shared_templates(brief_folder: Path) -> Path | None:
    """The project's shared templates/ folder, for a brief inside a project."""
    root = project_root(brief_folder)
    return None if root is None else root / "templates"
