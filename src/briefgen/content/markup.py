"""The inline markup of statement text, captions and table cells: `*emphasis*`,
`**strong**`, `[links](https://…)` and `{fig:ID}` / `{tab:ID}` cross-references.

Parsed by markdown-it-py, a CommonMark parser, with every rule but emphasis
and links turned off: anything else (HTML, images, code, escapes, entities)
is text, shown as written.
"""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING, Literal
from urllib.parse import urlparse

if TYPE_CHECKING:
    from collections.abc import Iterable

    from markdown_it import MarkdownIt
    from markdown_it.token import Token

LINK_SCHEMES = ("http", "https")
# A cross-reference to a figure or a table of the brief, by id.
REFERENCE = re.compile(r"\{(fig|tab):([a-z0-9]+(?:-[a-z0-9]+)*)\}")
RefKind = Literal["fig", "tab"]


@functools.cache
def parser() -> MarkdownIt:
    from markdown_it import MarkdownIt

    md = MarkdownIt("zero").enable(["emphasis", "link"])
    # Every link is kept, so that a javascript: or a relative one is reported as an
    # error rather than quietly shown as text.
    md.validateLink = lambda url: True  # type: ignore[method-assign]
    return md


def tokens(text: str) -> list[Token]:
    """The inline tokens of `text`: text, em/strong open and close, link open and close."""
    block = parser().parseInline(text)
    return list(block[0].children or []) if block else []


def links(text: str) -> list[str]:
    return [str(t.attrs.get("href", "")) for t in tokens(text) if t.type == "link_open"]


def link_problem(text: str) -> str | None:
    """Why a link of `text` is refused, if one is: only http and https links are."""
    for url in links(text):
        parsed = urlparse(url)
        if parsed.scheme.lower() not in LINK_SCHEMES or not parsed.netloc:
            return (
                f"the link to '{url[:80]}' is not an http or https address: links go to web "
                "pages only; write the full address, or remove the link"
            )
    return None


# Anything shaped like a cross-reference: `{Fig: Pub_chart}`, `{table:x}`. Each is a
# reference, or an error: a mistyped one must not print literally in silence.
LOOSE_REFERENCE = re.compile(r"\{\s*(fig(?:ure)?|tab(?:le)?)\s*:\s*([^{}]*?)\s*\}", re.IGNORECASE)


def mistyped_references(text: str) -> list[tuple[str, RefKind, str]]:
    """Cross-references written wrongly: (as written, the kind meant, the id meant)."""
    found = []
    for match in LOOSE_REFERENCE.finditer(text):
        if REFERENCE.fullmatch(match[0]):
            continue
        kind: RefKind = "fig" if match[1].lower().startswith("fig") else "tab"
        meant = re.sub(r"[^a-z0-9]+", "-", match[2].lower()).strip("-")
        found.append((match[0], kind, meant))
    return found


def references(text: str) -> list[tuple[RefKind, str]]:
    """The figures and tables `text` refers to, in order: [("fig", "japan-aid"), …]."""
    return [(m[1], m[2]) for m in REFERENCE.finditer(text)]  # type: ignore[misc]


def plain(text: str) -> str:
    """The text as read, without its markup: what a search or a lint looks at."""
    parts = []
    for token in tokens(text):
        if token.type == "text":
            parts.append(token.content)
        elif token.type == "softbreak":
            parts.append(" ")
    return "".join(parts)


def term_pattern(terms: Iterable[str]) -> re.Pattern[str] | None:
    """Where any of `terms` stands as a word of its own (the longest first: IP4 before IP)."""
    names = sorted(terms, key=len, reverse=True)
    if not names:
        return None
    return re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, names)) + r")(?![\w-])")


def terms_used(texts: Iterable[str], terms: Iterable[str]) -> set[str]:
    """Which of `terms` (the brief's abbreviations) the texts use."""
    pattern = term_pattern(terms)
    if pattern is None:
        return set()
    return {m[1] for text in texts for m in pattern.finditer(plain(text))}
