"""briefgen sources import: sources from a reference manager's export, appended to sources.yaml.

CSL-JSON (Zotero, Mendeley) and BibTeX are read; every new entry is left
without a reliability grade, so the brief will not build until an analyst
has graded it.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..content.language import FAMILY_FIRST_SCRIPTS
from ..content.load import CONTROL, load_yaml
from ..content.models import SOURCE_TYPES
from ..errors import UsageError, display_path, printable
from ..pipeline.write import write_outputs

# CSL types briefgen knows (PRODUCT.md) are kept; the others become the nearest one.
CSL_TYPES = {
    "post-weblog": "webpage",
    "post": "webpage",
    "article-magazine": "article-newspaper",
    "article": "article-journal",
    "paper-conference": "chapter",
    "entry-encyclopedia": "chapter",
    "entry-dictionary": "chapter",
    "thesis": "report",
    "manuscript": "report",
    "standard": "report",
    "bill": "legislation",
    "regulation": "legislation",
    "legal_case": "legislation",
    "broadcast": "interview",
}
BIBTEX_TYPES = {
    "article": "article-journal",
    "book": "book",
    "inbook": "chapter",
    "incollection": "chapter",
    "inproceedings": "chapter",
    "conference": "chapter",
    "report": "report",
    "techreport": "report",
    "phdthesis": "report",
    "mastersthesis": "report",
    "thesis": "report",
    "online": "webpage",
    "electronic": "webpage",
    "www": "webpage",
    "misc": "webpage",
    "dataset": "dataset",
    "legislation": "legislation",
    "legal": "legislation",
    "jurisdiction": "legislation",
    "newspaper": "article-newspaper",
}
# Types → the kinds of PRODUCT.md; anything else is left for the analyst.
KINDS = {
    "article-newspaper": "news",
    "report": "analysis",
    "article-journal": "analysis",
    "book": "analysis",
    "chapter": "analysis",
    "dataset": "analysis",
    "legislation": "official",
    "treaty": "official",
}
# biblatex and babel language names, for the common ones: a style title-cases English.
LANGUAGE_NAMES = {
    "english": "en",
    "american": "en-US",
    "british": "en-GB",
    "french": "fr",
    "german": "de",
    "ngerman": "de",
    "spanish": "es",
    "italian": "it",
    "portuguese": "pt",
    "dutch": "nl",
    "polish": "pl",
    "russian": "ru",
    "ukrainian": "uk",
    "japanese": "ja",
    "korean": "ko",
    "chinese": "zh",
    "arabic": "ar",
}
# The fields of an imported entry, in the order they are written.
FIELDS = (
    "id",
    "type",
    "title",
    "authors",
    "editors",
    "container",
    "volume",
    "issue",
    "number",
    "genre",
    "pages",
    "publisher",
    "place",
    "published",
    "accessed",
    "doi",
    "url",
    "language",
    "kind",
)


@dataclass
class ImportResult:
    added: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (entry, why)


def import_sources(file: Path, content_dir: Path) -> ImportResult:
    """Append the references in `file` to `content_dir/sources.yaml`."""
    if not file.is_file():
        raise UsageError(f"no file at '{file}'")
    references = read_references(file)
    target = content_dir / "sources.yaml"
    existing = _existing(target)
    library = _library_entries(content_dir)  # a project's library counts too
    taken = {str(s.get("id")) for s in existing + library}
    seen = {_key(s.get("url")) for s in existing} | {_key(s.get("title")) for s in existing}
    shared = {_key(s.get("url")) for s in library} | {_key(s.get("title")) for s in library}
    result = ImportResult()
    entries = []
    guesses: dict[str, str] = {}  # id → why its kind is what it is
    for ref in references:
        if not ref.get("title"):
            result.skipped.append((str(ref.get("_label") or "an entry"), "it has no title"))
            continue
        keys = {_key(ref.get("url")), _key(ref["title"])}
        if keys & (seen - {""}):
            result.skipped.append((ref["title"], "already in sources.yaml"))
            continue
        if keys & (shared - {""}):
            result.skipped.append((ref["title"], "already in the project's sources.yaml"))
            continue
        ref["id"] = own_key(ref.get("_key"), taken) or unique_id(ref, taken)
        taken.add(ref["id"])
        seen |= {_key(ref.get("url")), _key(ref["title"])}
        for role in ("authors", "editors"):
            ref[role] = [_Name(name) for name in ref.get(role) or []]
        ref["kind"], ref["_guess"] = guessed_kind(ref)
        entry = {k: ref[k] for k in FIELDS if ref.get(k)}
        entries.append(entry)
        guesses[ref["id"]] = ref["_guess"]
        result.added.append(ref["id"])
    if entries:
        text = _appended(target, existing, entries, file, guesses)
        _check_appended(target, text, existing, entries)
        write_outputs({target: text.encode("utf-8")})
    return result


def _library_entries(content_dir: Path) -> list[dict[str, Any]]:
    """The sources of the project library a brief in a project can cite."""
    from ..locate import library_file

    library = library_file(content_dir)
    return _existing(library) if library is not None else []


def _check_appended(
    target: Path, text: str, existing: list[dict[str, Any]], entries: list[dict[str, Any]]
) -> None:
    """The new file must hold the same entries as before, then the new ones, and nothing
    else; a file written in a form appending cannot follow is left as it is."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError:
        data = None
    ids = [s.get("id") for s in data if isinstance(s, dict)] if isinstance(data, list) else None
    wanted = [s.get("id") for s in existing] + [e["id"] for e in entries]
    if ids != wanted or len(data or []) != len(wanted):
        raise UsageError(
            f"{display_path(target)} is written in a form that sources cannot be appended "
            "to (document markers, a flow list [...], or an indentation that import cannot "
            "follow): nothing was changed. Write the list as '- id: …' items, or add the "
            "sources by hand"
        )


def read_references(file: Path) -> list[dict[str, Any]]:
    suffix = file.suffix.lower()
    if suffix == ".json":
        return [_from_csl(item) for item in _csl_items(file)]
    if suffix in (".bib", ".bibtex"):
        return _from_bibtex(file)
    raise UsageError(f"'{file.name}': import reads CSL-JSON (.json) or BibTeX (.bib)")


def _csl_items(file: Path) -> list[dict[str, Any]]:
    try:
        data = json.loads(file.read_text(encoding="utf-8-sig"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise UsageError(f"'{file}' is not CSL-JSON: {exc}") from None
    except RecursionError:
        raise UsageError(f"'{file}' is not CSL-JSON: nested too deep") from None
    items = data.get("items", []) if isinstance(data, dict) else data
    if not isinstance(items, list):
        raise UsageError(f"'{file}' is not CSL-JSON: expected a list of items")
    return [item for item in items if isinstance(item, dict)]


def _from_csl(item: dict[str, Any]) -> dict[str, Any]:
    kind = str(item.get("type"))
    source_type = CSL_TYPES.get(kind, kind if kind in SOURCE_TYPES else None)
    return {
        # The user's own key, where the export has one (Better BibTeX, Zotero 7); a
        # CSL-JSON `id` is the reference manager's ("item-2", a URI), not the user's.
        "_key": item.get("citation-key"),
        "_label": item.get("citation-key") or item.get("id"),
        "type": source_type,
        "title": _text(item.get("title")),
        "authors": [n for n in map(_csl_name, _list(item.get("author"))) if n],
        "editors": [n for n in map(_csl_name, _list(item.get("editor"))) if n],
        "container": _text(item.get("container-title")),
        "volume": _text(item.get("volume")),
        "issue": _text(item.get("issue")),
        "number": _text(item.get("number")),
        "genre": _text(item.get("genre")),
        "pages": _pages(item.get("page")),
        "publisher": _text(item.get("publisher")),
        "place": _text(item.get("publisher-place")),
        "published": _csl_date(item.get("issued")),
        "accessed": _csl_date(item.get("accessed"), full=True),
        "doi": _doi(item.get("DOI")),
        "url": _web_url(item.get("URL")),
        "language": _language(item.get("language")),
    }


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _csl_name(name: Any) -> dict[str, str] | None:
    if not isinstance(name, dict):
        return None
    literal, family, given = (_text(name.get(k)) for k in ("literal", "family", "given"))
    if literal or (family and not given and " " in family):  # an organisation
        return {"literal": literal or str(family)}
    return {k: v for k, v in (("family", family), ("given", given)) if v} if family else None


def _csl_date(value: Any, full: bool = False) -> str | None:
    """A CSL date ({"date-parts": [[2024, 5, 19]]}) as text; None for anything else."""
    outer = value.get("date-parts") if isinstance(value, dict) else None
    parts = outer[0] if isinstance(outer, list) and outer else None
    if not isinstance(parts, list):
        return None
    try:
        numbers = [int(p) for p in parts if not isinstance(p, bool)][:3]
    except (TypeError, ValueError, OverflowError):
        return None
    if not numbers or not 1 <= numbers[0] <= 9999:
        return None
    if not numbers or (full and len(numbers) < 3):
        return None
    return "-".join([f"{numbers[0]:04d}", *(f"{n:02d}" for n in numbers[1:])])


def _from_bibtex(file: Path) -> list[dict[str, Any]]:
    from bibtexparser import middlewares
    from bibtexparser.entrypoint import parse_string

    try:
        text = file.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise UsageError(f"'{file}' is not UTF-8 text") from None
    library = parse_string(
        text,
        # Names are split before LaTeX is decoded, so that the braces of an
        # organisation ({World Health Organization}) still keep it one name.
        append_middleware=[
            middlewares.SeparateCoAuthors(),
            middlewares.SplitNameParts(),
            middlewares.LatexDecodingMiddleware(),
            middlewares.MonthIntMiddleware(True),
        ],
    )
    if library.failed_blocks:
        block = library.failed_blocks[0]
        raise UsageError(
            f"{file}:{(block.start_line or 0) + 1}: not valid BibTeX: "
            f"{getattr(block, 'error', 'cannot be parsed')}"
        )
    # The names as written, for the order of a name written without a comma.
    written = parse_string(text, append_middleware=[middlewares.SeparateCoAuthors()])
    raw = {e.key: {k.lower(): v.value for k, v in e.fields_dict.items()} for e in written.entries}
    return [_bib_entry(entry, raw.get(entry.key, {})) for entry in library.entries]


def _bib_entry(entry: Any, raw: dict[str, Any]) -> dict[str, Any]:
    fields = {k.lower(): v.value for k, v in entry.fields_dict.items()}
    year, month = str(fields.get("year", "")).strip(), str(fields.get("month", "")).strip()
    date = str(fields.get("date", "")).strip()  # biblatex
    published = date if re.fullmatch(r"\d{4}(-\d{2}){0,2}", date) else None
    if not published and re.fullmatch(r"\d{4}", year):
        published = year + (f"-{int(month):02d}" if month.isdigit() else "")
    accessed = str(fields.get("urldate", "")).strip()
    source_type = BIBTEX_TYPES.get(entry.entry_type.lower())
    container = fields.get("journal") or fields.get("journaltitle") or fields.get("booktitle")
    # A report's or a law's `number` is its own number; an article's is its issue.
    numbered = source_type in ("report", "legislation")
    return {
        "_key": entry.key,
        "_label": entry.key,
        "type": source_type,
        "title": _text(fields.get("title")),
        "authors": _bib_names(fields.get("author"), raw.get("author")),
        "editors": _bib_names(fields.get("editor"), raw.get("editor")),
        "container": _text(container),
        "volume": _text(fields.get("volume")),
        "issue": _text(fields.get("issue") or (None if numbered else fields.get("number"))),
        "number": _text(fields.get("number")) if numbered else None,
        "genre": _text(fields.get("type")),
        "pages": _pages(fields.get("pages")),
        "publisher": _text(
            fields.get("publisher") or fields.get("institution") or fields.get("organization")
        ),
        "place": _text(fields.get("address") or fields.get("location")),
        "published": published,
        "accessed": accessed if re.fullmatch(r"\d{4}-\d{2}-\d{2}", accessed) else None,
        "doi": _doi(fields.get("doi")),
        "url": _web_url(fields.get("url")),
        "language": _language(fields.get("langid") or fields.get("language")),
    }


def _bib_names(parsed: Any, raw: Any) -> list[dict[str, str]]:
    """A BibTeX name list: each name as split by bibtexparser, except a Chinese, Japanese
    or Korean name written without a comma ('山田 太郎'), which is family name first."""
    parsed, raw = parsed or [], raw or []
    names = []
    for i, name in enumerate(parsed):
        written = raw[i] if i < len(raw) and isinstance(raw[i], str) else ""
        found = _cjk_name(written) if _family_first(written) else _bib_name(name)
        if found:
            names.append(found)
    return names


def _family_first(written: str) -> bool:
    """'山田 太郎': two parts and no comma, in a script that puts the family name first."""
    parts = written.split()
    return bool(FAMILY_FIRST_SCRIPTS.search(written)) and "," not in written and len(parts) == 2


def _cjk_name(written: str) -> dict[str, str]:
    family, given = written.split()
    return {"family": family.strip("{}"), "given": given.strip("{}")}


def _bib_name(name: Any) -> dict[str, str] | None:
    """A BibTeX name: a person, or an organisation written in braces ({World Bank})."""
    from pylatexenc.latex2text import LatexNodes2Text

    def decoded(parts: list[str]) -> str | None:
        return _text(LatexNodes2Text().latex_to_text(" ".join(parts)))

    if isinstance(name, str):
        return {"literal": literal} if (literal := decoded([name])) else None
    family, given = decoded([*name.von, *name.last]), decoded([*name.first, *name.jr])
    if family and not given and " " in family:
        return {"literal": family}
    return {k: v for k, v in (("family", family), ("given", given)) if v} if family else None


def _pages(value: Any) -> str | None:
    text = _text(value)
    return re.sub(r"\s*-{1,2}\s*", "–", text) if text else None


def _doi(value: Any) -> str | None:
    text = _text(value)
    doi = re.sub(r"^(https?://(dx\.)?doi\.org/|doi:\s*)", "", text or "", flags=re.I)
    return doi if re.fullmatch(r"10\.\d{4,9}/\S+", doi) else None


def _language(value: Any) -> str | None:
    text = (_text(value) or "").strip()
    tag = LANGUAGE_NAMES.get(text.lower(), text)
    return tag if re.fullmatch(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})*", tag) else None


# Publishers (or authors) whose texts are a government's or an international
# organisation's own: their kind is `official`.
_OFFICIAL = re.compile(
    r"\b(ministry|ministère|ministerium|ministerio|ministero|department of|government|"
    r"gouvernement|bundesregierung|parliament|congress|senate|bundestag|cabinet office|"
    r"office of the|prime minister|president of|white house|foreign office|"
    r"state department|embassy|federal|treasury|national audit|"
    r"european (commission|union|parliament|council)|council of the european|"
    r"united nations|nato|north atlantic treaty|oecd|world bank|world health organi[sz]ation|"
    r"world trade organi[sz]ation|unesco|unicef|osce|council of europe|african union|asean|"
    r"international (monetary fund|atomic energy agency|energy agency)|imf)\b|"
    r"省|庁|内閣|政府|外務|防衛",
    re.IGNORECASE,
)
_OFFICIAL_HOSTS = re.compile(
    r"^https?://([^/]+\.)?([^/.]+\.)*(gov|mil|int|gouv\.fr|go\.jp|gc\.ca|gv\.at|"
    r"admin\.ch|europa\.eu|bund\.de|gob\.[a-z]+|gov\.[a-z]+)(:\d+)?(/|$)",
    re.IGNORECASE,
)


def guessed_kind(ref: dict[str, Any]) -> tuple[str | None, str]:
    """The kind of an imported source, and why: a government's or an international
    organisation's text (by its publisher, author or web address) or a law is
    `official`; else what its type suggests. Always a guess, and said to be one."""
    names = [ref.get("publisher") or ""]
    names += [a.get("literal", "") for a in ref.get("authors") or []]
    official = next((n for n in names if n and _OFFICIAL.search(n)), None)
    if official:
        return "official", f"guessed from '{official}', a government or international body"
    if ref.get("url") and _OFFICIAL_HOSTS.match(ref["url"]):
        return "official", "guessed from its web address, a government's or an international body's"
    kind = KINDS.get(ref.get("type") or "")
    if kind:
        return kind, f"guessed from its type, {ref['type']}"
    return None, "not guessed: set it to official, news, analysis, commercial or blog"


def own_key(key: Any, taken: set[str]) -> str | None:
    """The user's own citation key (BibTeX's, or CSL-JSON's `citation-key`), when it is a
    valid source id that is free: 'holm2025' is kept, 'Holm2025' and '1234' are not."""
    if not isinstance(key, str) or key in taken or key.isdigit():
        return None
    return key if re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", key) else None


def unique_id(ref: dict[str, Any], taken: Iterable[str]) -> str:
    """'doe-2013' from the first author's family name, or 'who-2023' from an organisation
    (else the publisher, else the title's first word), and the year."""
    authors = ref.get("authors") or []
    if authors and authors[0].get("family"):
        word = _slug(authors[0]["family"])
    elif authors or ref.get("publisher"):
        word = organisation_id(authors[0]["literal"] if authors else ref["publisher"])
    else:
        word = _slug((ref.get("title") or "source").split()[0])
    year = (ref.get("published") or "")[:4]
    base = "-".join(p for p in (word or "source", year) if p)
    taken = set(taken)
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    return candidate


_MINOR_WORDS = {"of", "the", "for", "and", "on", "in", "de", "la", "le", "des", "du", "und", "für"}


def organisation_id(name: str) -> str:
    """An organisation's short name: its acronym where it shows one ('RAND Corporation',
    'World Health Organization (WHO)'), the initials of a name of three words or more
    ('World Health Organization' → 'who'), else the name itself."""
    acronyms = re.findall(r"\b[A-Z][A-Z0-9&]+\b", name)
    if acronyms:
        return _slug(acronyms[-1])
    words = [w for w in re.findall(r"[\w-]+", name) if w.lower() not in _MINOR_WORDS]
    if len(words) >= 3:
        return _slug("".join(w[0] for w in words))
    return _slug(name)


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def _text(value: Any) -> str | None:
    if value is None or isinstance(value, (dict, list, bool)):
        return None
    text = CONTROL.sub("", re.sub(r"\s+", " ", str(value))).strip()
    return text or None


def _web_url(value: Any) -> str | None:
    text = _text(value)
    return text if text and re.match(r"https?://\S+$", text) else None


def _key(value: Any) -> str:
    return re.sub(r"\W+", "", str(value or "").casefold())


class _Name(dict[str, str]):
    """An author, written on one line: `- {family: Holm, given: Pia}`."""


class _Dumper(yaml.SafeDumper):
    pass


_Dumper.add_representer(
    _Name, lambda dumper, name: dumper.represent_mapping("tag:yaml.org,2002:map", name, True)
)


def _existing(target: Path) -> list[dict[str, Any]]:
    if not target.is_file():
        return []
    data = load_yaml(target, target.parent).data
    return [s for s in data if isinstance(s, dict)] if isinstance(data, list) else []


def _appended(
    target: Path,
    existing: list[dict[str, Any]],
    entries: list[dict[str, Any]],
    origin: Path,
    guesses: dict[str, str],
) -> str:
    """The file's text with the new entries after it; comments and layout are kept."""
    text = target.read_text(encoding="utf-8-sig") if target.is_file() else ""
    if not existing and not text.strip().startswith(("-", "#")) and text.strip():
        text = ""  # a file holding an empty flow list, `[]`
    block = "".join(_entry_text(entry, guesses.get(entry["id"], "")) for entry in entries)
    indent = re.search(r"^( *)- ", text, flags=re.M)
    if indent and indent[1]:  # items indented as the file's own are
        block = "".join(
            indent[1] + line if line.strip() else line for line in block.splitlines(True)
        )
    block = re.sub(
        r"^(\s*- id: .*)$",
        r"\1\n  # reliability: A–F — grade this source before building",
        block,
        flags=re.M,
    )
    # The file name goes in a comment: shown with its control characters and line
    # ends escaped, it cannot end the comment and add YAML of its own.
    header = f"\n# Imported from {printable(origin.name)}: give each source a reliability grade.\n"
    return (text.rstrip("\n") + "\n" if text.strip() else "") + header + block


def _entry_text(entry: dict[str, Any], guess: str) -> str:
    """One entry as YAML, its kind followed by how it was guessed."""
    text = yaml.dump([entry], Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)
    said = printable(guess)
    if "kind" in entry:
        return re.sub(r"^(  kind: .*)$", lambda m: f"{m[1]}  # {said}: check it", text, flags=re.M)
    return text + f"  # kind: {said}\n"
