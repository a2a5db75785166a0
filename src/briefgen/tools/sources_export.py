"""briefgen sources export: the sources an audience's outputs cite, for a reference manager.

Only what the audience sees is exported: the content goes through the clearance
filter first, as for a build, so a source cited only above the audience's
clearance is not in the file (its title alone may say too much). Grades,
snapshots and quotes stay in the brief: a reference manager needs the entry.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import UsageError
from .sources import LANGUAGE_NAMES

if TYPE_CHECKING:
    from ..content.models import Source

# CSL types → biblatex entry types, which Zotero, JabRef and Mendeley read.
BIBLATEX_TYPES = {
    "webpage": "online",
    "article-journal": "article",
    "article-newspaper": "article",
    "report": "report",
    "book": "book",
    "chapter": "incollection",
    "dataset": "dataset",
    "legislation": "legislation",
}
# LaTeX's special characters, escaped so that a title reads as written.
_LATEX = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
_SPECIAL = re.compile("|".join(re.escape(c) for c in _LATEX))
# biblatex's language names (what import reads back), for the common tags.
_BABEL_NAMES = {tag: name for name, tag in reversed(LANGUAGE_NAMES.items())}


def export_sources(content_dir: Path, audience: str, fmt: str) -> str:
    """The sources `audience` sees cited, as CSL-JSON or biblatex text."""
    from ..clearance import filter_content
    from ..opening import open_brief

    brief = open_brief(content_dir, only=[audience])
    (chosen,) = brief.select([audience])
    visible = filter_content(brief.content, chosen)
    items = [exported(source, brief.content.brief.lang) for source in visible.sources]
    if fmt == "csl-json":
        return json.dumps(items, ensure_ascii=False, indent=2) + "\n"
    if fmt == "bibtex":
        return "".join(bibtex_entry(item) for item in items)
    raise UsageError(f"--format: '{fmt}' is not csl-json or bibtex")


def exported(source: Source, lang: str) -> dict[str, Any]:
    """A source as CSL-JSON for a reference manager: as the build cites it, but with its
    title (CSL-JSON's own markup: <span class="nocase">) and names as written."""
    from ..document.csl import csl_item

    item = csl_item(source, lang)
    item["title"] = source.title
    for role, names in (("author", source.authors), ("editor", source.editors)):
        if names:
            item[role] = [name.model_dump(exclude_none=True) for name in names]
    return item


def bibtex_entry(item: dict[str, Any]) -> str:
    """One CSL-JSON item as a biblatex entry, keyed by the source's id."""
    fields: dict[str, str] = {}
    for role in ("author", "editor"):
        if item.get(role):
            fields[role] = " and ".join(_name(n) for n in item[role])
    fields["title"] = _title(item["title"])
    container = {"article-journal": "journaltitle", "article-newspaper": "journaltitle"}
    if item.get("container-title"):
        fields[container.get(item["type"], "booktitle")] = _escaped(item["container-title"])
    for csl, bib in (
        ("volume", "volume"),
        ("issue", "number"),
        ("number", "number"),
        ("genre", "type"),
        ("page", "pages"),
        ("publisher", "publisher"),
        ("publisher-place", "location"),
        ("DOI", "doi"),
        ("URL", "url"),
    ):
        if item.get(csl):
            value = str(item[csl])
            fields[bib] = value if bib in ("doi", "url") else _escaped(value)
    if item["type"] == "report" and "publisher" in fields:
        fields["institution"] = fields.pop("publisher")
    if item["type"] == "article-newspaper":
        fields["entrysubtype"] = "newspaper"
    for csl, bib in (("issued", "date"), ("accessed", "urldate")):
        if item.get(csl):
            fields[bib] = "-".join(f"{p:02d}" for p in item[csl]["date-parts"][0])
    if item.get("language"):
        fields["langid"] = _BABEL_NAMES.get(item["language"], item["language"])
    entry_type = BIBLATEX_TYPES.get(item["type"], "misc")
    body = "".join(f"  {key} = {{{value}}},\n" for key, value in fields.items())
    return f"@{entry_type}{{{item['id']},\n{body}}}\n\n"


def _name(name: dict[str, str]) -> str:
    if "literal" in name:
        return "{" + _escaped(name["literal"]) + "}"  # braces: one name, not split
    given = name.get("given")
    return _escaped(name["family"]) + (f", {_escaped(given)}" if given else "")


def _title(title: str) -> str:
    """The title, its protected spans (kept as written by a style) in braces."""
    parts = re.split(r'<span class="nocase">(.*?)</span>', title)
    return "".join(
        "{" + _escaped(part) + "}" if i % 2 else _escaped(part) for i, part in enumerate(parts)
    )


def _escaped(text: str) -> str:
    return _SPECIAL.sub(lambda m: _LATEX[m[0]], text)
