"""The document an audience reads: one per audience, made once after the clearance
filter, and read by every output and review (HTML and PDF through the templates,
Word through one walk of the tree, the index from its header, `diff` block by block).

Everything a reader sees is decided here, once: which blocks there are and in
what order, each block's marking and portion mark, the page's marking, note
numbers, figure and table numbers, cross-references, abbreviations spelt out at
their first use, and every label in the brief's language. Text is a `Text`:
escaped HTML for the templates, and the same as runs for Word; no writer reads
the content it came from.

Blocks are plain frozen dataclasses with a `kind`; a new kind of block is a new
class here and one template, and `diff` compares it with no change of its own
(see `Block.fields`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from markupsafe import Markup

from .text import Text

if TYPE_CHECKING:
    from .i18n import I18n

EMPTY = Text(Markup(""))


@dataclass(frozen=True)
class Marking:
    """A level of the marking scheme as an output prints it."""

    level: str  # the scheme's name: RESTRICTED, OFFICIAL-SENSITIVE
    rank: int  # 0 for the lowest level
    label: str  # the name in the brief's language
    portion: str  # the portion mark, "(R)"; empty at the lowest level

    @property
    def css(self) -> str:
        """A class name for the level: `marking-restricted`."""
        return "".join(c if c.isalnum() else "-" for c in self.level.lower())


@dataclass(frozen=True)
class Note:
    """A numbered note: its number (and as the language writes it) and its text."""

    number: int
    label: str
    html: Text


@dataclass(frozen=True)
class Cited:
    """What stands at a sourced block: a note (note styles), or an in-text citation."""

    note: Note | None
    in_text: Text | None

    @property
    def number(self) -> int | None:
        return self.note.number if self.note else None


@dataclass(frozen=True)
class Source:
    """One citation of a block, as `diff` compares it."""

    id: str
    locator: str | None
    quote: str | None


@dataclass(frozen=True)
class Block:
    """Anything an audience reads. `key` names what it was made from (see
    content.sections.body_key), so that `diff` finds it in both versions and at its
    line; `compared` names the fields whose change `diff` reports."""

    key: str
    marking: Marking

    kind: ClassVar[str] = "block"
    compared: ClassVar[tuple[str, ...]] = ()

    def fields(self) -> dict[str, Any]:
        """The fields `diff` compares, by name."""
        return {name: getattr(self, name) for name in self.compared}


@dataclass(frozen=True)
class Statement(Block):
    text: Text = EMPTY
    plain: str = ""
    cited: Cited = Cited(None, None)
    sources: tuple[Source, ...] = ()
    credibility: int | None = None
    id: str | None = None

    kind = "statement"
    compared = ("plain", "sources", "credibility")


@dataclass(frozen=True)
class Paragraph:
    """Statements that follow one another."""

    statements: tuple[Statement, ...]

    kind = "paragraph"


@dataclass(frozen=True)
class Figure(Block):
    id: str = ""
    number: int = 0
    label: str = ""  # "Figure 2", as the language writes it
    caption: Text = EMPTY
    caption_plain: str = ""
    alt: str = ""
    image_url: str = ""  # a data: URL: no output loads a file
    image_digest: str = ""
    mime: str = ""
    cited: Cited = Cited(None, None)
    sources: tuple[Source, ...] = ()
    credibility: int | None = None

    kind = "figure"
    compared = ("caption_plain", "alt", "image_digest", "sources", "credibility")


@dataclass(frozen=True)
class Column:
    name: str
    numeric: bool
    padding: tuple[str, ...]  # after each row's cell, to line up decimal points


@dataclass(frozen=True)
class Row(Block):
    cells: tuple[Text, ...] = ()
    cells_plain: tuple[str, ...] = ()
    cited: Cited = Cited(None, None)
    sources: tuple[Source, ...] = ()
    credibility: int | None = None

    kind = "row"
    compared = ("cells_plain", "sources", "credibility")


@dataclass(frozen=True)
class Table(Block):
    id: str = ""
    number: int = 0
    label: str = ""
    caption: Text = EMPTY
    caption_plain: str = ""
    columns: tuple[Column, ...] = ()
    rows: tuple[Row, ...] = ()
    note_column: int = 0  # the cell of a row that ends with its note call

    kind = "table"
    compared = ("caption_plain", "headers")

    @property
    def headers(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)


@dataclass(frozen=True)
class Item:
    """An item of a section (a background part, a milestone, an area, a question): its
    title, what it is (date, status), and its blocks."""

    title: str
    anchor: str
    blocks: tuple[Paragraph | Figure | Table, ...]
    date: str | None = None  # ISO, as precise as given
    date_label: str | None = None
    status: str | None = None
    status_label: str | None = None

    @property
    def lead(self) -> Paragraph | None:
        """The first paragraph, when the item begins with one: a dated item runs it in
        after its title."""
        first = self.blocks[0] if self.blocks else None
        return first if isinstance(first, Paragraph) else None

    @property
    def rest(self) -> tuple[Paragraph | Figure | Table, ...]:
        """The blocks after the lead."""
        return self.blocks[1:] if self.lead else self.blocks


@dataclass(frozen=True)
class Entry:
    """A term of the glossary."""

    term: str
    expansion: str


@dataclass(frozen=True)
class Reference:
    """A source in the reference list or the sources table."""

    id: str
    html: Text
    plain_title: str
    kind_label: str  # "official", as the language says it; "—" when not given
    reliability: str
    cited_by: int


@dataclass(frozen=True)
class Timeline:
    """The milestones drawn as a figure: its dated items, and the text that describes it
    to a reader who cannot see it."""

    items: tuple[Item, ...]
    description: str  # "Timeline of milestones, 2007–2025. 2007: …; 2013: …"
    caption: str


@dataclass(frozen=True)
class Section:
    """A section of the document, as the audience's `sections` order them."""

    name: str
    heading: str
    anchor: str
    number: int | None = None  # where the audience numbers its sections
    number_label: str = ""
    strength: str | None = None  # "3 of 4 statements here cite…", where grades are shown
    purpose: Text | None = None  # a line above its statements: why the reader has the note
    statements: tuple[Statement, ...] = ()  # the key judgments
    items: tuple[Item, ...] = ()
    timeline: Timeline | None = None
    glossary: tuple[Entry, ...] = ()
    references: tuple[Reference, ...] = ()
    sources_note: Text | None = None
    grades_legend: str | None = None

    @property
    def statuses(self) -> bool:
        """Whether its items carry a status: shown at a glance before them."""
        return any(item.status for item in self.items)


@dataclass(frozen=True)
class Header:
    """What the title block, the page header and footer and the index show."""

    title: str
    subtitle: str | None
    date: str  # ISO
    date_label: str
    authors: tuple[str, ...]
    lang: str
    direction: str  # "ltr" or "rtl"
    audience: str
    audience_title: str  # the kicker above the title
    marking: Marking  # the highest marking the document holds
    portion_key: str | None  # what the portion marks mean, where any is shown
    created: str  # the date written into the file's properties
    running_title: str  # for page headers: the brief's short title, else the title shortened
    bottom_line: str  # the first key judgment as plain text, for the index
    bottom_line_marking: Marking | None
    # What a ministry's note carries for its registry (each empty when not given).
    reference: str = ""
    version: str = ""
    draft: bool = False
    drafted_by: tuple[str, ...] = ()  # "Head of unit, 2 December 2025"
    cleared_by: tuple[str, ...] = ()
    distribution: tuple[str, ...] = ()


@dataclass(frozen=True)
class Document:
    """One audience's brief."""

    header: Header
    sections: tuple[Section, ...]
    notes: tuple[Note, ...]  # in reading order; empty with an in-text style
    in_text: bool  # citations stand in the text (author-date, numeric)
    contents: bool  # the audience lists its sections before them
    i18n: I18n = field(compare=False, repr=False)
    show_grades: bool = False
    # What its text uses and cites, whether or not a section lists them.
    abbreviations: tuple[Entry, ...] = ()
    sources: tuple[Reference, ...] = ()

    def blocks(self) -> list[Block]:
        """Every block an audience reads, in reading order: what `diff` compares."""
        found: list[Block] = []
        for section in self.sections:
            found += section.statements
            for item in section.items:
                for part in item.blocks:
                    if isinstance(part, Paragraph):
                        found += part.statements
                    elif isinstance(part, Table):
                        found += [part, *part.rows]
                    else:
                        found.append(part)
        return found

    def section(self, name: str) -> Section | None:
        return next((s for s in self.sections if s.name == name), None)


def compared_fields(block: Block) -> dict[str, Any]:
    """Every field `diff` compares of a block, the marking included."""
    return {**block.fields(), "marking": block.marking.level}
