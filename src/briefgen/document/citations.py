"""Statements → citations, formatted by the brief's CSL style.

A note style (Chicago notes, OSCOLA…) gives each statement a numbered note,
the full reference the first time a source is cited and the short form after.
An author-date or numeric style (APA, Harvard, MLA, IEEE…) puts its in-text
citation at the statement, each source linked to its entry in the reference
list. Citations are made in the order the template asks for them, so notes
and citation numbers always follow reading order, whatever order a custom
template shows the sections in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup, escape

from ..content.models import Citation, Cited, Content, Source
from . import csl
from .bidi import isolated
from .i18n import I18n

# Free-text locators ("para 4", "p. 12") mapped to CSL's locator labels, so that
# the style places and abbreviates them; anything else is appended as written.
_LOCATOR = re.compile(
    r"^(?P<label>paras?|paragraphs?|pp?|pages?|sec|sections?|ch|chapters?|lines?|fig|figures?)"
    r"\.?\s+(?P<value>\S.*)$",
    re.IGNORECASE,
)
_LABELS = {
    "para": "paragraph",
    "paras": "paragraph",
    "paragraphs": "paragraph",
    "p": "page",
    "pp": "page",
    "pages": "page",
    "sec": "section",
    "sections": "section",
    "ch": "chapter",
    "chapters": "chapter",
    "lines": "line",
    "fig": "figure",
    "figures": "figure",
}


@dataclass(frozen=True)
class Note:
    """What stands at a statement's call: a numbered note, or an in-text citation."""

    number: int
    html: Markup


@dataclass(frozen=True)
class Reference:
    """An entry of the reference list."""

    source: Source
    html: Markup


@dataclass(frozen=True)
class Cite:
    """One source of a statement, its locators merged: `paras 1–2`, and its quotes."""

    source: Source
    locator: tuple[str, str] | None  # (CSL label, value)
    leftover: str | None  # a locator CSL has no label for, written as is
    quotes: tuple[str, ...]


class NoteBook:
    """Hands out one citation per statement, in the order they are asked for."""

    def __init__(self, content: Content, i18n: I18n, *, show_grades: bool) -> None:
        self._content = content
        self._i18n = i18n
        self._show_grades = show_grades
        self._locale = csl.note_locale(content.brief.lang)
        self._style = csl.style(content.brief.citation_style, content.folder)
        self._cited: list[str] = []  # source ids, in order of first citation
        self._last: Cite | None = None  # the previous note's only cite, for an ibid
        self._first_note: dict[str, int] = {}  # source id → the note that first cited it
        self._in_text: Any = None  # the bibliography in-text citations number and disambiguate
        self.notes: list[Note] = []
        self._by_statement: dict[int, Note] = {}

    @property
    def in_text(self) -> bool:
        return self._style.in_text

    def note(self, statement: Cited) -> Note:
        """The statement's citation; the same one if a template asks twice."""
        key = id(statement)
        if key not in self._by_statement:
            cites = merged_cites(statement, self._content)
            if self.in_text:
                html = self._in_text_citation(cites, statement)
            else:
                html = self._note_text(cites, statement)
            note = Note(len(self._by_statement) + 1, html)
            if not self.in_text:
                self.notes.append(note)
            self._by_statement[key] = note
        return self._by_statement[key]

    def references(self) -> list[Reference]:
        """The reference list: every source this output cites, formatted and ordered by the
        style (numeric styles in order of first citation)."""
        order = [*self._cited, *(s.id for s in self._content.sources if s.id not in self._cited)]
        sources = tuple(self._content.source(source_id).model_dump_json() for source_id in order)
        entries = csl.reference_list(str(self._style.path), self._locale, sources, self._lang)
        direction = self._i18n.direction
        return [
            Reference(self._content.source(key), isolated(csl.linked(html), direction))
            for key, html in entries
        ]

    @property
    def _lang(self) -> str:
        return self._content.brief.lang

    # Notes ------------------------------------------------------------------

    def _note_text(self, cites: list[Cite], statement: Cited) -> Markup:
        parts = [
            self._note_part(cite, ibid=i == 0 and self._is_ibid(cite))
            for i, cite in enumerate(cites)
        ]
        self._last = cites[0] if len(cites) == 1 else None
        # Each name, title, URL and locator of the other direction is isolated, so that
        # an English source reads in order in an Arabic note (see bidi.py).
        parts = [isolated(part, self._i18n.direction) for part in parts]
        separator = Markup(escape(self._i18n.pgettext("note-separator", "; ")))
        text = str(separator.join(parts))
        end = self._i18n.pgettext("note-end", ".")
        html = Markup(csl.ended(text, end, self._locale))
        return html + self._credibility(statement)

    def _is_ibid(self, cite: Cite) -> bool:
        """Whether the note before cited this source alone (CSL's "ibid" position); a
        note's later sources follow another source, so only its first can be."""
        last = self._last
        return last is not None and last.source.id == cite.source.id

    def _previous_locator(self, cite: Cite) -> csl.Previous:
        last = self._last
        if last is None or not (last.locator or last.leftover):
            return "none"
        same = (last.locator, last.leftover) == (cite.locator, cite.leftover)
        return "same" if same else "other"

    def _note_part(self, cite: Cite, *, ibid: bool) -> Markup:
        position: csl.Position = "first" if cite.source.id not in self._cited else "subsequent"
        previous: csl.Previous = "none"
        if ibid:
            position, previous = "ibid", self._previous_locator(cite)
        self._first_citation(cite.source.id)
        self._first_note.setdefault(cite.source.id, len(self._by_statement) + 1)
        label = cite.locator[0] if cite.locator else None
        text = csl.note_reference(
            self._style.path,
            self._locale,
            cite.source.model_dump_json(),
            self._lang,
            label,
            position,
            _plural(cite),
            previous,
        )
        number = self._i18n.number(self._first_note[cite.source.id])
        html = csl.linked(_located(text, cite).replace(csl.FIRST_NOTE_PLACEHOLDER, number))
        if cite.quotes:
            # After an address, a colon would read as part of it: the quotes go in
            # brackets there. Several quotes of one source are introduced once and
            # separated as the style separates cites.
            if str(html).endswith("</a>"):
                introduce = self._i18n.pgettext("note-quote-after-link", " (%(quote)s)", quote="\0")
            else:
                introduce = self._i18n.pgettext("note-quote", ": %(quote)s", quote="\0")
            before, _, after = introduce.partition("\0")
            quoted = Markup(escape(self._style.delimiter)).join(
                self._i18n.quoted(quote) for quote in cite.quotes
            )
            html += Markup("{}{}{}").format(before, quoted, after)
        if self._show_grades:
            html += Markup(" ") + grade_badge(cite.source, self._i18n)
        return html

    def _first_citation(self, source_id: str) -> None:
        if source_id not in self._cited:
            self._cited.append(source_id)

    # In-text citations ---------------------------------------------------------

    def _in_text_citation(self, cites: list[Cite], statement: Cited) -> Markup:
        if self._in_text is None:
            self._in_text = csl.bibliography(
                self._style.path, self._locale, list(self._content.sources), self._lang
            )
        parts = []
        for cite in cites:
            self._first_citation(cite.source.id)
            label = cite.locator[0] if cite.locator else None
            text = csl.cite_item(self._in_text, cite.source.id, label, self._locale, _plural(cite))
            link = Markup('<a href="#ref-{}">{}</a>').format(
                cite.source.id, Markup(_located(text, cite))
            )
            if self._show_grades:
                link += Markup(" ") + grade_badge(cite.source, self._i18n)
            parts.append(link)
        style = self._style
        html = Markup(escape(style.prefix)) + Markup(escape(style.delimiter)).join(parts)
        return html + Markup(escape(style.suffix)) + self._credibility(statement)

    def _credibility(self, statement: Cited) -> Markup:
        """The statement's information credibility, once, where grades are shown."""
        if not (self._show_grades and statement.credibility):
            return Markup("")
        meaning = self._i18n.pgettext(
            "credibility-badge",
            "information credibility %(credibility)s",
            credibility=statement.credibility,
        )
        # Not in brackets: "[3]" after a note of a numeric style reads as reference 3.
        shown = self._i18n.pgettext(
            "credibility-short", "cred. %(credibility)s", credibility=statement.credibility
        )
        return Markup(' <span class="grade credibility" title="{}">{}</span>').format(
            meaning, shown
        )


def merged_cites(statement: Cited, content: Content) -> list[Cite]:
    """The statement's sources, each once: two citations of one source become one cite
    with both locators (`paras 1–2`) and both quotes."""
    groups: dict[str, list[Citation]] = {}
    for citation in statement.sources:
        groups.setdefault(citation.source, []).append(citation)
    return [_merged(content.source(source_id), group) for source_id, group in groups.items()]


def _merged(source: Source, citations: list[Citation]) -> Cite:
    citations = sorted(citations, key=_locator_order)  # quotes in the order of the source
    quotes = tuple(c.quote for c in citations if c.quote)
    located = [_split_locator(c.locator) for c in citations if c.locator]
    labelled = [loc for loc, _ in located if loc]
    leftovers = [left for _, left in located if left]
    locator = None
    if labelled and len({label for label, _ in labelled}) == 1:
        locator = (labelled[0][0], _joined([value for _, value in labelled]))
    elif labelled:  # different labels: as written, one after the other
        leftovers = [*(f"{label} {value}" for label, value in labelled), *leftovers]
    leftover = ", ".join(leftovers) or None
    return Cite(source, locator, leftover, quotes)


def _locator_order(citation: Citation) -> tuple[int, int]:
    """Where a citation points, for ordering: by its first number; unnumbered ones after,
    as written."""
    located, _ = _split_locator(citation.locator)
    first = re.search(r"\d+", located[1]) if located else None
    return (0, int(first[0])) if first else (1, 0)


def _joined(values: list[str]) -> str:
    """Locator values as one: consecutive numbers as a range (1–2), the rest listed."""
    unique = list(dict.fromkeys(values))
    if all(v.isdigit() for v in unique):
        numbers = sorted(int(v) for v in unique)
        runs: list[list[int]] = []
        for n in numbers:
            if runs and n == runs[-1][-1] + 1:
                runs[-1].append(n)
            else:
                runs.append([n])
        return ", ".join(f"{r[0]}–{r[-1]}" if len(r) > 1 else str(r[0]) for r in runs)
    return ", ".join(unique)


def _plural(cite: Cite) -> bool:
    """Whether the locator holds several numbers: `1–2`, `1, 3`."""
    return bool(cite.locator and re.search(r"\d[^\d.]+\d", cite.locator[1]))


def _located(text: str, cite: Cite) -> str:
    if cite.locator:
        value = str(escape(cite.locator[1]))
        text = text.replace(csl.PLURAL_PLACEHOLDER, value).replace(csl.PLACEHOLDER, value)
    if cite.leftover:
        text += str(escape(f", {cite.leftover}"))
    return text


def grade_badge(source: Source, i18n: I18n) -> Markup:
    """The source's Admiralty reliability grade, e.g. [B]."""
    meaning = i18n.pgettext(
        "grade-badge", "source reliability %(reliability)s", reliability=source.reliability
    )
    return Markup('<span class="grade" title="{}">[{}]</span>').format(meaning, source.reliability)


def _split_locator(locator: str | None) -> tuple[tuple[str, str] | None, str | None]:
    if not locator:
        return None, None
    match = _LOCATOR.match(locator)
    if not match:
        return None, locator
    label = match["label"].lower()
    return (_LABELS.get(label, label), match["value"]), None
