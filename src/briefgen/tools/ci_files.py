"""briefgen ci init: the GitHub Actions workflow and the GitLab pipeline of a repository
of briefs, from the templates in tools/ci/."""

from __future__ import annotations

from importlib import metadata
from pathlib import Path

from ..errors import UsageError, display_path
from ..pipeline.write import write_outputs
from ..project import is_brief, open_project
from ..review.git import repository_root

TEMPLATES = Path(__file__).parent / "ci"
TARGETS = {"github.yml": ".github/workflows/briefs.yml", "gitlab.yml": ".gitlab-ci.yml"}


def default_install() -> str:
    """The briefgen the CI jobs install: this one."""
    try:
        return f"briefgen=={metadata.version('briefgen')}"
    except metadata.PackageNotFoundError:
        return "briefgen"


def ci_files(briefs: str, install: str) -> dict[str, str]:
    """Each CI file's path in the repository, and its text."""
    return {
        target: (TEMPLATES / name)
        .read_text(encoding="utf-8")
        .replace("@BRIEFS@", briefs)
        .replace("@INSTALL@", install)
        for name, target in TARGETS.items()
    }


def write_ci(
    folder: Path, root: Path | None = None, install: str | None = None, force: bool = False
) -> tuple[list[Path], list[Path]]:
    """Write the CI files for the briefs at `folder` into the repository's top (or `root`).
    Returns (written, left as they were): an existing file is kept unless `force`."""
    if not folder.is_dir():
        raise UsageError(f"no folder at '{folder}'")
    if not is_brief(folder):
        open_project(folder)  # a folder with no brief under it is a usage error
    root = root or repository_root(folder) or Path.cwd()
    try:
        briefs = folder.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        raise UsageError(f"'{folder}' is not inside the repository at '{root}'") from None
    written, kept, files = [], [], {}
    for target, text in ci_files(briefs, install or default_install()).items():
        path = root / target
        refuse_links(path, root)
        if path.exists() and not force:
            kept.append(path)
            continue
        files[path] = text.encode("utf-8")
        written.append(path)
    write_outputs(files)
    return written, kept


def refuse_links(path: Path, root: Path) -> None:
    """Never write through a link: a CI file, or a folder on its way, that is a symlink
    could point anywhere on the machine."""
    top = root.resolve()
    for step in (path, *path.parents):
        if step == root or not step.is_relative_to(root):
            break
        if step.is_symlink():
            raise UsageError(
                f"'{display_path(step)}' is a symbolic link: briefgen writes no file through "
                "a link; remove the link and run the command again"
            )
    if not path.parent.resolve().is_relative_to(top) and path.parent.exists():
        raise UsageError(f"'{display_path(path.parent)}' is outside the repository")
