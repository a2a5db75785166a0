"""briefgen changed: which briefs a change touches, as a CI job matrix.

A brief is changed when a file in its folder changed, or a file every brief
reads: the project's briefgen.yaml, its shared templates/ or source library,
a templates/ folder in the brief's search path, or the CI files themselves
(which pin the briefgen that builds). With no revision given, every brief is.
"""

from __future__ import annotations

import json
import os
import re
import shlex
from dataclasses import dataclass
from pathlib import Path

from ..errors import UsageError
from ..project import LIBRARY_FILE, PROJECT_FILE, BriefRef, open_project, project_root
from .git import git, repository_root

CI_FILES = (".github/workflows/briefs.yml", ".gitlab-ci.yml")
RETENTION = "7 days"  # of every artifact, which may hold INTERNAL and RESTRICTED outputs


@dataclass(frozen=True)
class Changed:
    """A brief to build: its name (where its outputs go, OUT/<name>/) and its folder."""

    name: str
    folder: str  # from the repository's top, as a CI job sees it
    slug: str  # a name an artifact or a job may carry: no slash


def changed_briefs(target: Path, since: str | None) -> list[Changed]:
    project = open_project(target)
    refs = list(project.briefs) if project else [BriefRef(target.absolute().name, target)]
    top = _top(target)
    if since is not None:
        paths = [top / p for p in _changed_paths(target, since)]
        refs = [ref for ref in refs if _touches(ref, paths, top)]
    slugs = unique_slugs([ref.name for ref in refs])
    return [
        Changed(
            ref.name, Path(os.path.relpath(ref.folder.absolute(), top)).as_posix(), slugs[ref.name]
        )
        for ref in refs
    ]


def unique_slugs(names: list[str]) -> dict[str, str]:
    """A job and artifact name for each brief: ASCII letters, digits, '.', '_' and '-',
    and never the same for two briefs ('2026 grain' and '2026-grain', or two Japanese
    names that have no ASCII letter at all, each get a short hash of their name)."""
    import hashlib
    import unicodedata

    def plain(name: str) -> str:
        ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
        return re.sub(r"[^A-Za-z0-9._-]+", "-", ascii_name).strip("-.").lower()

    base = {name: plain(name) for name in names}
    counts: dict[str, int] = {}
    for slug in base.values():
        counts[slug] = counts.get(slug, 0) + 1
    slugs = {}
    for name, slug in base.items():
        if not slug or counts[slug] > 1:
            tag = hashlib.sha256(name.encode()).hexdigest()[:8]
            slug = f"{slug or 'brief'}-{tag}"
        slugs[name] = slug
    return slugs


def _top(target: Path) -> Path:
    """Where the paths git names start: the repository's top, else the working folder."""
    return (repository_root(target) or Path.cwd()).absolute()


def _changed_paths(target: Path, since: str) -> list[str]:
    """Files changed between the merge base of `since` and HEAD, and in the work tree."""
    if since.startswith("-"):
        raise UsageError(f"--since: '{since}' is not a revision: name a branch, tag or commit")
    base = git(target, "merge-base", "--end-of-options", since, "HEAD").decode().strip()
    # -z: names as they are, not quoted as git quotes non-ASCII ("\\346\\227\\245…").
    names = git(target, "diff", "-z", "--name-only", "--no-renames", base, "--").decode()
    return [name for name in names.split("\0") if name]


def _touches(ref: BriefRef, paths: list[Path], top: Path) -> bool:
    from ..template_search import search_path

    folder = ref.folder.absolute()
    shared = [top / name for name in CI_FILES]
    root = project_root(ref.folder)
    if root is not None:
        shared += [root / PROJECT_FILE, root / LIBRARY_FILE]
    folders = [folder] + [r.folder.absolute() for r in search_path(ref.folder) if not r.builtin]
    return any(p in shared or any(p.is_relative_to(f) for f in folders) for p in paths)


def matrix_json(briefs: list[Changed]) -> str:
    """A GitHub Actions matrix: `strategy: {matrix: ${{ fromJSON(...) }}}`."""
    include = [{"brief": b.name, "folder": b.folder, "slug": b.slug} for b in briefs]
    return json.dumps({"include": include}, separators=(",", ":"), ensure_ascii=False)


def _build_command(brief: Changed) -> str:
    out = shlex.quote(f"build/{brief.name}")
    return f"briefgen build {shlex.quote(brief.folder)} --out {out}"


def gitlab_pipeline(briefs: list[Changed]) -> str:
    """A GitLab child pipeline: one job per brief, from the template the parent defines
    in BRIEFGEN_* variables (see `briefgen ci init`)."""
    if not briefs:
        return (
            "# briefgen changed: no brief to build\n"
            "nothing-to-build:\n  script: ['echo no brief changed']\n"
        )
    lines = ["# briefgen changed: one job per changed brief", ""]
    for brief in briefs:
        lines += [
            f"build {brief.slug}:",
            "  image: $BRIEFGEN_IMAGE",
            "  before_script:",
            '    - eval "$BRIEFGEN_SETUP"',
            "  script:",
            f"    - {json.dumps(_build_command(brief))}",
            "  artifacts:",
            f"    name: {json.dumps('brief-' + brief.slug)}",
            f"    paths: [{json.dumps('build/' + brief.name)}]",
            f"    expire_in: {RETENTION}",
            "",
        ]
    return "\n".join(lines)


__all__ = ["Changed", "changed_briefs", "gitlab_pipeline", "matrix_json"]
