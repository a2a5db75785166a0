"""briefgen ci init: the GitHub Actions workflow and the GitLab pipeline of a repository
of briefs, from the templates in tools/ci/."""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ..errors import BriefgenError, UsageError, display_path
from ..locate import PROJECT_FILE, is_brief, project_root
from ..pipeline.write import write_outputs
from ..project import found_briefs, open_project
from ..review.git import repository_root

TEMPLATES = Path(__file__).parent / "ci"
TARGETS = {"github.yml": ".github/workflows/briefs.yml", "gitlab.yml": ".gitlab-ci.yml"}


def default_install() -> str:
    """What the CI jobs pip-install to get this briefgen: where pip recorded it came
    from (PEP 610's direct_url.json), when a runner can reach that too."""
    try:
        recorded = metadata.distribution("briefgen").read_text("direct_url.json")
    except metadata.PackageNotFoundError:
        recorded = None
    spec = install_spec(json.loads(recorded)) if recorded else None
    if spec is None:
        raise NoInstallSpec(
            "the CI files need to say where a runner gets briefgen, and how this one was "
            f"installed ({_origin(recorded)}) does not tell: pass --install SPEC, e.g. "
            "--install 'git+https://git.example.org/tools/briefgen.git@v0.1.0', "
            "--install ./wheels/briefgen-0.1.0-py3-none-any.whl (a wheel committed to the "
            "repository), or --install '--index-url https://pypi.example.org/simple "
            "briefgen==0.1.0' (a private index)"
        )
    return spec


def install_spec(direct_url: dict[str, Any]) -> str | None:
    """A pip argument that installs the same briefgen on another machine: a VCS URL at
    the commit pip checked out, or an archive's https URL with its hash; None for a
    local folder or file, which a runner does not have."""
    url = direct_url.get("url")
    if not isinstance(url, str) or urlsplit(url).scheme not in ("https", "http", "ssh"):
        return None
    vcs = direct_url.get("vcs_info")
    if isinstance(vcs, dict) and vcs.get("vcs") and vcs.get("commit_id"):
        return f"{vcs['vcs']}+{url}@{vcs['commit_id']}"
    archive = direct_url.get("archive_info")
    if isinstance(archive, dict):
        digest = archive.get("hash")  # "sha256=…": pip checks it as a URL fragment
        return f"{url}#{digest}" if isinstance(digest, str) and digest else url
    return None


def checked_install(spec: str) -> str:
    """--install as given, unless it is a bare requirement such as 'briefgen' or
    'briefgen==0.1.0': with no index named, pip would fetch whatever the public index
    holds under that name, in jobs that may publish and read RESTRICTED content."""
    words = spec.split()
    if not words:
        raise NoInstallSpec("--install: empty; name a git URL, a wheel or an index")
    names_a_place = any(
        word.startswith(("-", ".", "/")) or "://" in word or word.endswith((".whl", ".tar.gz"))
        for word in words
    )
    if not names_a_place:
        raise NoInstallSpec(
            f"--install '{spec}' names a package but not where it comes from, so a job "
            "would install whatever the public package index holds under that name: "
            "give a git URL, a wheel path, or --index-url with your index"
        )
    if any(ch in spec for ch in "\n\"'`$;&|<>"):
        raise NoInstallSpec(
            f"--install '{spec}': a pip argument holds no quote, newline or shell sign"
        )
    return spec


def _origin(recorded: str | None) -> str:
    if recorded is None:
        return "from a package index, which pip does not record"
    data = json.loads(recorded)
    editable = " (editable)" if (data.get("dir_info") or {}).get("editable") else ""
    return f"from {data.get('url', 'an unknown place')}{editable}"


class NoInstallSpec(UsageError):
    """No install spec a runner could use: `ci init` exits 2."""


def ci_files(briefs: str, install: str) -> dict[str, str]:
    """Each CI file's path in the repository, and its text."""
    return {
        target: (TEMPLATES / name)
        .read_text(encoding="utf-8")
        .replace("@BRIEFS@", briefs)
        .replace("@INSTALL@", install)
        for name, target in TARGETS.items()
    }


@dataclass
class CiOutcome:
    """What a command did to the CI files, as lines to show."""

    written: list[Path] = field(default_factory=list)
    kept: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def write_ci(
    folder: Path, root: Path | None = None, install: str | None = None, force: bool = False
) -> CiOutcome:
    """Write the CI files for the briefs at `folder` into the repository's top (or `root`).
    An existing file is kept unless `force`. Briefs of the repository that `folder`
    does not cover are named in a note."""
    if not folder.is_dir():
        raise UsageError(f"no folder at '{folder}'")
    if not is_brief(folder):
        open_project(folder)  # a folder with no brief under it is a usage error
    root = root or repository_root(folder) or Path.cwd()
    spec = checked_install(install) if install is not None else default_install()
    outcome = _write(root, _relative(folder, root), spec, force)
    outcome.notes += (
        [_uncovered_note(folder, root, uncovered)]
        if (uncovered := uncovered_briefs(folder, root))
        else []
    )
    return outcome


def cover_new_brief(folder: Path, root: Path, install: str | None) -> CiOutcome:
    """After `new`: CI files that build the new brief with every other. With none yet,
    they are written for the project the brief is in (or for the brief). Existing ones
    whose BRIEFS misses it get BRIEFS widened to the folder holding both."""
    existing = [root / target for target in TARGETS.values() if (root / target).is_file()]
    cover = _project_in(folder, root) or folder
    if not existing:
        try:
            spec = checked_install(install) if install is not None else default_install()
        except NoInstallSpec:
            # Said in one line: whoever writes a first brief may have no CI at all.
            command = f"briefgen ci init {display_path(cover)} --install SPEC"
            return CiOutcome(
                notes=[
                    "no CI files written (where would CI get briefgen?): to add them, "
                    f"run '{command}'"
                ]
            )
        return _write(root, _relative(cover, root), spec, force=False)
    outcome = CiOutcome()
    for path in existing:
        outcome.notes += _widen(path, folder, root)
    return outcome


def _write(root: Path, briefs: str, spec: str, force: bool) -> CiOutcome:
    outcome, files = CiOutcome(), {}
    for target, text in ci_files(briefs, spec).items():
        path = root / target
        refuse_links(path, root)
        if path.exists() and not force:
            outcome.kept.append(path)
            continue
        files[path] = text.encode("utf-8")
        outcome.written.append(path)
    write_outputs(files)
    return outcome


_BRIEFS_LINE = re.compile(r'^(?P<head>\s*BRIEFS:\s*)"(?P<value>[^"\n]*)"', re.M)


def _widen(path: Path, folder: Path, root: Path) -> list[str]:
    """Make the CI file at `path` cover `folder`, saying what changed."""
    refuse_links(path, root)
    text = path.read_text(encoding="utf-8")
    match = _BRIEFS_LINE.search(text)
    shown = display_path(path)
    if match is None:
        return [f"{shown}: no BRIEFS line found; make it cover '{display_path(folder)}'"]
    old = match["value"]
    if _covers(root / old, folder):
        return [f'{shown} covers the new brief (BRIEFS: "{old}")']
    wanted = _project_in(folder, root) or Path(
        os.path.commonpath([(root / old).absolute(), folder.absolute()])
    )
    new = _relative(wanted, root)
    if not _covers(wanted, folder):
        return [
            f"{shown}: BRIEFS \"{old}\" does not cover '{display_path(folder)}', and "
            f'neither would "{new}": list it under briefs: in {PROJECT_FILE}'
        ]
    value = json.dumps(new, ensure_ascii=False)[1:-1]
    text = text[: match.start("value")] + value + text[match.end("value") :]
    write_outputs({path: text.encode("utf-8")})
    return [f'updated {shown}: BRIEFS is now "{new}" (was "{old}"), so CI builds both']


def _project_in(folder: Path, root: Path) -> Path | None:
    """The project the brief is in, when it is inside the repository."""
    found = project_root(folder)
    return found if found is not None and found.is_relative_to(root.absolute()) else None


def font_packages(target: Path) -> list[str]:
    """The Debian font packages CI installs to build the briefs at `target`: from each
    brief's language (its labels) and from the scripts its files hold."""
    from ..render.fonts import packages_for

    if not target.is_dir():
        raise UsageError(f"no brief folder at '{target}'")
    folders = covered_briefs(target)
    if not folders:
        open_project(target)  # says why there is no brief here
    texts, languages = [], set()
    for folder in folders:
        for path in sorted(folder.glob("*.yaml")):
            text = path.read_text(encoding="utf-8", errors="replace")
            texts.append(text)
            if path.name in ("brief.yaml", PROJECT_FILE):
                languages.update(_LANG.findall(text))
        root = project_root(folder)
        for name in (PROJECT_FILE, "sources.yaml") if root else ():
            shared = root / name if root else None
            if shared is not None and shared.is_file():
                text = shared.read_text(encoding="utf-8", errors="replace")
                texts.append(text)
                languages.update(_LANG.findall(text) if name == PROJECT_FILE else [])
    return packages_for("\n".join(texts), {lang.lower() for lang in languages})


# A brief's (or a project's) language: its primary subtag is all that picks fonts.
_LANG = re.compile(r"^lang:\s*[\"']?([A-Za-z]{2,3})\b", re.M)


def _covers(target: Path, folder: Path) -> bool:
    return folder.absolute() in {f.absolute() for f in covered_briefs(target)}


def covered_briefs(target: Path) -> list[Path]:
    """The brief folders that `briefgen check TARGET` goes through."""
    if not target.is_dir():
        return []
    if is_brief(target):
        return [target]
    try:
        project = open_project(target)
    except BriefgenError:
        return []
    return [ref.folder for ref in project.briefs] if project else []


IGNORE_FILE = ".briefgenignore"


def uncovered_briefs(target: Path, root: Path | None = None) -> list[Path]:
    """The brief folders of the repository that CI checking `target` would never see,
    but for those under a folder that the repository's .briefgenignore names (one
    folder from the top a line, such as test fixtures: briefs never to publish)."""
    root = root or repository_root(target) or Path.cwd()
    covered = {f.absolute() for f in covered_briefs(target)}
    ignored = _ignored(root)
    return [
        ref.folder
        for ref in found_briefs(root, None)
        if ref.folder.absolute() not in covered
        and not any(Path(ref.name).is_relative_to(folder) for folder in ignored)
    ]


def _ignored(root: Path) -> list[str]:
    path = root / IGNORE_FILE
    if not path.is_file():
        return []
    lines = path.read_text(encoding="utf-8").splitlines()
    return [s.strip().strip("/") for s in lines if s.strip() and not s.startswith("#")]


def _uncovered_note(target: Path, root: Path, uncovered: list[Path]) -> str:
    names = ", ".join(f"'{_relative(f, root)}'" for f in uncovered[:5])
    more = f" and {len(uncovered) - 5} more" if len(uncovered) > 5 else ""
    return (
        f"CI covers '{display_path(target)}' only; it would never check {names}{more}: "
        "put every brief under one folder (a project) and name that folder"
    )


def _relative(folder: Path, root: Path) -> str:
    try:
        return folder.absolute().relative_to(root.absolute()).as_posix() or "."
    except ValueError:
        try:
            return folder.resolve().relative_to(root.resolve()).as_posix() or "."
        except ValueError:
            raise UsageError(f"'{folder}' is not inside the repository at '{root}'") from None


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
