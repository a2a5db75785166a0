"""The kinds of section a brief has, each declared once: its name, its file and the model
of one item, its default heading, and whether its items carry ids or an order.

Everything else derives from these declarations: which files a brief folder
holds, what is validated and walked, what the clearance filter keeps, and which
template draws the section (`sections/<name>.html.j2`, found like any template).
A new kind of section is one `declare()` and one template.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from ..errors import Problem
from .models import (
    Abbreviations,
    Brief,
    Cited,
    Content,
    CooperationArea,
    Figure,
    FigureBlock,
    Group,
    Marking,
    Milestone,
    Question,
    Section,
    Source,
    Statement,
    Table,
    TableBlock,
)

Loc = tuple[str | int, ...]


@dataclass(frozen=True)
class SectionKind:
    """One kind of section."""

    name: str
    heading: str  # the default heading
    item: type[Group] | None = None  # the model of one item of `<name>.yaml`
    ids: bool = False  # items have an `id`, unique within the file
    order: Callable[[Any], Any] | None = None  # sort key of the items, as readers see them

    @property
    def file(self) -> str | None:
        """The file key (`background` for background.yaml), if the section has a file."""
        return self.name if self.item is not None else None

    @property
    def template(self) -> str:
        return f"sections/{self.name}.html.j2"

    @property
    def title_field(self) -> str | None:
        """The field of an item that is its title: the first text field an item has
        beside its id, date and status (`heading`, `title`, `area`, `question`)."""
        if self.item is None:
            return None
        skip = {"id", "date", "status", "statements", "audiences"}
        return next((name for name in self.item.model_fields if name not in skip), None)


def date_order(partial: str) -> tuple[int, int, int]:
    """Sort key of a partial date: '2025' falls after '2025-01-16', as 'some time in 2025'."""
    parts = [int(p) for p in partial.split("-")]
    return (parts[0], parts[1] if len(parts) > 1 else 13, parts[2] if len(parts) > 2 else 32)


_KINDS: dict[str, SectionKind] = {}


def declare(kind: SectionKind) -> SectionKind:
    """Add a kind of section; it is shown where an audience's `sections` names it."""
    _KINDS[kind.name] = kind
    return kind


def kinds() -> list[SectionKind]:
    return list(_KINDS.values())


def kind(name: str) -> SectionKind:
    return _KINDS[name]


def with_items() -> list[SectionKind]:
    """The kinds kept in a file of their own, as lists of items that hold statements."""
    return [k for k in _KINDS.values() if k.item is not None]


# The key judgments stand in brief.yaml; the sources section lists the sources
# an audience's statements cite and holds no statements of its own.
SUMMARY = declare(SectionKind("summary", "Key judgments"))
declare(SectionKind("background", "Background", Section))
declare(SectionKind("milestones", "Milestones", Milestone, order=lambda m: date_order(m.date)))
declare(SectionKind("cooperation", "Areas of cooperation", CooperationArea, ids=True))
declare(SectionKind("questions", "Open questions", Question, ids=True))
SOURCES = declare(SectionKind("sources", "Sources"))
# The reference list of an author-date or numeric style; added at the end of an
# audience that shows neither it nor the sources, so that citations lead somewhere.
REFERENCES = declare(SectionKind("references", "References"))

REQUIRED_FILES = ("brief", "sources")
ABBREVIATIONS = "abbreviations"
# The glossary lists the abbreviations an audience's statements use.
GLOSSARY = declare(SectionKind("glossary", "Abbreviations"))


def content_files() -> dict[str, Any]:
    """Each file of a brief folder, by key, and the type of its top level."""
    files: dict[str, Any] = {"brief": Brief, "sources": list[Source]}
    for k in with_items():
        files[k.name] = list[k.item]  # type: ignore[name-defined]  # a runtime type, for pydantic
    files[ABBREVIATIONS] = Abbreviations
    return files


def stray_files(folder: Path) -> list[Problem]:
    """YAML files of a brief folder that briefgen does not read: a misnamed
    `milestone.yaml` would leave its milestones out in silence."""
    import difflib

    known = [f"{key}.yaml" for key in content_files()]
    read_elsewhere = {"briefgen.yaml"}  # a project's, when a brief stands at its root
    found = []
    for path in sorted(folder.glob("*.y*ml")):
        if path.name in known or path.name in read_elsewhere or path.name.startswith("."):
            continue
        close = difflib.get_close_matches(path.name.replace(".yml", ".yaml"), known, n=1)
        meant = f": did you mean '{close[0]}'? rename it" if close else ": rename or remove it"
        message = f"'{path.name}' is not a file briefgen reads, so nothing in it is shown{meant}"
        found.append(Problem(path, None, None, "", message, "unknown-file"))
    return found


def json_schema(name: str) -> dict[str, Any]:
    """The JSON Schema of one content file (`brief`, `sources`, …), for editors and CI."""
    from pydantic import TypeAdapter

    schema = TypeAdapter(content_files()[name]).json_schema()
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": f"briefgen {name}.yaml",
        **schema,
    }


@dataclass(frozen=True)
class Located:
    """A statement, the section that shows it, and where it stands: its file key and
    its location in that file."""

    section: str
    file: str
    loc: Loc
    statement: Statement
    item_audiences: list[str] | None = None  # its item's `audiences`, the default

    @property
    def audiences(self) -> list[str] | None:
        """The audiences it is aimed at (None: every one)."""
        return self.statement.audiences or self.item_audiences


def located_statements(content: Content) -> Iterator[Located]:
    """Every statement, in reading order: the one walk over a brief's statements."""
    for i, statement in enumerate(content.brief.summary):
        yield Located(SUMMARY.name, "brief", ("summary", i), statement)
    for k in with_items():
        for i, item in enumerate(content.items(k.name)):
            for j, block in enumerate(item.statements):
                if isinstance(block, Statement):
                    yield Located(k.name, k.name, (i, "statements", j), block, item.audiences)


@dataclass(frozen=True)
class Placed:
    """A figure or a table among a section's statements, and where it stands."""

    section: str
    file: str
    loc: Loc  # of the figure or table itself: (i, "statements", j, "figure")
    block: Figure | Table
    item_audiences: list[str] | None = None

    @property
    def kind(self) -> str:
        return "fig" if isinstance(self.block, Figure) else "tab"


def located_blocks(content: Content) -> Iterator[Placed]:
    """Every figure and table, in reading order."""
    for k in with_items():
        for i, item in enumerate(content.items(k.name)):
            for j, block in enumerate(item.statements):
                if isinstance(block, FigureBlock):
                    loc: Loc = (i, "statements", j, "figure")
                    yield Placed(k.name, k.name, loc, block.figure, item.audiences)
                elif isinstance(block, TableBlock):
                    loc = (i, "statements", j, "table")
                    yield Placed(k.name, k.name, loc, block.table, item.audiences)


@dataclass(frozen=True)
class Backed:
    """Anything that stands on sources (a statement, a figure, a row of a table), where
    it stands, and the marking and audiences it takes when it gives none."""

    section: str
    file: str
    loc: Loc
    cited: Cited
    default_marking: Marking | None = None  # a row's table's
    default_audiences: list[str] | None = None  # its table's or item's

    @property
    def audiences(self) -> list[str] | None:
        return self.cited.audiences or self.default_audiences


def located_cited(content: Content) -> Iterator[Backed]:
    """Every statement, then every figure and table row: what sources are for."""
    for found in located_statements(content):
        yield Backed(found.section, found.file, found.loc, found.statement, None, found.audiences)
    for placed in located_blocks(content):
        block, item = placed.block, placed.item_audiences
        if isinstance(block, Figure):
            yield Backed(placed.section, placed.file, placed.loc, block, None, item)
            continue
        for r, row in enumerate(block.rows):
            loc = (*placed.loc, "rows", r)
            yield Backed(
                placed.section, placed.file, loc, row, block.marking, block.audiences or item
            )


def marked_texts(content: Content) -> Iterator[tuple[str, Loc, str]]:
    """Every text with inline markup (statements, captions, table cells): (file, location,
    text), where cross-references and abbreviations stand."""
    if content.brief.sources_note:
        yield "brief", ("sources_note",), content.brief.sources_note
    for found in located_statements(content):
        yield found.file, (*found.loc, "text"), found.statement.text
    for placed in located_blocks(content):
        block = placed.block
        yield placed.file, (*placed.loc, "caption"), block.caption
        if isinstance(block, Table):
            for r, row in enumerate(block.rows):
                for c, cell in enumerate(row.cells):
                    yield placed.file, (*placed.loc, "rows", r, "cells", c), cell


def item_cited(item: Group) -> list[Cited]:
    """What an item's blocks stand on sources with: statements, figures, table rows."""
    out: list[Cited] = []
    for block in item.statements:
        if isinstance(block, FigureBlock):
            out.append(block.figure)
        elif isinstance(block, TableBlock):
            out += block.table.rows
        else:
            out.append(block)
    return out


# Fields of an item that are names, not text: they hold no abbreviation a reader meets.
_NAME_FIELDS = ("id", "status", "date")


def reader_texts(content: Content) -> Iterator[tuple[str, Loc, str]]:
    """Every text a reader meets, as marked_texts, with the titles and headings: where
    abbreviations are used."""
    yield "brief", ("title",), content.brief.title
    if content.brief.subtitle:
        yield "brief", ("subtitle",), content.brief.subtitle
    for k in with_items():
        for i, item in enumerate(content.items(k.name)):
            for name, value in item:
                if isinstance(value, str) and name not in _NAME_FIELDS:
                    yield k.name, (i, name), value
    yield from marked_texts(content)


def all_statements(content: Content) -> list[Statement]:
    return [found.statement for found in located_statements(content)]


def all_cited(content: Content) -> list[Cited]:
    return [found.cited for found in located_cited(content)]


def section_statements(content: Content, name: str) -> list[Statement]:
    return [f.statement for f in located_statements(content) if f.section == name]


def body_key(cited: BaseModel) -> str:
    """What a statement, figure or row says and stands on, as a short key: the same in
    the content and in any audience's filtered copy of it (which makes its marking
    explicit, drops its audiences, and gives a row its table's credibility)."""
    import hashlib

    body = cited.model_dump_json(exclude={"marking", "audiences", "credibility"})
    return hashlib.sha256(body.encode()).hexdigest()[:16]
