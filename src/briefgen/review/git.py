"""Versions of a brief folder from git revisions, for `briefgen diff --rev A..B`."""

from __future__ import annotations

import io
import subprocess
import tarfile
from pathlib import Path

from ..errors import UsageError


def revisions(spec: str) -> tuple[str, str]:
    """'main..HEAD' → ('main', 'HEAD'); 'HEAD~1' alone means 'HEAD~1..' the work tree."""
    old, sep, new = spec.partition("..")
    if not old:
        raise UsageError(f"--rev '{spec}': give OLD..NEW, e.g. main..HEAD")
    return old, new if sep else ""


def export(folder: Path, rev: str, target: Path) -> Path:
    """The repository holding `folder`, as it was at `rev`, unpacked into `target`;
    returns where `folder` is in it. The whole tree, so that templates beside the
    brief come along."""
    top = git(folder, "rev-parse", "--show-toplevel").decode().strip()
    inside = folder.resolve().relative_to(Path(top).resolve())
    # From the top: run in a subfolder, git archive would hold that subfolder alone.
    archive = git(Path(top), "archive", "--format=tar", rev)
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(target, filter="data")  # no links out, no absolute paths
    return target / inside


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
        raise UsageError(f"git {args[0]}: {message[-1] if message else exc}") from None
    return done.stdout
