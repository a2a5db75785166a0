"""Makes each planned output: web pages here, PDFs in worker processes when there are
cores to spare. Rendering returns bytes; only the writer touches the disk."""

from __future__ import annotations

import functools
import gc
import os
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import LayoutError, OutputError, display_path
from .plan import Job

if TYPE_CHECKING:
    from ..audiences import Audience
    from ..document.model import Document
    from ..render.fonts import Gap

Progress = Callable[[str, Path], None]  # ("built" | "skipped", output path)


@dataclass(frozen=True)
class Rendered:
    """An output's bytes, and the warnings met while making it."""

    data: bytes
    warnings: tuple[str, ...] = ()
    pages: int = 0  # of a PDF
    sections: tuple[tuple[str, float], ...] = ()  # the pages each section of a PDF takes
    gaps: tuple[Gap, ...] = ()  # what this machine cannot set, told once per brief

    def with_warnings(self, more: tuple[str, ...]) -> Rendered:
        return replace(self, warnings=(*self.warnings, *more))

    def with_gaps(self, gaps: tuple[Gap, ...]) -> Rendered:
        return replace(self, gaps=gaps)


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
    from ..content.sections import all_statements
    from .workers import pool

    outputs: dict[Path, Rendered] = {}
    engine = pool(workers)
    try:
        # The print HTML is made here and only its layout there, the longest
        # first, so that no core waits at the end.
        pending, gaps = {}, {}
        for job in sorted(pdfs, key=lambda j: -len(all_statements(j.content))):
            html = print_html(job)
            pending[job.target] = engine.apply_async(_layout, (html, job.audience))
            gaps[job.target] = glyph_gaps(html, job)
        for job in pages:
            outputs[job.target] = _done(job, functools.partial(render_job, job), progress)
        for job in pdfs:
            laid_out = _done(job, pending[job.target].get, progress)
            outputs[job.target] = laid_out.with_gaps(gaps[job.target])
        engine.close()
    except BaseException:  # Ctrl-C or an error: the other workers' results are not wanted
        engine.terminate()
        raise
    finally:
        engine.join()
    return outputs


def render_job(job: Job) -> Rendered:
    from ..render.html import check_loads, render_html

    if job.fmt == "html":
        html = render_html(job.document(), job.audience, "web")
        check_loads(html, job.audience, "web")
        return Rendered(html.encode())
    if job.fmt == "docx":
        from ..render.word import render_docx  # python-docx loads only when a DOCX is made

        return Rendered(render_docx(job.document(), job.audience))
    html = print_html(job)
    return _layout(html, job.audience).with_gaps(glyph_gaps(html, job))


def pdf_of(document: Document, audience: Audience) -> Rendered:
    """One audience's PDF, made and checked as a build makes it (`serve` shows it)."""
    from ..render.html import render_html

    return _layout(render_html(document, audience, "print"), audience)


def print_html(job: Job) -> str:
    """The HTML a PDF is laid out from: made here, laid out in a worker."""
    from ..render.html import render_html

    return render_html(job.document(), job.audience, "print")


def glyph_gaps(html: str, job: Job) -> tuple[Gap, ...]:
    """What of the PDF no font on this machine draws (empty boxes), or only a fallback
    font does: never printed in silence."""
    from ..render.html import glyph_gaps_of

    return tuple(glyph_gaps_of(html, job.content))


def _layout(print_html: str, audience: Audience) -> Rendered:
    """Check what the page loads, then lay it out: both in the PDF worker, off the
    critical path of the main process."""
    # What making the document and its pages left in reference cycles waits for a full
    # collection, which a process of many objects seldom runs. Run it now, before the
    # engine's modules load: they and the layout, the step that needs the most memory,
    # then fill the memory it frees instead of new memory (a tenth of the peak on a
    # long brief, measured by bench/run.py).
    gc.collect()
    from ..render.html import asset_base, asset_roots, attributed, check_loads
    from ..render.pdf import render_pdf  # WeasyPrint loads only when a PDF is made

    check_loads(print_html, audience, "print")
    sections = audience.config.sections
    laid_out = render_pdf(print_html, asset_base(audience), asset_roots(audience), sections)
    engine = [attributed(w, audience) for w in laid_out.engine if not _reported_before(w)]
    warnings = (*laid_out.fixes_missing, *engine)
    if laid_out.problems:
        said = "; ".join(laid_out.problems[:5])
        more = f" (and {len(laid_out.problems) - 5} more)" if len(laid_out.problems) > 5 else ""
        message = f"the {audience.name} PDF fails its own layout check: {said}{more}"
        if not audience.config.allow_layout_problems:
            raise LayoutError(
                f"{message}: shorten or split what stands there, or set "
                "allow_layout_problems: true in the audience's audience.yaml to ship it anyway"
            )
        warnings = (*warnings, message)
    return Rendered(laid_out.pdf, warnings, laid_out.pages, laid_out.sections)


def _reported_before(engine_warning: str) -> bool:
    """The engine's note of a glyph no font has: already reported before the layout,
    with the statement it stands in, wherever the machine's fonts can be listed."""
    from ..render.fonts import coverage

    return ".notdef glyph" in engine_warning and coverage() is not None


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
