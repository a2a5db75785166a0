"""Text of the document: HTML for the templates, and the same as runs (text with how it
is set) for writers that do not speak HTML, such as Word.

Statement text, captions, cells and notes are made as HTML once (the inline markup,
cross-references, abbreviations, citeproc-py's notes); the runs are read from that
HTML here, in the document, so that no writer parses briefgen's HTML again.
"""

from __future__ import annotations

import functools
import html.parser
from dataclasses import dataclass, replace
from typing import Any

from markupsafe import Markup


@dataclass(frozen=True)
class Span:
    """A run of text, and how it is set."""

    text: str
    italic: bool = False
    bold: bool = False
    href: str | None = None
    small_caps: bool = False
    superscript: bool = False


@dataclass(frozen=True)
class Text:
    """A piece of the document's text. Printed in a template it is its HTML."""

    html: Markup

    def __html__(self) -> str:
        return str(self.html)

    def __str__(self) -> str:
        return str(self.html)

    def __bool__(self) -> bool:
        return bool(self.html)

    @functools.cached_property
    def spans(self) -> tuple[Span, ...]:
        return tuple(spans(str(self.html)))

    @property
    def plain(self) -> str:
        return "".join(span.text for span in self.spans)


def text(html: Markup | str) -> Text:
    return Text(Markup(html))


class _Spans(html.parser.HTMLParser):
    """The HTML briefgen makes for a statement or a note, as runs: emphasis, strong,
    links; anything else (abbr, spans, wbr) is text or nothing."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.spans: list[Span] = []
        self._stack: list[Span] = [Span("")]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("wbr", "br"):
            return
        top, style = self._stack[-1], dict(attrs).get("style") or ""
        changes: dict[str, Any] = {}
        if tag in ("em", "i") or "italic" in style:
            changes["italic"] = not top.italic
        if tag in ("strong", "b") or "bold" in style:
            changes["bold"] = True
        if tag == "a":
            changes["href"] = dict(attrs).get("href")
        if "small-caps" in style:
            changes["small_caps"] = True
        if tag == "sup":
            changes["superscript"] = True
        self._stack.append(replace(top, **changes))

    def handle_endtag(self, tag: str) -> None:
        if tag not in ("wbr", "br") and len(self._stack) > 1:
            self._stack.pop()

    def handle_data(self, data: str) -> None:
        found = data.replace("\u200b", "").replace("\u2060", "")
        if found:
            self.spans.append(replace(self._stack[-1], text=found))


def spans(html_text: str) -> list[Span]:
    parser = _Spans()
    parser.feed(html_text)
    parser.close()
    return parser.spans
