"""Sequences the stages: load → validate → filter → render HTML → render PDF → write.

Builds are incremental: a manifest in the output folder records, for each
output, a hash of everything it depends on (the content its audience sees,
the audience's templates, CSS and fonts, and the versions of the tools), so
an unchanged output is not rendered again. PDFs, the slow part, are laid out
in parallel processes.

A project (see project.py) builds each brief to OUT/<brief>/ with a manifest of
its own, so each is incremental on its own; the PDFs of every brief with work
to do share one pool of processes; and each audience gets an index page,
OUT/<audience>/index.html. A brief built alone gets one too, listing it, so that
a published folder always has a page to open.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import ContentError, Problem, StrictError, UsageError
from ..project import BriefRef, Project, open_project
from .lock import output_lock

# Nothing heavier loads before an up-to-date build has returned: the content's
# modules, the templates and the engines load in _build, when there is work.
from .make import Progress
from .manifest import (
    MANIFEST,
    digest,
    manifest_bytes,
    read_manifest,
    tree_key,
    unchanged_outputs,
)
from .plan import name_of

if TYPE_CHECKING:
    from ..audiences import Audience
    from ..content.models import Content
    from .make import Rendered
    from .plan import Job


@dataclass
class BuildResult:
    written: list[Path] = field(default_factory=list)
    skipped: list[Path] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    removed: list[tuple[Path, str]] = field(default_factory=list)  # and why
    seconds: float = 0.0

    def add(self, other: BuildResult) -> None:
        self.written += other.written
        self.skipped += other.skipped
        self.warnings += other.warnings
        self.removed += other.removed


@dataclass(frozen=True)
class Selection:
    """What the command line asked for, and the hash of every file it could read."""

    audiences: Sequence[str] | None
    formats: Sequence[str] | None
    templates: Path | None
    tree: str


@dataclass(frozen=True)
class Unit:
    """One brief of a build, and the folder its outputs go to."""

    name: str | None  # its name in a project; None for a brief built alone
    folder: Path
    out_dir: Path


def build(
    content_dir: Path,
    *,
    audiences: Sequence[str] | None = None,
    formats: Sequence[str] | None = None,
    out_dir: Path = Path("build"),
    templates: Path | None = None,
    force: bool = False,
    strict: bool = False,
    jobs: int | None = None,
    progress: Progress | None = None,
    briefs: Sequence[str] | None = None,
) -> BuildResult:
    """Build the named audiences (all by default) in the named formats (all by default),
    of one brief folder or of every brief of a project (or those named in `briefs`).

    Everything is rendered in memory before anything is written, so a build
    that fails anywhere, in any brief, leaves the earlier outputs untouched.
    With `strict`, a warning fails the build the same way.
    """
    started = time.perf_counter()
    if not content_dir.is_dir():
        raise UsageError(
            f"no brief folder at '{content_dir}': name the folder holding "
            "brief.yaml (or run 'briefgen new DIR')"
        )
    if templates is not None and not templates.is_dir():
        raise UsageError(f"--templates: no folder at '{templates}'")
    project = open_project(content_dir, out_dir)
    units = build_units(project, content_dir, out_dir, briefs)
    listed = project or lone(content_dir)  # what the index pages list
    result, pending = BuildResult(), []
    seen: dict[Path, str] = {}  # template folders hashed once for every brief
    for unit in units:
        tree = tree_key(unit.folder, unit.out_dir, audiences, formats, templates, seen)
        unchanged = None if force else unchanged_outputs(unit.out_dir, tree)
        if unchanged is None:
            pending.append((unit, Selection(audiences, formats, templates, tree)))
            continue
        for target in unchanged.targets:  # not a byte changed: nothing to load or render
            if progress:
                progress("skipped", target)
        result.add(BuildResult(skipped=unchanged.targets, warnings=unchanged.warnings))
    _fail_if_strict(result.warnings, strict)
    if pending or _index_stale(listed, out_dir):
        loaded = _load_all(pending)  # a brief with errors stops the build before any folder
        with output_lock(out_dir):
            result.add(_build(loaded, listed, out_dir, force, strict, jobs, progress))
    result.seconds = time.perf_counter() - started
    return result


def lone(content_dir: Path) -> Project:
    """A brief built alone, as the one brief of its index pages: a site with one brief
    still has a page at OUT/<audience>/index.html to open."""
    return Project(content_dir, (BriefRef("", content_dir),))


def build_units(
    project: Project | None, content_dir: Path, out_dir: Path, briefs: Sequence[str] | None
) -> list[Unit]:
    """The briefs to build and where each goes: OUT/ for a lone brief, OUT/<brief>/ in a
    project."""
    if project is None:
        # A lone brief's one name is its folder's (what `briefgen changed` lists).
        if briefs and set(briefs) != {content_dir.absolute().name}:
            raise UsageError(f"--brief: '{content_dir}' is one brief, not a project of briefs")
        return [Unit(None, content_dir, out_dir)]
    refs = [project.brief(name) for name in briefs] if briefs else list(project.briefs)
    units = [Unit(ref.name, ref.folder, out_dir / ref.name) for ref in dict.fromkeys(refs)]
    for unit in units:  # outputs go under --out only: a brief's name never climbs out
        if ".." in Path(unit.name or "").parts or Path(unit.name or "").is_absolute():
            raise UsageError(f"brief '{unit.name}': its name leaves the output folder")
    return units


@dataclass
class Loaded:
    """A brief loaded and validated, with the audiences it is built for."""

    unit: Unit
    selection: Selection
    content: Content
    found: dict[str, Audience]
    selected: list[Audience]
    warnings: list[Problem]


@dataclass
class Prepared:
    """A brief planned: what it has to make, and the manifest of its last build."""

    loaded: Loaded
    planned: list[Job]
    todo: list[Job]
    manifest: dict[str, Any]


def _load_all(pending: list[tuple[Unit, Selection]]) -> list[Loaded]:
    """Every brief with work to do, loaded; every brief's problems, named by their files."""
    loaded, problems = [], []
    for unit, selection in pending:
        try:
            loaded.append(_load(unit, selection))
        except ContentError as exc:
            problems += exc.problems
    if problems:
        raise ContentError(problems)
    return loaded


def _load(unit: Unit, selection: Selection) -> Loaded:
    from ..opening import open_brief

    brief = open_brief(unit.folder, selection.templates, only=list(selection.audiences or []))
    try:
        selected = brief.select(list(selection.audiences or []), selection.templates)
        _makes_something(selected, selection.formats)
    except UsageError as exc:
        raise UsageError(f"brief '{unit.name}': {exc}" if unit.name else str(exc)) from None
    return Loaded(unit, selection, brief.content, brief.audiences, selected, brief.warnings)


def _makes_something(selected: list[Audience], formats: Sequence[str] | None) -> None:
    """`-a public -f docx`, where the public audience makes no Word file: say so, rather
    than build nothing and report success."""
    if not formats or any(f in a.config.formats for a in selected for f in formats):
        return
    made = "; ".join(f"'{a.name}' makes {', '.join(a.config.formats)}" for a in selected)
    raise UsageError(
        f"nothing to build: {made}, not {', '.join(formats)}; add the format to the "
        "audience's formats in its audience.yaml, or choose another --format"
    )


def _build(
    loaded: list[Loaded],
    project: Project,
    out_dir: Path,
    force: bool,
    strict: bool,
    jobs: int | None,
    progress: Progress | None,
) -> BuildResult:
    from .make import render_all
    from .write import write_outputs

    prepared = [_plan(brief, force, progress) for brief in loaded]
    outputs = render_all([job for p in prepared for job in p.todo], jobs, progress)
    result, files = BuildResult(), dict[Path, bytes | None]()
    for brief in prepared:
        todo = {id(job) for job in brief.todo}
        result.skipped += [job.target for job in brief.planned if id(job) not in todo]
        result.warnings += _finish(brief, outputs, files, result.removed)
        result.written += [job.target for job in brief.todo]
    if outputs:
        result.warnings += patch_problems()
    _fail_if_strict(result.warnings, strict)  # before anything is written
    from .index import index_pages

    files.update(index_pages(project, out_dir, files))
    write_outputs(files)
    return result


def _plan(brief: Loaded, force: bool, progress: Progress | None) -> Prepared:
    from .plan import is_current, plan
    from .write import remove_own_temporaries

    out_dir = brief.unit.out_dir
    remove_own_temporaries(out_dir)
    manifest = read_manifest(out_dir)
    formats = brief.selection.formats
    planned = plan(brief.unit.folder, brief.content, brief.selected, formats, out_dir)
    todo = []
    for job in planned:
        if not force and is_current(job, manifest):
            if progress:
                progress("skipped", job.target)
        else:
            todo.append(job)
    return Prepared(brief, planned, todo, manifest)


def _finish(
    brief: Prepared,
    outputs: dict[Path, Rendered],
    files: dict[Path, bytes | None],
    removed: list[tuple[Path, str]],
) -> list[Problem]:
    """The brief's warnings; its outputs and manifest added to `files` (None: an output
    to take away, with why in `removed`)."""
    from .budget import over_budget
    from .index import index_entries
    from .plan import outdated_outputs, visibility_keys

    unit, manifest = brief.loaded.unit, brief.manifest
    content = brief.loaded.content
    warnings = over_budget(brief.todo, outputs)  # over budget, not allowed: raises
    for job in brief.todo:
        warnings += [
            Problem(job.target, None, None, "", w, "build-warning")
            for w in outputs[job.target].warnings
        ]
    warnings += font_problems(brief.todo, outputs)
    outdated = outdated_outputs(content, brief.loaded.found, brief.planned, manifest, unit.out_dir)
    warnings += outdated.stale
    warnings += language_problems(content) + brief.loaded.warnings
    for name, why in outdated.withdrawn.items():  # taken away by this build, and said so
        files[unit.out_dir / name] = None
        del manifest["outputs"][name]
        removed.append((unit.out_dir / name, why))
    shown = manifest.setdefault("shown", {})
    for job in {job.audience.name: job for job in brief.planned}.values():
        shown[job.audience.name] = sorted(visibility_keys(content, job.content)[0])
    for job in brief.todo:
        manifest["outputs"][name_of(job.target, unit.out_dir)] = {
            "inputs": job.key,
            "output": digest(outputs[job.target].data),
        }
    record = {
        "key": brief.loaded.selection.tree,
        "outputs": [name_of(job.target, unit.out_dir) for job in brief.planned],
        "warnings": [warning_record(w, unit.out_dir) for w in warnings],
    }
    selected = [a.name for a in brief.loaded.selected]
    index = index_entries(
        brief.planned, brief.todo, selected, unit.out_dir, manifest.get("index"), outdated.withdrawn
    )
    changed = brief.todo or outdated.withdrawn
    if changed or manifest.get("tree") != record or manifest.get("index") != index:
        manifest["tree"], manifest["index"] = record, index
        files.update({job.target: outputs[job.target].data for job in brief.todo})
        files[unit.out_dir / MANIFEST] = manifest_bytes(manifest)
    return warnings


def font_problems(todo: list[Job], outputs: dict[Path, Rendered]) -> list[Problem]:
    """What this machine cannot set in the brief's PDFs: one warning per font package
    that would mend it, for every audience together, at the first PDF it touches."""
    from ..render.fonts import merged

    gaps = [(job.target, gap) for job in todo for gap in outputs[job.target].gaps]
    first: dict[tuple[str, str], Path] = {}
    for target, gap in gaps:
        first.setdefault((gap.package, gap.kind), target)
    return [
        Problem(first[(gap.package, gap.kind)], None, None, "", gap.message(), "build-warning")
        for gap in merged(gap for _, gap in gaps)
    ]


def _index_stale(project: Project, out_dir: Path) -> bool:
    """Whether an index page is missing or differs from what the manifests say: only
    then does a build with nothing else to do write one."""
    from .index import index_pages

    for path, data in index_pages(project, out_dir, {}).items():
        if data is None or not path.is_file() or path.read_bytes() != data:
            return True
    return False


def language_problems(content: Content) -> list[Problem]:
    """A language without a catalogue of labels, or without a citation locale."""
    from ..document.csl import note_warnings
    from ..document.i18n import language_warnings

    lang = content.brief.lang
    return [
        Problem(None, None, None, "", message, "language")
        for message in (*language_warnings(lang), *note_warnings(lang))
    ]


def patch_problems() -> list[Problem]:
    """A change briefgen makes to citeproc-py that does not apply to the one installed:
    notes may then not follow their style, and the build says so (--strict fails)."""
    from ..document.citeproc_fixes import missing_warnings

    return [Problem(None, None, None, "", w, "patch-missing") for w in missing_warnings()]


def _fail_if_strict(warnings: list[Problem], strict: bool) -> None:
    if strict and warnings:
        raise StrictError(warnings)


def warning_record(warning: Problem, out_dir: Path) -> dict[str, str]:
    """A warning as the manifest keeps it, to repeat when the next build has nothing to do."""
    where = ""
    if warning.file is not None:
        # An output's path is kept relative to the output folder; any other file (an
        # audience.yaml) as an absolute path.
        inside = warning.file.absolute().is_relative_to(out_dir.absolute())
        where = (
            warning.file.absolute().relative_to(out_dir.absolute()).as_posix()
            if inside
            else str(warning.file.absolute())
        )
    return {"file": where, "message": warning.message, "code": warning.code}


OPEN_FIRST = (".pdf", ".html", ".docx")


def to_open(outputs: list[Path], out_dir: Path) -> list[Path]:
    """What `build --open` opens: for one brief, each audience's PDF, else its web page,
    else its Word file; for several, each audience's index page (OUT/AUDIENCE/index.html)."""
    from .index import INDEX

    files = [p for p in outputs if p.name != INDEX and p.suffix in OPEN_FIRST]
    folders = {p.parent for p in files}
    if len({folder.parent for folder in folders}) > 1:  # OUT/BRIEF/AUDIENCE, many BRIEFs
        indexes = {out_dir / p.relative_to(out_dir).parts[-2] / INDEX for p in files}
        return sorted(p for p in indexes if p.is_file())
    return [
        min((p for p in files if p.parent == folder), key=lambda p: OPEN_FIRST.index(p.suffix))
        for folder in sorted(folders)
    ]
