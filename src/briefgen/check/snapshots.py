"""Saved copies of sources (.txt, .html, .pdf) as plain text, to verify quotations against."""

from __future__ import annotations

import functools
import re
import unicodedata
from pathlib import Path

from ..content.load import read_text
from ..render.html5 import visible_text

SUFFIXES = (".txt", ".html", ".htm", ".pdf")

# What may differ between a source and a faithful quotation of it: Unicode
# forms (NFKC), curly vs straight quotes, dash variants and spacing.
_QUOTES = str.maketrans(
    {
        "‘": "'",
        "’": "'",
        "‚": "'",
        "‛": "'",
        "′": "'",
        "“": '"',
        "”": '"',
        "„": '"',
        "‟": '"',
        "″": '"',
        "‐": "-",
        "‑": "-",
        "‒": "-",
        "–": "-",
        "—": "-",
        "―": "-",
        "−": "-",
    }
)
_SPACE = re.compile(r"\s+")
_HYPHENATED = re.compile(r"(\w)[-‐­]\n\s*(\w)")


class SnapshotError(Exception):
    """A snapshot that cannot be read as text."""


# Compatibility forms that mean something else than their folded form: 10⁵ is
# not 105, ½ is not 12, ② is not 2. Widths, ligatures and spaces do fold.
_DISTINCT_FORMS = ("<super>", "<sub>", "<fraction>", "<circle>")
MAX_PDF_BYTES = 50 * 1024 * 1024
MAX_PDF_PAGES = 2_000
MAX_TEXT_CHARS = 20_000_000


@functools.cache
def _distinct(ch: str) -> bool:
    return unicodedata.decomposition(ch).startswith(_DISTINCT_FORMS)


def fold(text: str) -> str:
    """NFKC, except for superscripts, subscripts, fractions and circled forms."""
    if text.isascii():
        return text
    out: list[str] = []
    start = 0
    for i, ch in enumerate(text):
        if ch > "\x7f" and _distinct(ch):
            out += [unicodedata.normalize("NFKC", text[start:i]), ch]
            start = i + 1
    out.append(unicodedata.normalize("NFKC", text[start:]))
    return "".join(out)


def normalise(text: str) -> str:
    return _SPACE.sub(" ", fold(text).translate(_QUOTES)).strip()


def snapshot_text(path: Path) -> str:
    """The visible text of a snapshot, normalised for comparison."""
    suffix = path.suffix.lower()
    if suffix == ".txt":
        return normalise(read_text(path))
    if suffix in (".html", ".htm"):
        return normalise(visible_text(read_text(path)))
    if suffix == ".pdf":
        return normalise(pdf_text(path))
    raise SnapshotError(f"'{path.name}' is not .txt, .html or .pdf")


def pdf_text(path: Path) -> str:
    """The text of every page, with words hyphenated across a line end joined again.

    A snapshot is a file from anywhere: within limits of size, pages and text,
    and a PDF the parser fails on for any reason is unreadable, never a crash.
    """
    if path.stat().st_size > MAX_PDF_BYTES:
        raise SnapshotError(
            f"'{path.name}' is over {MAX_PDF_BYTES // 2**20} MiB: save the pages that are quoted"
        )
    from pypdf import PdfReader
    from pypdf.errors import LimitReachedError

    texts: list[str] = []
    size = 0
    try:
        reader = PdfReader(path)
        if len(reader.pages) > MAX_PDF_PAGES:
            raise SnapshotError(
                f"'{path.name}' has over {MAX_PDF_PAGES:,} pages: save the pages that are quoted"
            )
        for page in reader.pages:
            texts.append(page.extract_text() or "")
            size += len(texts[-1])
            if size > MAX_TEXT_CHARS:
                raise SnapshotError(
                    f"'{path.name}' holds over {MAX_TEXT_CHARS:,} characters "
                    "of text: save the pages that are quoted"
                )
    except LimitReachedError:
        raise SnapshotError(
            f"'{path.name}' expands to more data than a PDF snapshot may "
            "(a decompression bomb?): save the source again"
        ) from None
    except SnapshotError:
        raise
    except Exception as exc:  # noqa: BLE001  (a parser of files from anywhere: any failure is "unreadable")
        raise SnapshotError(
            f"'{path.name}' cannot be read as PDF: {type(exc).__name__}: {exc}"
        ) from None
    return _HYPHENATED.sub(r"\1\2", "\n".join(texts))


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
