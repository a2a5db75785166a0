"""Text of one direction inside a note or reference of the other: each name, title, URL
and locator isolated, so that an English source reads in order in an Arabic note, and
an Arabic one in an English note.

Left alone, the Unicode bidi algorithm resolves the neutral characters between
two runs by their neighbours: two English authors joined by the Arabic "و" read
in the wrong order, and a URL followed by Arabic punctuation splits across both
ends of a line. Each run of the other direction is wrapped in an isolate (LRI or
RLI … PDI), which both the web page and the PDF engine honour; punctuation between
runs stays in the note's own direction.
"""

from __future__ import annotations

import re
import unicodedata

from markupsafe import Markup

LRI, RLI, PDI = "\u2066", "\u2067", "\u2069"
# A run ends at a field separator (", " "; " ": " ". ") or at a word of the note's
# own direction; what is left is the runs of the other one.
_SEPARATOR = re.compile(r"([,;:.،؛]\s+|\s+[–—]\s+)")
_TAG = re.compile(r"(<[^>]*>)")


def _strong(char: str) -> str | None:
    kind = unicodedata.bidirectional(char)
    if kind == "L":
        return "ltr"
    if kind in ("R", "AL"):
        return "rtl"
    return None


def isolated(html: Markup | str, direction: str) -> Markup:
    """`html` (a note, a reference) with each run of the other direction isolated."""
    other = "ltr" if direction == "rtl" else "rtl"
    opening = LRI if other == "ltr" else RLI
    out = []
    for piece in _TAG.split(str(html)):
        if piece.startswith("<") or not piece:
            out.append(piece)
            continue
        out.append("".join(_isolate(part, other, opening) for part in _SEPARATOR.split(piece)))
    return Markup("".join(out))


def _isolate(part: str, other: str, opening: str) -> str:
    """A field between separators: its runs of the other direction isolated, word by word
    where a word of the note's direction stands among them ("Jane Doe و Richard Roe")."""
    if _SEPARATOR.fullmatch(part):
        return part
    # Digits with a dash between them ("45–67") read the wrong way round in a
    # right-to-left note unless they stand in a left-to-right run of their own.
    numbers = other == "ltr" and any(c.isdigit() for c in part)
    if not numbers and not any(_strong(c) == other for c in part):
        return part
    words = re.split(r"(\s+)", part)
    out: list[str] = []
    run: list[str] = []
    for word in words:
        kinds = {_strong(c) for c in word} - {None}
        if kinds and other not in kinds:  # a word of the note's own direction ends a run
            out.append(_wrapped("".join(run), opening))
            out.append(word)
            run = []
        else:
            run.append(word)
    out.append(_wrapped("".join(run), opening))
    return "".join(out)


def _wrapped(run: str, opening: str) -> str:
    """A run isolated, its surrounding spaces left outside the isolate."""
    if not run.strip():
        return run
    lead = run[: len(run) - len(run.lstrip())]
    tail = run[len(run.rstrip()) :]
    return f"{lead}{opening}{run.strip()}{PDI}{tail}"
