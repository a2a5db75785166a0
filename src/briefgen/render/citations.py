"""Statements → numbered notes, formatted with CSL: full reference first, short form after.

Notes are numbered as the template asks for them, so the numbers always follow
reading order, whatever order a custom template shows the sections in.
"""

from __future__ import annotations

import functools
import re
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from markupsafe import Markup, escape

from ..content.models import Citation, Content, Source, Statement
from ..content.styles import style_file
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
# Digits survive every CSL text-case transform unchanged.
_PLACEHOLDER = "987654321"
_URL = re.compile(r"https?://[^\s<>\"]+[^\s<>\".,;:)]")


@dataclass(frozen=True)
class Note:
    number: int
    html: Markup


@functools.cache
def _csl_locales() -> tuple[frozenset[str], dict[str, str]]:
    """The CSL locales citeproc-py ships, and each language's primary dialect."""
    import json

    from citeproc import LOCALES_PATH

    folder = Path(LOCALES_PATH)
    names = frozenset(p.stem.removeprefix("locales-") for p in folder.glob("locales-*.xml"))
    dialects = json.loads((folder / "locales.json").read_text(encoding="utf-8"))
    return names, dict(dialects["primary-dialects"])


def csl_locale(lang: str) -> str | None:
    """The CSL locale for a BCP 47 tag: itself if shipped ('en-GB'), else the primary
    dialect of its language ('fr' → 'fr-FR', 'zh-Hans' → 'zh-CN'); None if neither."""
    names, dialects = _csl_locales()
    by_case = {n.lower(): n for n in names}
    tag = lang.replace("_", "-")
    if tag.lower() in by_case:
        return by_case[tag.lower()]
    parts = tag.split("-")
    if parts[0].lower() == "zh" and any(p.lower() in ("hant", "tw", "hk", "mo") for p in parts):
        return "zh-TW"
    return dialects.get(parts[0].lower())


def note_locale(lang: str) -> str:
    """The CSL locale notes are written in: `csl_locale`, or American English."""
    return csl_locale(lang) or "en-US"


def note_warnings(lang: str) -> list[str]:
    """What a build should say about notes in `lang`: a language CSL has no locale for."""
    if csl_locale(lang) is not None:
        return []
    return [f"no citation locale for '{lang}': notes use American English terms and dates"]


def csl_item(source: Source) -> dict[str, Any]:
    """A source as CSL-JSON. Everything is a web page: that is what briefs cite."""
    item: dict[str, Any] = {"id": source.id, "type": "webpage", "title": source.title}
    if source.author:
        item["author"] = [{"literal": source.author}]
    if source.publisher:
        item["publisher"] = source.publisher
    if source.published:
        item["issued"] = {"date-parts": [[int(p) for p in source.published.split("-")]]}
    if source.accessed:
        a = source.accessed
        item["accessed"] = {"date-parts": [[a.year, a.month, a.day]]}
    if source.url:
        item["URL"] = source.url
    return item


class NoteBook:
    """Hands out one note per statement, numbered in the order they are asked for."""

    def __init__(self, content: Content, i18n: I18n, *, show_grades: bool) -> None:
        self._content = content
        self._i18n = i18n
        self._show_grades = show_grades
        self._locale = note_locale(content.brief.lang)
        self._style = str(style_file(content.brief.citation_style, content.folder))
        self._cited: set[str] = set()
        self.notes: list[Note] = []
        self._by_statement: dict[int, Note] = {}

    def note(self, statement: Statement) -> Note:
        """The statement's note; the same note if a template asks twice."""
        key = id(statement)
        if key not in self._by_statement:
            parts = [self._cite(citation, statement) for citation in statement.sources]
            if self._i18n.direction == "rtl":
                # Each reference is isolated (FSI … PDI), so that a title in a
                # left-to-right script keeps its punctuation where it belongs.
                parts = [Markup("\u2068{}\u2069").format(part) for part in parts]
            separator = self._i18n.pgettext("note-separator", "; ")
            html = Markup(escape(separator)).join(parts) + self._i18n.pgettext("note-end", ".")
            note = Note(len(self.notes) + 1, html)
            self.notes.append(note)
            self._by_statement[key] = note
        return self._by_statement[key]

    def _cite(self, citation: Citation, statement: Statement) -> Markup:
        source = self._content.source(citation.source)
        locator, leftover = _split_locator(citation.locator)
        first = source.id not in self._cited
        self._cited.add(source.id)
        text = csl_reference(
            self._style, self._locale, source, locator[0] if locator else None, first
        )
        if locator:
            text = text.replace(_PLACEHOLDER, locator[1])
        if leftover:
            text += f", {leftover}"
        html = _linkify(text)
        if citation.quote:
            introduce = self._i18n.pgettext("note-quote", ": %(quote)s", quote="\0")
            before, _, after = introduce.partition("\0")
            html += Markup("{}{}{}").format(before, self._i18n.quoted(citation.quote), after)
        if self._show_grades:
            html += Markup(" ") + grade_badge(source, statement, self._i18n)
        return html


# citeproc-py's own macro lookup, kept so that tests compare against it.
ORIGINAL_GET_MACRO: list[Any] = []


def _patch_citeproc() -> None:
    """Replace citeproc-py's macro lookup by `_get_macro` (same result, tested), once."""
    from citeproc import model

    if not ORIGINAL_GET_MACRO and hasattr(model.CitationStylesElement, "get_macro"):
        ORIGINAL_GET_MACRO.append(model.CitationStylesElement.get_macro)
        model.CitationStylesElement.get_macro = _get_macro


@functools.lru_cache(maxsize=8)
def _style(name: str, locale: str) -> Any:
    from citeproc import CitationStylesStyle

    _patch_citeproc()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        path = name if name.lower().endswith(".csl") else str(style_file(name, None))
        return CitationStylesStyle(path, locale=locale, validate=False)


@functools.lru_cache(maxsize=4096)
def csl_reference(style: str, locale: str, source: Source, label: str | None, first: bool) -> str:
    """One source's note text in the full (first) or short (subsequent) form.

    citeproc-py takes tens of milliseconds a cite, so the text is cached per
    source, locator label and position; the locator value goes in a
    placeholder that the caller replaces.
    """
    from citeproc import Citation as CSLCitation
    from citeproc import CitationItem, CitationStylesBibliography, Locator, formatter
    from citeproc.source.json import CiteProcJSON

    bibliography = CitationStylesBibliography(
        _style(style, locale), CiteProcJSON([csl_item(source)]), formatter.plain
    )
    if not first:  # position "subsequent": the source has been cited before
        _cited_before(bibliography, CSLCitation([CitationItem(source.id)]))
    item = (
        CitationItem(source.id, locator=Locator(label, _PLACEHOLDER))
        if label
        else CitationItem(source.id)
    )
    text = _drop_repeated_title(_render(bibliography, CSLCitation([item])).rstrip("."))
    if locale == "en-US":  # citeproc-py ignores the locale's punctuation-in-quote
        text = text.replace("”,", ",”").replace("”.", ".”")
    return text


# citeproc-py finds a macro by an XPath search over the whole style each time
# it is used, thousands of times a note: half of the time of formatting notes.
# Its first macro of each name, looked up once a style, is the same element.
_MACROS: dict[int, tuple[Any, dict[str, Any]]] = {}


def _get_macro(element: Any, name: str) -> Any:
    root = element.get_root()
    entry = _MACROS.get(id(root))
    if entry is None or entry[0] is not root:  # the root is kept, so its id is not reused
        macros: dict[str, Any] = {}
        for macro in root.xpath_search("cs:macro"):
            macros.setdefault(macro.get("name"), macro)
        entry = _MACROS[id(root)] = (root, macros)
    if name not in entry[1]:
        raise IndexError(f"the style has no macro '{name}'")  # as citeproc-py's own lookup
    return entry[1][name]


def _cited_before(bibliography: Any, citation: Any) -> None:
    """Record a citation as made, so the next is rendered in its subsequent form.

    citeproc-py decides the position from the citations it has rendered; adding
    this one to its list instead of rendering it gives the same text (tested)
    in half the time.
    """
    cites = getattr(bibliography, "_cites", None)
    if not isinstance(cites, list):
        _render(bibliography, citation)
        return
    bibliography.register(citation)
    cites.extend(citation.cites)


def _render(bibliography: Any, citation: Any) -> str:
    bibliography.register(citation)
    return str(bibliography.cite(citation, _ignore))


def grade_badge(source: Source, statement: Statement, i18n: I18n) -> Markup:
    """The Admiralty grade, e.g. [B2]: source reliability, then information credibility."""
    grade = source.reliability + (str(statement.credibility) if statement.credibility else "")
    meaning = i18n.pgettext(
        "grade-badge", "source reliability %(reliability)s", reliability=source.reliability
    )
    if statement.credibility:
        meaning = i18n.pgettext(
            "grade-badge-credibility",
            "source reliability %(reliability)s, information credibility %(credibility)s",
            reliability=source.reliability,
            credibility=statement.credibility,
        )
    return Markup('<span class="grade" title="{}">[{}]</span>').format(meaning, grade)


def _split_locator(locator: str | None) -> tuple[tuple[str, str] | None, str | None]:
    if not locator:
        return None, None
    match = _LOCATOR.match(locator)
    if not match:
        return None, locator
    label = match["label"].lower()
    return (_LABELS.get(label, label), match["value"]), None


def _drop_repeated_title(text: str) -> str:
    # citeproc-py does not suppress a variable that substituted for the author,
    # so a note for a source with no author or publisher reads “Title”, “Title”.
    return re.sub(r"^([‘“][^’”]+[’”]), \1", r"\1", text)


def _linkify(text: str) -> Markup:
    out = Markup("")
    last = 0
    for match in _URL.finditer(text):
        out += escape(text[last : match.start()])
        out += Markup('<a href="{0}">{0}</a>').format(match[0])
        last = match.end()
    return out + escape(text[last:])


def _ignore(_: object) -> None:
    """citeproc-py reports unknown ids here; validation has already ruled them out."""
