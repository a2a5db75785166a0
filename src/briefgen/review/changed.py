"""briefgen changed: which briefs a change touches, as a CI job matrix.

A brief is changed when a file in its folder changed, or a file every brief
reads: the project's briefgen.yaml, its shared templates/ or source library,
a templates/ folder in the brief's search path, or the CI files themselves
(which pin the briefgen that builds). With no revision given, every brief is.
"""

from __future__ import annotations

import heapq
import json
import os
import re
import shlex
from dataclasses import dataclass
from pathlib import Path

from ..errors import UsageError
from ..locate import LIBRARY_FILE, PROJECT_FILE, project_root
from ..project import BriefRef, open_project
from .git import git, repository_root

CI_FILES = (".github/workflows/briefs.yml", ".gitlab-ci.yml")
RETENTION = "7 days"  # of every artifact, which may hold INTERNAL and RESTRICTED outputs


# The most jobs a CI system runs from one matrix or child pipeline: GitHub refuses a
# matrix of more than 256; GitLab, a parallel:matrix of more than 200 (and its Free
# tier runs at most 500 jobs at once, parent pipeline included).
MAX_JOBS = {"github": 256, "gitlab": 200}


@dataclass(frozen=True)
class Changed:
    """A brief to build: its name (as `--brief` takes it, and where its outputs go,
    OUT/<name>/), its folder, and its size (the bytes of its YAML: what a build takes
    time over)."""

    name: str
    folder: str  # from the repository's top, as a CI job sees it
    slug: str  # a name an artifact or a job may carry: no slash
    size: int = 0


@dataclass(frozen=True)
class Shard:
    """The briefs one CI job builds."""

    briefs: tuple[Changed, ...]
    number: int
    of: int

    @property
    def name(self) -> str:
        if len(self.briefs) == 1:
            return self.briefs[0].name
        return f"{self.number}/{self.of}: {len(self.briefs)} briefs from {self.briefs[0].name}"

    @property
    def slug(self) -> str:
        if len(self.briefs) == 1:
            return self.briefs[0].slug
        return f"shard-{self.number:0{len(str(self.of))}d}-of-{self.of}"


def changed_briefs(target: Path, since: str | None) -> list[Changed]:
    project = open_project(target)
    refs = list(project.briefs) if project else [BriefRef(target.absolute().name, target)]
    top = _top(target)
    if since is not None:
        paths = [top / p for p in _changed_paths(target, since)]
        refs = [ref for ref in refs if _touches(ref, paths, top)]
    for ref in refs:
        if "\n" in ref.name or "\r" in ref.name:
            raise UsageError(f"brief folder {ref.name!r}: a line break in a folder name")
    slugs = unique_slugs([ref.name for ref in refs])
    return [
        Changed(
            ref.name,
            Path(os.path.relpath(ref.folder.absolute(), top)).as_posix(),
            slugs[ref.name],
            _size(ref.folder),
        )
        for ref in refs
    ]


def shards(briefs: list[Changed], max_jobs: int) -> list[Shard]:
    """The briefs in at most `max_jobs` groups of about the same size: largest first,
    each to the lightest group so far. The same briefs always give the same groups."""
    if max_jobs < 1:
        raise UsageError(f"--max-jobs: {max_jobs} is not a number of jobs (1 or more)")
    count = min(len(briefs), max_jobs)
    groups: list[list[Changed]] = [[] for _ in range(count)]
    heap = [(0, index) for index in range(count)]
    for brief in sorted(briefs, key=lambda b: (-b.size, b.name)):
        load, index = heapq.heappop(heap)
        groups[index].append(brief)
        heapq.heappush(heap, (load + max(brief.size, 1), index))
    ordered = sorted((sorted(g, key=lambda b: b.name) for g in groups), key=lambda g: g[0].name)
    return [Shard(tuple(group), n, count) for n, group in enumerate(ordered, 1)]


def _size(folder: Path) -> int:
    try:
        return sum(path.stat().st_size for path in folder.glob("*.yaml"))
    except OSError:
        return 0


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


def matrix_json(groups: list[Shard]) -> str:
    """A GitHub Actions matrix, `strategy: {matrix: ${{ fromJSON(...) }}}`: one entry per
    job, with its name, a slug for its artifact, and its briefs one per line (what
    `briefgen build --briefs-from -` reads)."""
    include = [
        {"name": shard.name, "slug": shard.slug, "briefs": "\n".join(b.name for b in shard.briefs)}
        for shard in groups
    ]
    return json.dumps({"include": include}, separators=(",", ":"), ensure_ascii=False)


def build_command(target: str, shard: Shard, lone: bool) -> str:
    """The build of one job's briefs, as a shell line (a lone brief is built whole)."""
    command = ["briefgen", "build", target]
    if not lone:
        for brief in shard.briefs:
            command += ["--brief", brief.name]
    return " ".join(shlex.quote(word) for word in [*command, "--out", "build", "--strict"])


def gitlab_pipeline(target: str, groups: list[Shard], lone: bool) -> str:
    """A GitLab child pipeline: one job per group of briefs, from the template the parent
    defines in BRIEFGEN_* variables (see `briefgen ci init`). Its builds are --strict, as
    the GitHub jobs are."""
    if not groups:
        return (
            "# briefgen changed: no brief to build\n"
            "nothing-to-build:\n  script: ['echo no brief changed']\n"
        )
    lines = [
        f"# briefgen changed: {sum(len(s.briefs) for s in groups)} briefs, {len(groups)} jobs",
        "",
    ]
    for shard in groups:
        lines += [
            f"build {shard.slug}:",
            "  image: $BRIEFGEN_IMAGE",
            "  before_script:",
            '    - eval "$BRIEFGEN_SETUP"',
            "  script:",
            f"    - {json.dumps(build_command(target, shard, lone), ensure_ascii=False)}",
            "  artifacts:",
            f"    name: {json.dumps('briefs-' + shard.slug)}",
            "    paths: [build]",
            f"    expire_in: {RETENTION}",
            "",
        ]
    return "\n".join(lines)


def target_in_repository(target: Path) -> str:
    """The brief or project folder from the repository's top, as a job names it."""
    return Path(os.path.relpath(target.absolute(), _top(target))).as_posix()


__all__ = [
    "MAX_JOBS",
    "Changed",
    "Shard",
    "changed_briefs",
    "gitlab_pipeline",
    "matrix_json",
    "shards",
    "target_in_repository",
]
