"""Print HTML → PDF with WeasyPrint, imported only when a PDF is made: it loads slowly."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import weasyprint
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

from ..errors import TemplateError
from . import layout_fixes
from .assets import Refused, asset_path
from .pdf_check import layout_problems, over_notes

layout_fixes.apply()

MAX_DATA_URL = 8 * 1024 * 1024  # a figure's 5 MiB image, in base64


class ConfinedFetcher(URLFetcher):  # type: ignore[misc]  # WeasyPrint ships no types
    """Serves `data:` URLs and files inside the template folders, nothing else: no network,
    no file outside them after symlinks are resolved, never the brief's YAML (see assets).

    Anything else stops the build instead of leaving a silent gap in the PDF.
    """

    def __init__(self, roots: Sequence[Path]) -> None:
        super().__init__(fail_on_errors=True)
        self._roots = [r.resolve() for r in roots]

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        try:
            path = asset_path(url, self._roots)
        except Refused as exc:
            raise FatalURLFetchingError(str(exc)) from None
        if path is None:
            if len(url) > MAX_DATA_URL:
                raise FatalURLFetchingError("an inline data: URL is over 8 MiB")
            return super().fetch(url, headers)
        return URLFetcherResponse(url, path.read_bytes())


# PDF/UA-1: tagged, with language, title and XMP metadata, for screen readers.
OPTIONS = {"pdf_variant": "pdf/ua-1"}
MAX_REPAIRS = 12
BLOCKS = {"p", "li", "tr", "div", "h2", "h3", "h4", "blockquote", "dd", "figure"}


@dataclass
class LaidOut:
    """A PDF, and what the engine had to say about the page that made it."""

    pdf: bytes
    fixes_missing: list[str] = field(default_factory=list)  # layout fixes that did not apply
    engine: list[str] = field(default_factory=list)  # what WeasyPrint warned about the page
    pages: int = 0
    # The height each section takes, in pages, in reading order: for a page budget.
    sections: tuple[tuple[str, float], ...] = ()
    # What the check of its own layout found (see pdf_check): overlaps, clipped text.
    problems: list[str] = field(default_factory=list)


class _EngineWarnings(logging.Handler):
    """WeasyPrint's warnings (a CSS rule it ignored, an image it could not read),
    kept to be reported with the output instead of muted."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = f"the PDF engine says: {record.getMessage()}"
        if message not in self.messages:
            self.messages.append(message)


def render_pdf(
    html: str, base_dir: Path, roots: Sequence[Path], sections: Sequence[str] = ()
) -> LaidOut:
    """Lay out the print HTML; title, authors, date and language come from its <head>.

    Every note must sit on the page of its call. `layout_fixes` stops
    WeasyPrint from moving placed notes on; should a note still stray (or a
    WeasyPrint release leave the fix out), the block holding the first stray
    call is pushed to the next page and the document laid out again. So is a
    heading left at the foot of a page, which `break-after: avoid` does not
    prevent when the line after it moves on to keep a note with its call.
    """
    logger = logging.getLogger("weasyprint")
    logger.setLevel(logging.WARNING)
    heard = _EngineWarnings()
    logger.addHandler(heard)
    try:
        pdf, document, problems = _lay_out(html, base_dir, roots)
    finally:
        logger.removeHandler(heard)
    space = section_space(document, sections)
    fixes = layout_fixes.missing_warnings()
    return LaidOut(pdf, fixes, heard.messages, len(document.pages), space, problems)


def section_space(document: Any, sections: Sequence[str]) -> tuple[tuple[str, float], ...]:
    """How much of the pages each section takes (the elements with those ids), in
    pages: the height of its part on each page over the page's height, summed."""
    space: dict[str, float] = {}
    for page in document.pages:
        for name in sections:
            box = page.anchors.get(name)
            if box is not None:
                space[name] = space.get(name, 0.0) + (box[3] - box[1]) / page.height
    return tuple(space.items())


def _lay_out(html: str, base_dir: Path, roots: Sequence[Path]) -> tuple[bytes, Any, list[str]]:
    source = weasyprint.HTML(
        string=html, base_url=base_dir.resolve().as_uri() + "/", url_fetcher=ConfinedFetcher(roots)
    )
    try:
        document = source.render(**OPTIONS)
        for _ in range(MAX_REPAIRS):
            # One block a page per pass: a later push made needless by an earlier
            # one costs a gap, never a note, and every pass is a full layout.
            root = source.etree_element
            pushed = [push_to_next_page(root, note) for note in stray_notes_by_page(document)]
            pushed += [break_before(block) for block in stranded_headings(document, root)]
            pushed += [push_block(root, e) for e in over_notes(document)]
            if not any(pushed):
                break
            del document  # freed before the next layout, not held beside it
            document = source.render(**OPTIONS)
        problems = layout_problems(document)
        stray, placed = first_stray_note(document)
        if stray is not None and not placed:  # a note that would be lost: never ship that
            raise TemplateError(
                f"a note could not be placed in the PDF: "
                f"“{''.join(stray.itertext())[:80]}…”; shorten it"
            )
        pdf = document.write_pdf(**OPTIONS)
    except FatalURLFetchingError as exc:
        raise TemplateError(str(exc)) from None
    assert isinstance(pdf, bytes)
    return pdf, document, problems


def first_stray_note(document: Any) -> tuple[Any | None, bool]:
    """The first note (its element) whose text is not on the page of its call, and
    whether its text is in the PDF at all."""
    call_page, note_page, order = _note_pages(document)
    stray = next((e for e in order if note_page.get(e) != call_page[e]), None)
    return stray, stray in note_page


def stray_notes_by_page(document: Any) -> list[Any]:
    """On each page, the first note whose text is not on that page."""
    call_page, note_page, order = _note_pages(document)
    first: dict[int, Any] = {}
    for element in order:
        if note_page.get(element) != call_page[element]:
            first.setdefault(call_page[element], element)
    return list(first.values())


def _note_pages(document: Any) -> tuple[dict[Any, int], dict[Any, int], list[Any]]:
    """For each note: the page of its call, the page of its text, in reading order."""
    from weasyprint.formatting_structure.boxes import FootnoteAreaBox

    call_page: dict[Any, int] = {}
    note_page: dict[Any, int] = {}
    order: list[Any] = []
    for number, page in enumerate(document.pages):
        for box in page._page_box.children:
            in_notes = isinstance(box, FootnoteAreaBox)
            for inner in box.descendants():
                element = inner.element
                if element is None or element.get("class") != "footnote":
                    continue
                if inner.element_tag.endswith("::footnote-call") and element not in call_page:
                    call_page[element] = number
                    order.append(element)
                elif in_notes and inner.element_tag == "span":
                    note_page.setdefault(element, number)
    return call_page, note_page, order


def _keeps_with_next(element: Any) -> bool:
    """A heading, a table's caption, or the line of evidence strength under a heading."""
    tag = element.tag if isinstance(element.tag, str) else ""
    return tag in ("h2", "h3", "h4", "caption") or "provenance" in (element.get("class") or "")


def stranded_headings(document: Any, root: Any) -> list[Any]:
    """For each heading whose next element starts on a later page, the block to start on
    that page instead: the heading, with the headings and captions just before it."""
    first = _first_pages(document)
    parents = {child: parent for parent in root.iter() for child in parent}
    blocks: list[Any] = []
    for element in root.iter():
        if not _keeps_with_next(element) or element not in first:
            continue
        siblings = list(parents.get(element, []))
        after = siblings[siblings.index(element) + 1 :] if element in siblings else []
        following = next((e for e in after if e in first), None)
        if following is None or first[following] <= first[element]:
            continue
        block = parents[element] if element.tag == "caption" else element
        block = _run_start(block, parents, first, first[element])
        if block not in blocks:
            blocks.append(block)
    return blocks


def _run_start(block: Any, parents: dict[Any, Any], first: dict[Any, int], page: int) -> Any:
    """The first of the headings (and captioned tables) on `page` that lead up to `block`."""
    siblings = list(parents.get(block, []))
    index = siblings.index(block) if block in siblings else 0
    while index > 0:
        before = siblings[index - 1]
        if not (_keeps_with_next(before) and first.get(before) == page):
            break
        index -= 1
    return siblings[index] if siblings else block


def _first_pages(document: Any) -> dict[Any, int]:
    """The page each element starts on."""
    first: dict[Any, int] = {}
    for number, page in enumerate(document.pages):
        for box in page._page_box.descendants():
            if box.element is not None:
                first.setdefault(box.element, number)
    return first


def break_before(block: Any) -> bool:
    """Start `block` on a new page; False if it already does."""
    if "break-before: page" in (block.get("style") or ""):
        return False
    block.set("style", f"{block.get('style') or ''}; break-before: page".lstrip("; "))
    return True


def push_block(root: Any, element: Any) -> bool:
    """Start the block that is or holds `element` on a new page; False if it already does."""
    if element.tag in BLOCKS:
        return break_before(element)
    return push_to_next_page(root, element)


def push_to_next_page(root: Any, note: Any) -> bool:
    """Start the block that holds `note`'s call on a new page; False if it already does."""
    parents = {child: parent for parent in root.iter() for child in parent}
    block = parents.get(note)
    while block is not None and block.tag not in BLOCKS:
        block = parents.get(block)
    return block is not None and break_before(block)
