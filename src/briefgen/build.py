"""Sequences the stages: load → validate → filter → render HTML → render PDF → write.

Builds are incremental: a manifest in the output folder records, for each
output, a hash of everything it depends on (the content its audience sees,
the audience's templates, CSS and fonts, and the versions of the tools), so
an unchanged output is not rendered again. PDFs, the slow part, are laid out
in parallel processes.
"""

from __future__ import annotations

import functools
import hashlib
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import OutputError, Problem, StrictError, UsageError, display_path
from .lock import output_lock
from .manifest import (
    MANIFEST,
    builtin_templates,
    digest,
    hash_files,
    manifest_bytes,
    read_manifest,
    tool_versions,
    tree_key,
    unchanged_outputs,
)

if TYPE_CHECKING:  # the content's modules load only when there is something to build
    from .audience import Audience
    from .models import Content

__all__ = ["MANIFEST", "BuildResult", "build"]

Progress = Callable[[str, Path], None]  # ("built" | "skipped", output path)


@dataclass
class BuildResult:
    written: list[Path] = field(default_factory=list)
    skipped: list[Path] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    seconds: float = 0.0


@dataclass(frozen=True)
class Job:
    """One output to make: everything a worker process needs, and nothing else."""

    content_dir: Path
    content: Content  # already filtered for the audience
    audience: Audience
    fmt: str
    target: Path
    key: str


@dataclass(frozen=True)
class Rendered:
    """An output's bytes, and the warnings met while making it."""

    data: bytes
    warnings: tuple[str, ...] = ()


def build(
    content_dir: Path,
    *,
    audiences: Sequence[str] | None = None,
    formats: Sequence[str] | None = None,
    out_dir: Path = Path("build"),
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
    tree = tree_key(content_dir, out_dir, audiences, formats)
    unchanged = None if force else unchanged_outputs(out_dir, tree)
    if unchanged is not None:  # not a byte changed: nothing to load, nothing to render
        for target in unchanged.targets:
            if progress:
                progress("skipped", target)
        result = BuildResult(skipped=unchanged.targets, warnings=unchanged.warnings)
    else:
        selection = Selection(audiences, formats, tree)
        result = _build(content_dir, selection, out_dir, force, strict, jobs, progress)
    _fail_if_strict(result.warnings, strict)
    result.seconds = time.perf_counter() - started
    return result


@dataclass(frozen=True)
class Selection:
    """What the command line asked for, and the hash of every file it could read."""

    audiences: Sequence[str] | None
    formats: Sequence[str] | None
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
    from .audience import find_audiences, select_audiences
    from .validate import load_content
    from .write import remove_own_temporaries, write_outputs

    content, _ = load_content(content_dir)
    found = find_audiences(content_dir)
    selected = select_audiences(found, list(selection.audiences or []), content_dir)
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
        for job in todo:
            result.warnings += [
                Problem(job.target, None, None, "", w, "build-warning")
                for w in outputs[job.target].warnings
            ]
        result.warnings += stale_outputs(content, found, planned, manifest, out_dir)
        _fail_if_strict(result.warnings, strict)  # before anything is written
        for job in todo:
            manifest["outputs"][_name(job.target, out_dir)] = {
                "inputs": job.key,
                "output": digest(outputs[job.target].data),
            }
        record = {
            "key": selection.tree,
            "outputs": [_name(job.target, out_dir) for job in planned],
            "warnings": [warning_record(w, out_dir) for w in result.warnings],
        }
        if outputs or manifest.get("tree") != record:
            manifest["tree"] = record
            files = {target: out.data for target, out in outputs.items()}
            write_outputs({**files, out_dir / MANIFEST: manifest_bytes(manifest)})
        result.written = [job.target for job in todo]
    return result


def _fail_if_strict(warnings: list[Problem], strict: bool) -> None:
    if strict and warnings:
        raise StrictError(warnings)


def stale_outputs(
    content: Content,
    found: dict[str, Audience],
    planned: list[Job],
    manifest: dict[str, Any],
    out_dir: Path,
) -> list[Problem]:
    """Outputs of an earlier build that this (partial) build leaves as they were, and
    that no longer match the content: said by name, so nobody ships them unawares."""
    from .audience import filter_content

    built = {_name(job.target, out_dir) for job in planned}
    stale = []
    for name, entry in sorted(manifest["outputs"].items()):
        target = out_dir / name
        if name in built or not target.is_file():
            continue
        audience_name, _, file_name = name.rpartition("/")
        audience = found.get(audience_name)
        fmt = file_name.rpartition(".")[2]
        if audience is None or fmt not in audience.config.formats:
            why = "its audience or format no longer exists"
        else:
            visible = filter_content(content, audience.config)
            if entry.get("inputs") == input_key(visible, audience, fmt):
                continue
            why = "the content changed since it was built"
        stale.append(Problem(None, None, None, "", f"stale: {name} — {why}", "stale-output"))
    return stale


def warning_record(warning: Problem, out_dir: Path) -> dict[str, str]:
    """A warning as the manifest keeps it, to repeat when the next build has nothing to do."""
    where = warning.file.relative_to(out_dir).as_posix() if warning.file else ""
    return {"file": where, "message": warning.message, "code": warning.code}


def plan(
    content_dir: Path,
    content: Content,
    audiences: list[Audience],
    formats: Sequence[str] | None,
    out_dir: Path,
) -> list[Job]:
    from .audience import filter_content

    jobs = []
    for audience in audiences:
        visible = filter_content(content, audience.config)
        for fmt in audience.config.formats:
            if formats and fmt not in formats:
                continue
            target = out_dir / audience.name / f"brief.{fmt}"
            jobs.append(
                Job(content_dir, visible, audience, fmt, target, input_key(visible, audience, fmt))
            )
    return jobs


def input_key(visible: Content, audience: Audience, fmt: str) -> str:
    """A hash of everything the output depends on."""
    from .citations import style_file

    style = style_file(visible.brief.citation_style, visible.folder)
    key = hashlib.sha256()
    for part in (
        fmt,
        audience.name,
        audience.config.model_dump_json(),
        visible.model_dump_json(),
        templates_digest(audience.dirs),
        digest(style.read_bytes()),  # a brief's own .csl file may change
        tool_versions(),
        os.environ.get("SOURCE_DATE_EPOCH", ""),
    ):
        key.update(part.encode())
        key.update(b"\0")
    return key.hexdigest()


@cache
def templates_digest(dirs: tuple[Path, ...]) -> str:
    """Every template, stylesheet and font the audience can load."""
    key = hashlib.sha256()
    for root in (*dirs, builtin_templates() / "_common"):
        hash_files(key, root)
    return key.hexdigest()


def is_current(job: Job, manifest: dict[str, Any]) -> bool:
    """Built from the same inputs, and still the file that was written then."""
    entry = manifest["outputs"].get(_name(job.target, job.target.parents[1]), {})
    if entry.get("inputs") != job.key or not job.target.is_file():
        return False
    return bool(entry.get("output") == digest(job.target.read_bytes()))


def render_all(
    jobs: list[Job], workers: int | None, progress: Progress | None
) -> dict[Path, Rendered]:
    """Render every job; PDFs in parallel processes when there are cores to spare.

    A disk that fills up or a file over its size limit, in briefgen or in the
    engine's own temporary files, is an OutputError naming the output.
    """
    pdfs = [j for j in jobs if j.fmt == "pdf"]
    pages = [j for j in jobs if j.fmt != "pdf"]
    workers = min(workers or os.cpu_count() or 1, len(pdfs))
    outputs: dict[Path, Rendered] = {}
    if workers <= 1:
        # The web pages first: they fill the citation cache the PDFs then use.
        for job in pages + pdfs:
            outputs[job.target] = _done(job, functools.partial(render_job, job), progress)
        return outputs
    return _render_in_parallel(pdfs, pages, workers, progress)


def _render_in_parallel(
    pdfs: list[Job], pages: list[Job], workers: int, progress: Progress | None
) -> dict[Path, Rendered]:
    from .audience import all_statements
    from .workers import pool

    outputs: dict[Path, Rendered] = {}
    engine = pool(workers)
    try:
        # The print HTML is made here and only its layout there, the longest
        # first, so that no core waits at the end.
        pending = {}
        for job in sorted(pdfs, key=lambda j: -len(all_statements(j.content))):
            pending[job.target] = engine.apply_async(_layout, print_job(job))
        for job in pages:
            outputs[job.target] = _done(job, functools.partial(render_job, job), progress)
        for job in pdfs:
            outputs[job.target] = _done(job, pending[job.target].get, progress)
        engine.close()
    except BaseException:  # Ctrl-C or an error: the other workers' results are not wanted
        engine.terminate()
        raise
    finally:
        engine.join()
    return outputs


def render_job(job: Job) -> Rendered:
    from .render import check_loads, render_html

    if job.fmt == "html":
        html = render_html(job.content, job.audience, "web")
        check_loads(html, job.audience, "web")
        return Rendered(html.encode())
    return _layout(*print_job(job))


def print_job(job: Job) -> tuple[str, Audience]:
    """The print HTML and its audience: what a PDF worker needs."""
    from .render import render_html

    return render_html(job.content, job.audience, "print"), job.audience


def _layout(print_html: str, audience: Audience) -> Rendered:
    """Check what the page loads, then lay it out: both in the PDF worker, off the
    critical path of the main process."""
    from .pdf import render_pdf  # WeasyPrint loads only when a PDF is made
    from .render import asset_base, asset_roots, attributed, check_loads

    check_loads(print_html, audience, "print")
    laid_out = render_pdf(print_html, asset_base(audience), asset_roots(audience))
    engine = [attributed(w, audience) for w in laid_out.engine]
    return Rendered(laid_out.pdf, (*laid_out.fixes_missing, *engine))


def _done(job: Job, make: Callable[[], Rendered], progress: Progress | None) -> Rendered:
    try:
        rendered = make()
    except OSError as exc:  # ENOSPC, EFBIG…, here or in a worker
        raise OutputError(
            f"{display_path(job.target)}: could not render ({exc.strerror or exc}); "
            "earlier outputs are unchanged"
        ) from None
    if progress:
        progress("built", job.target)
    return rendered


def _name(target: Path, out_dir: Path) -> str:
    return target.relative_to(out_dir).as_posix()
