"""Saved copies of sources (.txt, .html, .pdf) as plain text, to verify quotations against."""

from __future__ import annotations

import re
import unicodedata
from html.parser import HTMLParser
from pathlib import Path

from .load import read_text

SUFFIXES = (".txt", ".html", ".htm", ".pdf")

# What may differ between a source and a faithful quotation of it: Unicode
# forms (NFKC), curly vs straight quotes, dash variants and spacing.
_QUOTES = str.maketrans({"‘": "'", "’": "'", "‚": "'", "‛": "'", "′": "'",
                         "“": '"', "”": '"', "„": '"', "‟": '"', "″": '"',
                         "‐": "-", "‑": "-", "‒": "-", "–": "-", "—": "-", "―": "-", "−": "-"})
_SPACE = re.compile(r"\s+")
_HYPHENATED = re.compile(r"(\w)[-‐­]\n\s*(\w)")


class SnapshotError(Exception):
    """A snapshot that cannot be read as text."""


def normalise(text: str) -> str:
    return _SPACE.sub(" ", unicodedata.normalize("NFKC", text).translate(_QUOTES)).strip()


def snapshot_text(path: Path) -> str:
    """The visible text of a snapshot, normalised for comparison."""
    suffix = path.suffix.lower()
    if suffix == ".txt":
        return normalise(read_text(path))
    if suffix in (".html", ".htm"):
        return normalise(html_text(read_text(path)))
    if suffix == ".pdf":
        return normalise(pdf_text(path))
    raise SnapshotError(f"'{path.name}' is not .txt, .html or .pdf")


class _VisibleText(HTMLParser):
    """Text a reader sees: no scripts, styles or markup; entities decoded."""

    HIDDEN = {"script", "style", "template", "head", "title", "svg"}
    BLOCKS = {"p", "div", "br", "li", "tr", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6",
              "section", "article", "blockquote", "header", "footer", "ul", "ol", "table"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.HIDDEN:
            self._hidden += 1
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.HIDDEN:
            self._hidden = max(0, self._hidden - 1)
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def html_text(html: str) -> str:
    parser = _VisibleText()
    parser.feed(html)
    parser.close()
    return "".join(parser.parts)


def pdf_text(path: Path) -> str:
    """The text of every page, with words hyphenated across a line end joined again."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        text = "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)
    except (PdfReadError, ValueError, OSError) as exc:
        raise SnapshotError(f"'{path.name}' cannot be read as PDF: {exc}") from None
    return _HYPHENATED.sub(r"\1\2", text)


def closest_passage(quote: str, text: str) -> tuple[str, float]:
    """The passage of `text` most like `quote`, and how alike they are (0–100)."""
    from rapidfuzz import fuzz

    found = fuzz.partial_ratio_alignment(quote, text)
    if found is None:
        return "", 0.0
    start, end = found.dest_start, found.dest_end
    while start < end and text[start].isspace():
        start += 1
    while start > 0 and not text[start - 1].isspace():  # widen to whole words
        start -= 1
    while end < len(text) and not text[end].isspace():
        end += 1
    return text[start:end].strip(), found.score
