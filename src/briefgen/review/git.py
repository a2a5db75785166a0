"""Versions of a brief folder from git revisions, for `briefgen diff --rev A..B`."""

from __future__ import annotations

import io
import subprocess
import tarfile
from pathlib import Path

from ..errors import UsageError


def revisions(spec: str) -> tuple[str, str]:
    """'main..HEAD' → ('main', 'HEAD'); 'HEAD~1' alone means 'HEAD~1..' the work tree.

    A revision is never an option: one that starts with '-' is refused, and every git
    command ends its options before a revision (`--end-of-options`).
    """
    old, sep, new = spec.partition("..")
    if not old:
        raise UsageError(f"--rev '{spec}': give OLD..NEW, e.g. main..HEAD")
    for rev in (old, new):
        if rev.startswith("-") or any(c in rev for c in "\0\n\r"):
            raise UsageError(f"--rev: '{rev}' is not a revision: name a branch, tag or commit")
    return old, new if sep else ""


def export(folder: Path, rev: str, target: Path) -> Path:
    """The repository holding `folder`, as it was at `rev`, unpacked into `target`;
    returns where `folder` is in it (which may not exist at `rev`). The whole tree, so
    that templates beside the brief come along."""
    top = git(folder, "rev-parse", "--show-toplevel").decode().strip()
    inside = folder.resolve().relative_to(Path(top).resolve())
    commit = git(
        Path(top), "rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}"
    )
    # From the top: run in a subfolder, git archive would hold that subfolder alone.
    archive = git(Path(top), "archive", "--format=tar", "--end-of-options", commit.decode().strip())
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(target, filter=_inside)
    target.mkdir(parents=True, exist_ok=True)
    return target / inside


def _inside(member: tarfile.TarInfo, path: str) -> tarfile.TarInfo | None:
    """Tar's `data` filter (no absolute paths, nothing outside the target), except that a
    link leading out of the tree is left out rather than failing the diff: a snapshot
    folder kept out of git is often an absolute symlink. What it pointed at is missing
    from that version, as it would be in a fresh clone."""
    try:
        return tarfile.data_filter(member, path)
    except (tarfile.AbsoluteLinkError, tarfile.LinkOutsideDestinationError):
        return None


def repository_root(folder: Path) -> Path | None:
    """The top of the git work tree holding `folder`, if it is in one."""
    try:
        return Path(git(folder, "rev-parse", "--show-toplevel").decode().strip())
    except UsageError:  # not in a repository, or no git
        return None


def git(folder: Path, *args: str) -> bytes:
    try:
        done = subprocess.run(["git", "-C", str(folder), *args], check=True, capture_output=True)
    except FileNotFoundError:
        raise UsageError("git is needed here, and is not installed") from None
    except subprocess.CalledProcessError as exc:
        message = exc.stderr.decode(errors="replace").strip().splitlines()
        if args[:2] == ("rev-parse", "--verify"):
            rev = args[-1].removesuffix("^{commit}")
            raise UsageError(f"--rev: no commit '{rev}' in this repository") from None
        raise UsageError(f"git {args[0]}: {message[-1] if message else exc}") from None
    return done.stdout
