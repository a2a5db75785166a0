"""Sequences the stages: load → validate → filter → render HTML → render PDF → write.

Builds are incremental: a manifest in the output folder records, for each
output, a hash of everything it depends on (the content its audience sees,
the audience's templates, CSS and fonts, and the versions of the tools), so
an unchanged output is not rendered again. PDFs, the slow part, are laid out
in parallel processes.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import ContentError, Problem, StrictError, UsageError
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
    from ..content.models import Content


@dataclass
class BuildResult:
    written: list[Path] = field(default_factory=list)
    skipped: list[Path] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    seconds: float = 0.0


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
) -> BuildResult:
    """Build the named audiences (all by default) in the named formats (all by default).

    Everything is rendered in memory before anything is written, so a brief
    that fails anywhere leaves the earlier outputs untouched. With `strict`, a
    warning fails the build the same way.
    """
    started = time.perf_counter()
    if not content_dir.is_dir():
        raise UsageError(
            f"no brief folder at '{content_dir}': name the folder holding "
            "brief.yaml (or run 'briefgen new DIR')"
        )
    if templates is not None and not templates.is_dir():
        raise UsageError(f"--templates: no folder at '{templates}'")
    tree = tree_key(content_dir, out_dir, audiences, formats, templates)
    unchanged = None if force else unchanged_outputs(out_dir, tree)
    if unchanged is not None:  # not a byte changed: nothing to load, nothing to render
        for target in unchanged.targets:
            if progress:
                progress("skipped", target)
        result = BuildResult(skipped=unchanged.targets, warnings=unchanged.warnings)
    else:
        selection = Selection(audiences, formats, templates, tree)
        result = _build(content_dir, selection, out_dir, force, strict, jobs, progress)
    _fail_if_strict(result.warnings, strict)
    result.seconds = time.perf_counter() - started
    return result


@dataclass(frozen=True)
class Selection:
    """What the command line asked for, and the hash of every file it could read."""

    audiences: Sequence[str] | None
    formats: Sequence[str] | None
    templates: Path | None
    tree: str


def _build(
    content_dir: Path,
    selection: Selection,
    out_dir: Path,
    force: bool,
    strict: bool,
    jobs: int | None,
    progress: Progress | None,
) -> BuildResult:
    from ..audiences import find_audiences, select_audiences
    from ..clearance import hidden_references
    from ..content.validate import load_content, unknown_audiences
    from ..templates import search_path
    from .budget import over_budget
    from .make import render_all
    from .plan import is_current, plan, stale_outputs
    from .write import remove_own_temporaries, write_outputs

    content, documents = load_content(content_dir)
    found = find_audiences(content_dir, selection.templates)
    problems = unknown_audiences(content, documents, list(found))
    if problems:
        raise ContentError(problems)
    roots = search_path(content_dir, selection.templates)
    selected = select_audiences(found, list(selection.audiences or []), roots)
    problems = hidden_references(content, documents, selected)
    if problems:
        raise ContentError(problems)
    result = BuildResult()
    with output_lock(out_dir):
        remove_own_temporaries(out_dir)
        manifest = read_manifest(out_dir)
        planned = plan(content_dir, content, selected, selection.formats, out_dir)
        todo = []
        for job in planned:
            if not force and is_current(job, manifest):
                result.skipped.append(job.target)
                if progress:
                    progress("skipped", job.target)
            else:
                todo.append(job)
        outputs = render_all(todo, jobs, progress)
        result.warnings += over_budget(todo, outputs)  # over budget, not allowed: raises
        for job in todo:
            result.warnings += [
                Problem(job.target, None, None, "", w, "build-warning")
                for w in outputs[job.target].warnings
            ]
        result.warnings += stale_outputs(content, found, planned, manifest, out_dir)
        result.warnings += language_problems(content)
        _fail_if_strict(result.warnings, strict)  # before anything is written
        for job in todo:
            manifest["outputs"][name_of(job.target, out_dir)] = {
                "inputs": job.key,
                "output": digest(outputs[job.target].data),
            }
        record = {
            "key": selection.tree,
            "outputs": [name_of(job.target, out_dir) for job in planned],
            "warnings": [warning_record(w, out_dir) for w in result.warnings],
        }
        if outputs or manifest.get("tree") != record:
            manifest["tree"] = record
            files = {target: out.data for target, out in outputs.items()}
            write_outputs({**files, out_dir / MANIFEST: manifest_bytes(manifest)})
        result.written = [job.target for job in todo]
    return result


def language_problems(content: Content) -> list[Problem]:
    """A language without a catalogue of labels, or without a citation locale."""
    from ..render.csl import note_warnings
    from ..render.i18n import language_warnings

    lang = content.brief.lang
    return [
        Problem(None, None, None, "", message, "language")
        for message in (*language_warnings(lang), *note_warnings(lang))
    ]


def _fail_if_strict(warnings: list[Problem], strict: bool) -> None:
    if strict and warnings:
        raise StrictError(warnings)


def warning_record(warning: Problem, out_dir: Path) -> dict[str, str]:
    """A warning as the manifest keeps it, to repeat when the next build has nothing to do."""
    where = warning.file.relative_to(out_dir).as_posix() if warning.file else ""
    return {"file": where, "message": warning.message, "code": warning.code}
