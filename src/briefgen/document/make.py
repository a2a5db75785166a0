"""Content an audience may see → the Document it reads.

The walk is the reading order: sections in the order the audience lists them,
items in theirs, blocks as the author placed them. Notes are numbered, and
abbreviations spelt out, in that order, once; every output reads the numbers
from here. A reference list is made after the walk, from the sources the walk
cited, wherever the audience puts it.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from ..content.markup import plain
from ..content.models import Content, Row, Table
from ..content.models import Figure as FigureModel
from ..content.models import Statement as StatementModel
from ..content.schemes import DEFAULT
from ..content.sections import REFERENCES, body_key, kind
from .blocks import columns, note_column, numbering, runs
from .citations import NoteBook
from .evidence import citing_statements, strength
from .i18n import I18n
from .inline import Abbreviations, Inline, inline_html
from .model import (
    Cited,
    Column,
    Document,
    Entry,
    Figure,
    Header,
    Item,
    Marking,
    Note,
    Paragraph,
    Reference,
    Section,
    Source,
    Statement,
    Timeline,
)
from .model import Row as RowBlock
from .model import Table as TableBlockModel
from .text import text
from .typography import typeset

if TYPE_CHECKING:
    from ..audiences import Audience

# A running title longer than this is shortened in page headers (with an ellipsis, at a
# word), where it would otherwise wrap onto the marking beside it.
RUNNING_TITLE_CHARS = 60


def shortened(title: str, most: int) -> str:
    if len(title) <= most:
        return title
    cut = title[: most - 1].rsplit(" ", 1)[0].rstrip(",;:–—- ")
    return cut + "…"


# Sections that list what the walk cited: made once every note is.
LISTS = ("sources", "references")
GRADES_LEGEND = (
    "Grades follow the Admiralty scale. Source reliability: A completely reliable, "
    "B usually reliable, C fairly reliable, D not usually reliable, E unreliable, "
    "F cannot be judged. Information credibility, given once after a note's "
    "sources: 1 confirmed, 2 probably true, 3 possibly true, 4 doubtful, "
    "5 improbable, 6 cannot be judged."
)


def output_language(content: Content, audience: Audience) -> I18n:
    """The language of an output: the brief's, with the labels it and its audience override."""
    return I18n(content.brief.lang, content.brief.labels, audience.config.labels)


def make_document(visible: Content, audience: Audience, created: str) -> Document:
    """The document of one audience; `visible` is the content the clearance filter kept
    for it (see clearance.filter_content), so nothing else can reach it."""
    return _Maker(visible, audience, created).document()


# The most milestones a timeline figure draws: past this, labels stack higher than a
# page, and a figure of dozens of dates says less than the list below it, which the
# reader gets alone.
TIMELINE_MOST = 12


class _Maker:
    def __init__(self, content: Content, audience: Audience, created: str) -> None:
        self.content = content
        self.audience = audience
        self.created = created
        self.i18n = output_language(content, audience)
        config = audience.config
        self.notes = NoteBook(content, self.i18n, show_grades=config.show_grades)
        self.inline = Inline(
            self.i18n,
            numbering(content, config.sections),
            Abbreviations(content.abbreviations),
        )

    # The document ----------------------------------------------------------------

    def document(self) -> Document:
        config = self.audience.config
        header = self.header()
        names = list(config.sections)
        if self.notes.in_text and not set(LISTS) & set(names):
            names.append(REFERENCES.name)  # citations in the text lead to a list
        made = {name: self.section(name) for name in names if name not in LISTS}
        made |= {name: self.section(name) for name in names if name in LISTS}
        shown = [made[name] for name in names if made[name] is not None]
        numbered = [self._numbered(s, shown) for s in shown if s is not None]
        return Document(
            header=header,
            sections=tuple(numbered),
            notes=tuple(self._notes()),
            in_text=self.notes.in_text,
            contents=config.contents,
            i18n=self.i18n,
            show_grades=config.show_grades,
            abbreviations=self._entries(),
            sources=tuple(self._references()),
        )

    def header(self) -> Header:
        brief, i18n = self.content.brief, self.i18n
        from ..clearance import highest_marking

        marking = self.marking(highest_marking(self.content))
        summary = brief.summary[0] if brief.summary else None
        return Header(
            title=typeset(brief.title, i18n),
            subtitle=typeset(brief.subtitle, i18n) if brief.subtitle else None,
            date=brief.date.isoformat(),
            date_label=i18n.date(brief.date),
            authors=tuple(typeset(a, i18n) for a in brief.authors),
            lang=brief.lang,
            direction=i18n.direction,
            audience=self.audience.name,
            audience_title=typeset(
                i18n.pgettext("audience-title", self.audience.config.title), i18n
            ),
            marking=marking,
            portion_key=self._portion_key(marking),
            created=self.created,
            running_title=brief.running_title or shortened(brief.title, RUNNING_TITLE_CHARS),
            bottom_line=" ".join(plain(summary.text).split()) if summary else "",
            bottom_line_marking=self.marking(summary.marking) if summary else None,
            reference=brief.reference or "",
            version=brief.version or "",
            draft=brief.status == "draft",
            drafted_by=tuple(self._signed(s) for s in brief.drafted_by),
            cleared_by=tuple(self._signed(s) for s in brief.cleared_by),
            distribution=tuple(typeset(d, i18n) for d in brief.distribution),
        )

    def _signed(self, signatory: Any) -> str:
        """ "Head of unit, 2 December 2025", as the language writes a name and a date."""
        name = typeset(signatory.name, self.i18n)
        if signatory.date is None:
            return name
        return self.i18n.pgettext(
            "signed", "%(name)s, %(date)s", name=name, date=self.i18n.date(signatory.date)
        )

    def marking(self, level: str | None) -> Marking:
        """A level as this output prints it: its name and portion mark, translated where
        the catalogue knows them."""
        scheme = self.content.scheme
        name = level or self.content.default_marking
        rank = scheme.rank(name)
        label = self.i18n.pgettext("marking", name)
        portion = ""
        if rank:
            portion = self.i18n.pgettext(f"portion-{name}", f"({scheme.portion(name)})")
        return Marking(name, rank, label, portion)

    def _portion_key(self, highest: Marking) -> str | None:
        """What the portion marks mean, where the document holds any."""
        if not highest.rank:
            return None
        scheme = self.content.scheme
        if scheme.names == DEFAULT.names:  # the catalogues' own sentences
            return self._default_portion_key(highest)
        above = [self.marking(level) for level in scheme.names[1 : highest.rank + 1]]
        marks = self.i18n.pgettext("list-separator", ", ").join(
            self.i18n.pgettext("portion-mark", "%(mark)s %(level)s", mark=m.portion, level=m.label)
            for m in above
        )
        return self.i18n.pgettext(
            "portion-key-scheme",
            "Portion marks: %(marks)s; statements without one are %(lowest)s.",
            marks=marks,
            lowest=self.marking(scheme.lowest).label,
        )

    def _default_portion_key(self, highest: Marking) -> str:
        names = {m: self.i18n.pgettext("marking", m) for m in DEFAULT.names}
        marks = {m: self.i18n.pgettext(f"portion-{m}", f"({m[0]})") for m in names}
        values = {
            "internal": names["INTERNAL"],
            "internal_mark": marks["INTERNAL"],
            "restricted": names["RESTRICTED"],
            "restricted_mark": marks["RESTRICTED"],
            "public": names["PUBLIC"],
        }
        if highest.level == "RESTRICTED":
            return self.i18n.pgettext(
                "portion-key-restricted",
                "Statements marked %(internal_mark)s are %(internal)s and "
                "%(restricted_mark)s %(restricted)s; all others are %(public)s.",
                **values,
            )
        return self.i18n.pgettext(
            "portion-key",
            "Statements marked %(internal_mark)s are %(internal)s; all others are %(public)s.",
            **values,
        )

    # Sections ----------------------------------------------------------------------

    def section(self, name: str) -> Section | None:
        """The section, or None when it has nothing to show."""
        heading = self.i18n.pgettext(f"section-{name}", kind(name).heading)
        base = Section(name=name, heading=heading, anchor=name)
        if name == "summary":
            statements = tuple(self.statement(s) for s in self.content.brief.summary)
            if not statements:
                return None
            purpose = self.content.brief.purpose
            return replace(
                base,
                strength=self._strength(name),
                statements=statements,
                purpose=text(inline_html(purpose, self.inline)) if purpose else None,
            )
        if name in LISTS:
            return self._list(name, base)
        if name == "glossary":
            entries = self._entries()
            return replace(base, glossary=entries) if entries else None
        items = tuple(self.item(name, i, item) for i, item in enumerate(self.content.items(name)))
        if not items:
            return None
        timeline = self._timeline(items) if any(i.date for i in items) else None
        return replace(base, strength=self._strength(name), items=items, timeline=timeline)

    def _numbered(self, section: Section, shown: list[Section | None]) -> Section:
        """Its number, where the audience numbers its sections (the key judgments stand
        before section 1, unnumbered)."""
        if not self.audience.config.numbered or section.name == "summary":
            return section
        order = [s.name for s in shown if s is not None and s.name != "summary"]
        number = order.index(section.name) + 1
        return replace(section, number=number, number_label=self.i18n.number(number))

    def _strength(self, name: str) -> str | None:
        if not self.audience.config.show_grades:
            return None
        found = strength(self.content, name)
        return self.i18n.npgettext(
            "evidence-strength",
            "%(strong)s of %(total)s statement here cites at least one source graded A–B.",
            "%(strong)s of %(total)s statements here cite at least one source graded A–B.",
            found.total,
            strong=self.i18n.number(found.strong),
            total=self.i18n.number(found.total),
        )

    def _list(self, name: str, base: Section) -> Section | None:
        references = tuple(self._references())
        if not references:
            return None
        note = self.content.brief.sources_note
        legend = None
        if name == "sources":
            legend = self.i18n.pgettext("grades-legend", GRADES_LEGEND)
        return replace(
            base,
            references=references,
            sources_note=text(inline_html(note, self.inline)) if note else None,
            grades_legend=legend,
        )

    def _references(self) -> list[Reference]:
        cited_by = citing_statements(self.content)
        out = []
        for ref in self.notes.references():
            source = ref.source
            kind_label = self.i18n.pgettext("source-kind", source.kind) if source.kind else "—"
            out.append(
                Reference(
                    source.id,
                    text(ref.html),
                    source.plain_title,
                    kind_label,
                    source.reliability,
                    cited_by[source.id],
                )
            )
        return out

    def _entries(self) -> tuple[Entry, ...]:
        return tuple(
            Entry(term, typeset(expansion, self.i18n))
            for term, expansion in sorted(self.content.abbreviations.items())
        )

    def _timeline(self, items: tuple[Item, ...]) -> Timeline | None:
        dated = tuple(i for i in items if i.date)
        if not self.audience.config.timeline or not dated or len(dated) > TIMELINE_MOST:
            return None
        first, last = dated[0].date or "", dated[-1].date or ""
        title = self.i18n.pgettext(
            "timeline-title",
            "Timeline of milestones, %(first)s–%(last)s",
            first=self.i18n.number(int(first[:4])),
            last=self.i18n.number(int(last[:4])),
        )
        listed = "; ".join(f"{i.date_label}: {i.title}" for i in dated)
        caption = self.i18n.pgettext(
            "timeline-caption", "Milestones by date; each is sourced in the list below."
        )
        return Timeline(dated, f"{title}. {listed}", caption)

    # Items and blocks ------------------------------------------------------------

    def item(self, section: str, index: int, item: Any) -> Item:
        declared = kind(section)
        title_field = declared.title_field
        title = str(getattr(item, title_field)) if title_field else ""
        item_id = getattr(item, "id", None)
        date = getattr(item, "date", None)
        status = getattr(item, "status", None)
        blocks: list[Paragraph | Figure | TableBlockModel] = []
        for run in runs(item.statements):
            if run.kind == "statements":
                blocks.append(Paragraph(tuple(self.statement(s) for s in run.statements)))
            elif run.kind == "figure" and run.figure is not None:
                blocks.append(self.figure(run.figure))
            elif run.table is not None:
                blocks.append(self.table(run.table))
        return Item(
            title=typeset(title, self.i18n),
            anchor=f"{section}-{item_id or index + 1}",
            blocks=tuple(blocks),
            date=date,
            date_label=self.i18n.date(date) if date else None,
            status=status,
            status_label=self.i18n.pgettext("status", status) if status else None,
        )

    def cited(self, thing: Any) -> Cited:
        note = self.notes.note(thing)
        if self.notes.in_text:
            return Cited(None, text(note.html))
        return Cited(Note(note.number, self.i18n.number(note.number), text(note.html)), None)

    def statement(self, statement: StatementModel) -> Statement:
        html = text(inline_html(statement.text, self.inline))
        return Statement(
            key=statement.id or body_key(statement),
            marking=self.marking(statement.marking),
            text=html,
            plain=" ".join(plain(statement.text).split()),
            cited=self.cited(statement),
            sources=_sources(statement),
            credibility=statement.credibility,
            id=statement.id,
        )

    def figure(self, figure: FigureModel) -> Figure:
        from ..content.images import read_image, without_metadata

        assert self.content.folder is not None  # validation read the image from there
        image = without_metadata(read_image(self.content.folder, figure.image))
        label = self.inline.numbers.label("fig", figure.id, self.i18n)
        return Figure(
            key=body_key(figure),
            marking=self.marking(figure.marking),
            id=figure.id,
            number=self.inline.numbers.of("fig", figure.id) or 0,
            label=label,
            caption=text(inline_html(figure.caption, self.inline)),
            caption_plain=plain(figure.caption),
            alt=figure.alt,
            image_url=f"data:{image.mime};base64,{base64.b64encode(image.data).decode('ascii')}",
            image_digest=hashlib.sha256(image.data).hexdigest(),
            mime=image.mime,
            cited=self.cited(figure),
            sources=_sources(figure),
            credibility=figure.credibility,
        )

    def table(self, table: Table) -> TableBlockModel:
        decimal = self.i18n.decimal_symbol
        cols = columns(table, decimal)
        caption = text(inline_html(table.caption, self.inline))
        rows = tuple(self.row(row) for row in table.rows)
        return TableBlockModel(
            key=f"tab:{table.id}",
            marking=self.marking(table.marking),
            id=table.id,
            number=self.inline.numbers.of("tab", table.id) or 0,
            label=self.inline.numbers.label("tab", table.id, self.i18n),
            caption=caption,
            caption_plain=plain(table.caption),
            columns=tuple(
                Column(
                    typeset(name, self.i18n),
                    col.numeric,
                    tuple(col.padding(row.cells[c], decimal) for row in table.rows),
                )
                for c, (name, col) in enumerate(zip(table.columns, cols, strict=True))
            ),
            rows=rows,
            note_column=note_column(cols),
        )

    def row(self, row: Row) -> RowBlock:
        cells = tuple(text(inline_html(cell, self.inline)) for cell in row.cells)
        return RowBlock(
            key=body_key(row),
            marking=self.marking(row.marking),
            cells=cells,
            cells_plain=tuple(plain(cell) for cell in row.cells),
            cited=self.cited(row),
            sources=_sources(row),
            credibility=row.credibility,
        )

    def _notes(self) -> list[Note]:
        return [Note(n.number, self.i18n.number(n.number), text(n.html)) for n in self.notes.notes]


def _sources(cited: Any) -> tuple[Source, ...]:
    return tuple(Source(c.source, c.locator, c.quote) for c in cited.sources)
