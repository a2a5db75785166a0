"""Reading briefs back from PDF: what a reader sees, not the bytes."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pdfplumber

CALL_MAX_SIZE = 7.0  # footnote calls are set at 6.5 pt, body text at 9.5 pt and up
NOTE_SIZE = (7.0, 7.6)  # note text is 7.3 pt


def pdf_text(path: Path, layout: bool = True) -> str:
    """The PDF's text as pdftotext gives it: laid out as on the page, or in reading order."""
    args = ["pdftotext", *(["-layout"] if layout else []), str(path), "-"]
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


@dataclass(frozen=True)
class Mark:
    number: int
    page: int
    top: float


def _numbers(chars: list[dict[str, Any]], page: int) -> list[Mark]:
    """Runs of adjacent digit characters, as numbers with their page and height."""
    marks: list[Mark] = []
    run: list[dict[str, Any]] = []
    for ch in chars + [{"text": "", "x0": 1e9, "x1": 1e9, "top": -1, "size": 0}]:
        if run and (
            not ch["text"].isdigit()
            or abs(ch["top"] - run[-1]["top"]) > 0.5
            or ch["x0"] - run[-1]["x1"] > 1.0
        ):
            marks.append(Mark(int("".join(c["text"] for c in run)), page, run[0]["top"]))
            run = []
        if ch["text"].isdigit():
            run.append(ch)
    return marks


def footnote_marks(path: Path) -> tuple[list[Mark], list[Mark], list[float]]:
    """(calls, notes, body_bottoms): note calls in the text, note markers at the foot,
    and for each page the lowest point of the body text."""
    calls: list[Mark] = []
    notes: list[Mark] = []
    bottoms: list[float] = []
    with pdfplumber.open(path) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            chars = page.chars
            small = [c for c in chars if c["size"] < CALL_MAX_SIZE and "Bold" not in c["fontname"]]
            calls += [m for m in _numbers(small, number)]
            bold_notes = [
                c
                for c in chars
                if NOTE_SIZE[0] <= c["size"] <= NOTE_SIZE[1] and "Bold" in c["fontname"]
            ]
            notes += _note_markers(bold_notes, chars, number)
            body = [c["bottom"] for c in chars if c["size"] >= 9 and c["top"] < page.height - 60]
            bottoms.append(max(body, default=0.0))
    return calls, notes, bottoms


def _note_markers(bold: list[dict[str, Any]], chars: list[dict[str, Any]], page: int) -> list[Mark]:
    # A note marker is a bold number followed by a full stop, at the start of a note.
    marks = []
    for mark in _numbers(bold, page):
        following = [c for c in chars if abs(c["top"] - mark.top) < 0.5]
        text = "".join(c["text"] for c in following)
        if f"{mark.number}." in text:
            marks.append(mark)
    return marks


def body_text(path: Path) -> str:
    """The body text (the serif face) in the order it was laid out, without notes,
    calls, headings, list numbers, running headers and footers (all in the sans face)."""
    with pdfplumber.open(path) as pdf:
        return "".join(
            c["text"]
            for page in pdf.pages
            for c in page.chars
            if c["size"] >= 8.5 and "Charis" in c["fontname"]
        )


def bookmark_titles(path: Path) -> list[str]:
    """Every bookmark's title, nested ones included."""
    import pypdf

    def titles(outline: list[Any]) -> list[str]:
        return [
            t
            for item in outline
            for t in (titles(item) if isinstance(item, list) else [str(item.title)])
        ]

    return titles(pypdf.PdfReader(path).outline)


def everything_in_pdf(path: Path) -> str:
    """Text, Info and XMP metadata and bookmarks: every place a reader or a tool finds words."""
    import subprocess

    import pypdf

    text = subprocess.run(
        ["pdftotext", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    reader = pypdf.PdfReader(path)
    info = " ".join(str(v) for v in (reader.metadata or {}).values())
    xmp = catalog(path)["/Metadata"].get_object().get_data().decode()
    return " ".join([text, info, xmp, *bookmark_titles(path), *strings_in(reader)])


def strings_in(reader: Any) -> list[str]:
    """Every string of every object reachable from the trailer: alt texts and other
    entries of the structure tree, names of destinations, annotations' contents."""
    import pypdf.generic as g

    found: list[str] = []
    seen: set[int] = set()
    stack: list[Any] = [reader.trailer]
    while stack:
        node = stack.pop()
        if isinstance(node, g.IndirectObject):
            if node.idnum in seen:
                continue
            seen.add(node.idnum)
            node = node.get_object()
        if isinstance(node, g.TextStringObject | g.ByteStringObject | g.NameObject):
            found.append(str(node))
        elif isinstance(node, dict):
            stack += [*node.keys(), *node.values()]
        elif isinstance(node, list):
            stack += node
    return found


def catalog(path: Path) -> Any:
    """The PDF's document catalog (/Root): its language, metadata and structure."""
    import pypdf

    return pypdf.PdfReader(path).trailer["/Root"]


def info(path: Path, key: str) -> str:
    """One entry of the PDF's document information, such as /CreationDate."""
    import pypdf

    metadata = pypdf.PdfReader(path).metadata
    assert metadata is not None
    return str(metadata[key])


@dataclass(frozen=True)
class Line:
    """A line of a page's body (not a running header or footer, not a note)."""

    page: int
    top: float
    chars: tuple[dict[str, Any], ...]

    @property
    def text(self) -> str:
        out, last = "", None
        for c in self.chars:
            if last is not None and c["x0"] - last > 1.5:
                out += " "
            out += c["text"]
            last = c["x1"]
        return out

    @property
    def is_heading(self) -> bool:
        """A heading (the sans face, bold, 10 pt and up) or a caption or column header
        (small bold capitals)."""
        bold = all("Inter-Bold" in c["fontname"] for c in self.chars)
        large = all(c["size"] >= 10 for c in self.chars if c["text"].strip())
        letters = [c["text"] for c in self.chars if c["text"].isalpha()]
        capitals = bool(letters) and all(t.isupper() for t in letters)
        return bold and (large or capitals)


def body_lines(path: Path) -> list[list[Line]]:
    """Each page's body lines, top to bottom: characters larger than notes, between the
    running header and footer, grouped by their baseline."""
    pages = []
    with pdfplumber.open(path) as pdf:
        for number, page in enumerate(pdf.pages):
            rows: dict[int, list[dict[str, Any]]] = {}
            for c in page.chars:
                if 55 < c["top"] < page.height - 60 and c["size"] > NOTE_SIZE[1]:
                    rows.setdefault(round(c["bottom"]), []).append(c)
            merged: list[list[dict[str, Any]]] = []
            last_key = None
            for key in sorted(rows):
                if merged and last_key is not None and key - last_key <= 2:
                    merged[-1] += rows[key]
                else:
                    merged.append(list(rows[key]))
                last_key = key
            lines = [
                Line(number, min(c["top"] for c in row), tuple(sorted(row, key=lambda c: c["x0"])))
                for row in merged
            ]
            pages.append(lines)
    return pages
