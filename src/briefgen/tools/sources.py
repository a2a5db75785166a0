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

from ..build.write import write_outputs
from ..content.load import CONTROL, load_yaml
from ..errors import UsageError, printable

# Reference types → the kinds of PRODUCT.md; anything else is left for the analyst.
CSL_KINDS = {
    "article-newspaper": "news",
    "article-magazine": "news",
    "broadcast": "news",
    "post-weblog": "blog",
    "post": "blog",
    "report": "analysis",
    "article-journal": "analysis",
    "book": "analysis",
    "chapter": "analysis",
    "legislation": "official",
    "legal_case": "official",
    "bill": "official",
    "treaty": "official",
    "regulation": "official",
}
BIBTEX_KINDS = {
    "article": "analysis",
    "book": "analysis",
    "incollection": "analysis",
    "report": "analysis",
    "techreport": "analysis",
    "phdthesis": "analysis",
    "newspaper": "news",
}


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
    taken = {str(s.get("id")) for s in existing}
    seen = {_key(s.get("url")) for s in existing} | {_key(s.get("title")) for s in existing}
    result = ImportResult()
    entries = []
    for ref in references:
        if not ref.get("title"):
            result.skipped.append((str(ref.get("_key") or "an entry"), "it has no title"))
            continue
        if {_key(ref.get("url")), _key(ref["title"])} & (seen - {""}):
            result.skipped.append((ref["title"], "already in sources.yaml"))
            continue
        ref["id"] = unique_id(ref, taken)
        taken.add(ref["id"])
        seen |= {_key(ref.get("url")), _key(ref["title"])}
        entries.append(
            {
                k: ref[k]
                for k in (
                    "id",
                    "title",
                    "author",
                    "publisher",
                    "published",
                    "accessed",
                    "url",
                    "kind",
                )
                if ref.get(k)
            }
        )
        result.added.append(ref["id"])
    if entries:
        write_outputs({target: _appended(target, existing, entries, file).encode("utf-8")})
    return result


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
    items = data.get("items", []) if isinstance(data, dict) else data
    if not isinstance(items, list):
        raise UsageError(f"'{file}' is not CSL-JSON: expected a list of items")
    return [item for item in items if isinstance(item, dict)]


def _from_csl(item: dict[str, Any]) -> dict[str, Any]:
    authors = [
        a.get("literal") or " ".join(p for p in (a.get("given"), a.get("family")) if p)
        for a in item.get("author", [])
        if isinstance(a, dict)
    ]
    return {
        "_key": item.get("id"),
        "title": _text(item.get("title")),
        "author": ", ".join(a for a in authors if a) or None,
        "publisher": _text(item.get("publisher") or item.get("container-title")),
        "published": _csl_date(item.get("issued")),
        "accessed": _csl_date(item.get("accessed"), full=True),
        "url": _web_url(item.get("URL")),
        "kind": CSL_KINDS.get(str(item.get("type"))),
    }


def _csl_date(value: Any, full: bool = False) -> str | None:
    parts = (value or {}).get("date-parts", [[]])[0] if isinstance(value, dict) else []
    try:
        numbers = [int(p) for p in parts][:3]
    except (TypeError, ValueError):
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
        append_middleware=[
            middlewares.LatexDecodingMiddleware(),
            middlewares.MonthIntMiddleware(True),
            middlewares.SeparateCoAuthors(),
            middlewares.SplitNameParts(),
            middlewares.MergeNameParts("first"),
        ],
    )
    if library.failed_blocks:
        block = library.failed_blocks[0]
        raise UsageError(
            f"{file}:{(block.start_line or 0) + 1}: not valid BibTeX: "
            f"{getattr(block, 'error', 'cannot be parsed')}"
        )
    return [_bib_entry(entry) for entry in library.entries]


def _bib_entry(entry: Any) -> dict[str, Any]:
    fields = {k.lower(): v.value for k, v in entry.fields_dict.items()}
    authors = fields.get("author") or []
    year, month = str(fields.get("year", "")).strip(), str(fields.get("month", "")).strip()
    published = None
    if re.fullmatch(r"\d{4}", year):
        published = year + (f"-{int(month):02d}" if month.isdigit() else "")
    accessed = str(fields.get("urldate", "")).strip()
    return {
        "_key": entry.key,
        "title": _text(fields.get("title")),
        "author": ", ".join(authors) if isinstance(authors, list) else _text(authors),
        "publisher": _text(
            fields.get("publisher")
            or fields.get("organization")
            or fields.get("journal")
            or fields.get("institution")
        ),
        "published": published,
        "accessed": accessed if re.fullmatch(r"\d{4}-\d{2}-\d{2}", accessed) else None,
        "url": _web_url(fields.get("url")),
        "kind": BIBTEX_KINDS.get(entry.entry_type),
    }


def unique_id(ref: dict[str, Any], taken: Iterable[str]) -> str:
    """'doe-2013' from the first author (or publisher, or title word) and the year."""
    who = ref.get("author") or ref.get("publisher") or ref.get("title") or "source"
    word = _slug(re.split(r"[,;]", who)[0].split()[-1] if ref.get("author") else who.split()[0])
    year = (ref.get("published") or "")[:4]
    base = "-".join(p for p in (word or "source", year) if p)
    taken = set(taken)
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    return candidate


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = CONTROL.sub("", re.sub(r"\s+", " ", str(value))).strip()
    return text or None


def _web_url(value: Any) -> str | None:
    text = _text(value)
    return text if text and re.match(r"https?://\S+$", text) else None


def _key(value: Any) -> str:
    return re.sub(r"\W+", "", str(value or "").casefold())


def _existing(target: Path) -> list[dict[str, Any]]:
    if not target.is_file():
        return []
    data = load_yaml(target).data
    return [s for s in data if isinstance(s, dict)] if isinstance(data, list) else []


def _appended(
    target: Path, existing: list[dict[str, Any]], entries: list[dict[str, Any]], origin: Path
) -> str:
    """The file's text with the new entries after it; comments and layout are kept."""
    text = target.read_text(encoding="utf-8-sig") if target.is_file() else ""
    if not existing and not text.strip().startswith(("-", "#")) and text.strip():
        text = ""  # a file holding an empty flow list, `[]`
    block = yaml.safe_dump(entries, sort_keys=False, allow_unicode=True, width=100)
    block = re.sub(
        r"^(- id: .*)$",
        r"\1\n  # reliability: A–F — grade this source before building",
        block,
        flags=re.M,
    )
    # The file name goes in a comment: shown with its control characters and line
    # ends escaped, it cannot end the comment and add YAML of its own.
    header = f"\n# Imported from {printable(origin.name)}: give each source a reliability grade.\n"
    return (text.rstrip("\n") + "\n" if text.strip() else "") + header + block
