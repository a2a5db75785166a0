"""Filtered content → a Word document, per audience: the sections its audience shows,
Word's heading, list, caption and table styles, real footnotes, the marking in every
header and footer.

The styles come from the audience's `reference.docx` (the nearest in its chain of
template folders, else the built-in one), as Pandoc's `--reference-doc` does: a user
swaps it for the institution's house style. Its text is cleared; only styles,
page setup and numbering are kept. `content` must already be filtered.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

from docx.oxml.ns import qn

from ..audiences import Audience
from ..clearance import highest_marking
from ..content.models import Content, Figure, Statement, Table
from ..content.sections import kind
from ..document.blocks import columns, note_column, numbering, runs
from ..document.citations import NoteBook
from ..document.evidence import citing_statements, strength
from ..document.i18n import I18n
from ..document.inline import Abbreviations, Inline, inline_html
from ..document.typography import typeset
from ..template_search import builtin_templates
from . import wordml
from .html import cited_in_text, created_date, output_language, portion_key, section_shown

REFERENCE_DOCX = "reference.docx"
MAX_FIGURE_CM = 15.0


def reference_docx(audience: Audience) -> Path:
    """The audience's reference document: its own, an inherited one, else the built-in."""
    for folder in (*audience.dirs, builtin_templates() / "_common"):
        candidate = folder / REFERENCE_DOCX
        if candidate.is_file() and candidate.resolve().is_relative_to(folder.resolve()):
            return candidate
    raise FileNotFoundError(REFERENCE_DOCX)


def render_docx(content: Content, audience: Audience) -> bytes:
    """One audience's brief as a .docx; the same content gives the same bytes."""
    from docx import Document

    document = Document(str(reference_docx(audience)))
    writer = Writer(document, content, audience)
    writer.write()
    out = io.BytesIO()
    document.save(out)
    return wordml.reproducible(out.getvalue(), _moment(content))


def _moment(content: Content) -> tuple[int, int, int, int, int, int]:
    stamp = dt.datetime.fromisoformat(created_date(content).replace("Z", "+00:00"))
    return (max(stamp.year, 1980), stamp.month, stamp.day, stamp.hour, stamp.minute, 0)


class Writer:
    """Writes the filtered content into a cleared reference document, in reading order,
    so that notes, figures and tables are numbered as in the other forms."""

    def __init__(self, document: Any, content: Content, audience: Audience) -> None:
        self.doc = document
        self.content = content
        self.audience = audience
        self.i18n: I18n = output_language(content, audience)
        self.notes = NoteBook(content, self.i18n, show_grades=audience.config.show_grades)
        sections = audience.config.sections
        self.inline = Inline(
            self.i18n, numbering(content, sections), Abbreviations(content.abbreviations)
        )
        self.footnotes = wordml.Footnotes(document)
        self.marking = highest_marking(content)

    def write(self) -> None:
        self._clear()
        self._styles()
        lang = self.content.brief.lang
        east_asian = lang.split("-")[0] in ("ja", "zh", "ko")
        wordml.set_language(self.doc, lang, self.i18n.direction == "rtl", east_asian)
        self._properties()
        self._header_and_footer()
        self._title_block()
        for name in self.audience.config.sections:
            if section_shown(self.content, name):
                getattr(self, f"_{name}", self._items)(name)
        if self.notes.in_text and not {"references", "sources"} & set(
            self.audience.config.sections
        ):
            self._references("references")

    # The package -------------------------------------------------------------------

    def _clear(self) -> None:
        body = self.doc.element.body
        for child in list(body):
            if child.tag != qn("w:sectPr"):
                body.remove(child)

    def _styles(self) -> None:
        """The styles the brief needs, added where the reference document lacks them."""
        from docx.enum.style import WD_STYLE_TYPE
        from docx.shared import Pt

        styles = self.doc.styles
        names = {s.name for s in styles}
        if "Footnote Text" not in names:
            text = styles.add_style("Footnote Text", WD_STYLE_TYPE.PARAGRAPH)
            text.base_style = styles["Normal"]
            text.font.size = Pt(8)
            text.paragraph_format.space_after = Pt(0)
        if "Footnote Reference" not in names:
            styles.add_style("Footnote Reference", WD_STYLE_TYPE.CHARACTER).font.superscript = True

    def _properties(self) -> None:
        brief = self.content.brief
        props = self.doc.core_properties
        moment = dt.datetime(*_moment(self.content), tzinfo=dt.timezone.utc)
        props.title = brief.title
        props.subject = brief.subtitle or ""
        props.author = self._join(brief.authors)
        props.last_modified_by = props.author
        props.language = brief.lang
        props.keywords = self._marking_name()
        props.category = self.i18n.pgettext("audience-title", self.audience.config.title)
        props.comments = ""
        props.created = props.modified = moment
        props.last_printed = moment
        props.revision = 1

    def _header_and_footer(self) -> None:
        """The highest marking at the top and foot of every page, the page number beside
        it, as in the PDF."""
        from docx.enum.text import WD_ALIGN_PARAGRAPH

        section = self.doc.sections[0]
        section.different_first_page_header_footer = False
        for part in (section.header, section.footer):
            part.is_linked_to_previous = False
            paragraph = part.paragraphs[0] if part.paragraphs else part.add_paragraph()
            for extra in part.paragraphs[1:]:
                extra._p.getparent().remove(extra._p)
            paragraph.clear()
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            paragraph.add_run(self._marking_name()).bold = True
        page = section.footer.add_paragraph()
        page.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        template = self.i18n.pgettext("page-of", "Page %(page)s of %(pages)s")
        for piece in _split_fields(template):
            if piece in ("page", "pages"):
                wordml.add_field(page, "PAGE" if piece == "page" else "NUMPAGES")
            elif piece:
                page.add_run(piece)

    # The title block -------------------------------------------------------------

    def _title_block(self) -> None:
        brief = self.content.brief
        kicker = self.i18n.pgettext("audience-title", self.audience.config.title)
        self.doc.add_paragraph(typeset(kicker, self.i18n), style="Subtitle")
        self.doc.add_paragraph(typeset(brief.title, self.i18n), style="Title")
        if brief.subtitle:
            self.doc.add_paragraph(typeset(brief.subtitle, self.i18n), style="Subtitle")
        byline = self.i18n.pgettext("as-of", "As of %(date)s", date=self.i18n.date(brief.date))
        if brief.authors:
            byline += " · " + self._join(brief.authors)
        self.doc.add_paragraph(byline + " · " + self._marking_name())
        if self.marking != "PUBLIC":
            self.doc.add_paragraph(portion_key(self.content, self.i18n)).runs[0].italic = True

    # Sections ----------------------------------------------------------------------

    def _heading(self, name: str) -> None:
        self.doc.add_heading(self.i18n.pgettext(f"section-{name}", kind(name).heading), 1)
        if kind(name).item is not None or name == "summary":
            self._provenance(name)

    def _provenance(self, name: str) -> None:
        if not self.audience.config.show_grades:
            return
        found = strength(self.content, name)
        line = self.i18n.npgettext(
            "evidence-strength",
            "%(strong)s of %(total)s statement here cites at least one source graded A–B.",
            "%(strong)s of %(total)s statements here cite at least one source graded A–B.",
            found.total,
            strong=self.i18n.number(found.strong),
            total=self.i18n.number(found.total),
        )
        self.doc.add_paragraph().add_run(line).italic = True

    def _summary(self, name: str) -> None:
        self._heading(name)
        for statement in self.content.brief.summary:
            self._cited(self.doc.add_paragraph(style="List Number"), statement, statement.text)

    def _items(self, name: str) -> None:
        """A section of items with a heading each (background, cooperation, questions)."""
        self._heading(name)
        if name == "cooperation":
            self._cooperation_table()
        for item in self.content.items(name):
            title = next(
                getattr(item, f)
                for f in ("heading", "area", "question", "title")
                if hasattr(item, f)
            )
            heading = self.doc.add_heading(typeset(title, self.i18n), 2)
            if name == "cooperation":
                heading.add_run(" — " + self.i18n.pgettext("status", item.status))
            self._blocks(item.statements)

    def _milestones(self, name: str) -> None:
        self._heading(name)
        for milestone in self.content.items(name):
            paragraph = self.doc.add_paragraph()
            paragraph.add_run(self.i18n.date(milestone.date) + "\t").bold = True
            end = self.i18n.pgettext("run-in-end", ".")
            paragraph.add_run(typeset(milestone.title, self.i18n) + end).bold = True
            parts = runs(milestone.statements)
            if parts and parts[0].kind == "statements":
                paragraph.add_run(self.i18n.pgettext("statement-separator", " "))
                self._statements(paragraph, parts[0].statements)
                parts = parts[1:]
            self._runs(parts)

    def _cooperation_table(self) -> None:
        items = self.content.items("cooperation")
        table = self._table(
            [
                self.i18n.pgettext("column-area", "Area"),
                self.i18n.pgettext("column-status", "Status"),
            ],
            len(items),
        )
        for row, item in zip(table.rows[1:], items, strict=True):
            row.cells[0].paragraphs[0].add_run(typeset(item.area, self.i18n))
            row.cells[1].paragraphs[0].add_run(self.i18n.pgettext("status", item.status))

    def _glossary(self, name: str) -> None:
        self._heading(name)
        terms = sorted(self.content.abbreviations.items())
        table = self._table(None, len(terms), columns_count=2)
        for row, (term, expansion) in zip(table.rows, terms, strict=True):
            row.cells[0].paragraphs[0].add_run(term).bold = True
            row.cells[1].paragraphs[0].add_run(typeset(expansion, self.i18n))

    def _references(self, name: str) -> None:
        self._heading(name)
        self._sources_note()
        for ref in self.notes.references():
            paragraph = self.doc.add_paragraph()
            wordml.add_spans(paragraph, wordml.spans(str(ref.html)), self.doc.part)
            if self.audience.config.show_grades:
                paragraph.add_run(f" [{ref.source.reliability}]").bold = True

    def _sources(self, name: str) -> None:
        self._heading(name)
        self._sources_note()
        labels = [
            self.i18n.pgettext("column-reference", "Reference"),
            self.i18n.pgettext("column-kind", "Kind"),
            self.i18n.pgettext("column-grade", "Grade"),
            self.i18n.pgettext("column-cited-by", "Cited by"),
        ]
        references = self.notes.references()
        table = self._table(labels, len(references))
        cited_by = citing_statements(self.content)
        for row, ref in zip(table.rows[1:], references, strict=True):
            source = ref.source
            wordml.add_spans(row.cells[0].paragraphs[0], wordml.spans(str(ref.html)), self.doc.part)
            kind_label = self.i18n.pgettext("source-kind", source.kind) if source.kind else "—"
            row.cells[1].paragraphs[0].add_run(kind_label)
            row.cells[2].paragraphs[0].add_run(source.reliability).bold = True
            row.cells[3].paragraphs[0].add_run(self.i18n.number(cited_by[source.id]))
        self.doc.add_paragraph(
            self.i18n.pgettext(
                "grades-legend",
                "Grades follow the Admiralty scale. Source reliability: A completely reliable, "
                "B usually reliable, C fairly reliable, D not usually reliable, E unreliable, "
                "F cannot be judged. Information credibility, given once after a note's "
                "sources: 1 confirmed, 2 probably true, 3 possibly true, 4 doubtful, "
                "5 improbable, 6 cannot be judged.",
            )
        )

    def _sources_note(self) -> None:
        note = self.content.brief.sources_note
        if note:
            paragraph = self.doc.add_paragraph()
            self._inline(paragraph, note)

    # Blocks --------------------------------------------------------------------------

    def _blocks(self, blocks: list[Any]) -> None:
        self._runs(runs(blocks))

    def _runs(self, parts: list[Any]) -> None:
        for part in parts:
            if part.kind == "statements":
                self._statements(self.doc.add_paragraph(), part.statements)
            elif part.kind == "figure":
                self._figure(part.figure)
            else:
                self._data_table(part.table)

    def _statements(self, paragraph: Any, statements: tuple[Statement, ...]) -> None:
        separator = self.i18n.pgettext("statement-separator", " ")
        for i, statement in enumerate(statements):
            if i:
                paragraph.add_run(separator)
            self._cited(paragraph, statement, statement.text)

    def _cited(self, paragraph: Any, thing: Any, text: str, portion: bool = True) -> None:
        """Its portion mark, its text, then its footnote (or in-text citation)."""
        if portion:
            self._portion(paragraph, thing.marking)
        html = inline_html(text, self.inline)
        note = self.notes.note(thing)
        if self.notes.in_text:
            html = cited_in_text(html, note.html, self.i18n)
            wordml.add_spans(paragraph, wordml.spans(str(html)), self.doc.part)
            return
        wordml.add_spans(paragraph, wordml.spans(str(html)), self.doc.part)
        self.footnotes.call(paragraph, note.number)
        self.footnotes.note(note.number, wordml.spans(str(note.html)))

    def _inline(self, paragraph: Any, text: str) -> None:
        wordml.add_spans(
            paragraph, wordml.spans(str(inline_html(text, self.inline))), self.doc.part
        )

    def _caption(self, label: str) -> Any:
        paragraph = self.doc.add_paragraph(style="Caption")
        paragraph.add_run(label).bold = True
        paragraph.add_run(self.i18n.pgettext("caption-separator", ": "))
        return paragraph

    def _figure(self, figure: Figure) -> None:
        from docx.shared import Cm

        from ..content.images import read_image

        assert self.content.folder is not None  # validation read the image from it
        image = read_image(self.content.folder, figure.image)
        data, scale = image.data, 1
        if image.mime == "image/svg+xml":
            data, scale = _raster(data), RASTER_ZOOM
        paragraph = self.doc.add_paragraph()
        run = paragraph.add_run()
        width = min(Cm(MAX_FIGURE_CM), _natural_width(data, scale))
        run.add_picture(io.BytesIO(data), width=width)
        wordml.describe_picture(run, figure.alt, f"fig-{figure.id}")
        caption = self._caption(self.inline.numbers.label("fig", figure.id, self.i18n))
        self._cited(caption, figure, figure.caption)

    def _data_table(self, data: Table) -> None:
        from docx.enum.text import WD_ALIGN_PARAGRAPH

        caption = self._caption(self.inline.numbers.label("tab", data.id, self.i18n))
        self._inline(caption, data.caption)
        cols = columns(data, self.i18n.decimal_symbol)
        note_at = note_column(cols)
        table = self._table(data.columns, len(data.rows))
        for i, col in enumerate(cols):
            if col.numeric:
                table.rows[0].cells[i].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
        for row, source_row in zip(table.rows[1:], data.rows, strict=True):
            wordml.keep_row_whole(row)
            for i, cell in enumerate(source_row.cells):
                paragraph = row.cells[i].paragraphs[0]
                if cols[i].numeric:
                    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
                if i == 0:
                    self._portion(paragraph, source_row.marking)
                if i == note_at:
                    self._cited(paragraph, source_row, cell, portion=False)
                else:
                    self._inline(paragraph, cell)

    def _portion(self, paragraph: Any, marking: str | None) -> None:
        """The portion mark, (I) or (R), before what is not PUBLIC (the filter made every
        marking explicit)."""
        if marking and marking != "PUBLIC":
            mark = self.i18n.pgettext(f"portion-{marking}", f"({marking[0]})")
            paragraph.add_run(mark + " ").bold = True

    def _table(self, header: list[str] | None, rows: int, columns_count: int = 0) -> Any:
        """A table in the reference document's grid style, with a header row that Word
        repeats on every page the table runs onto."""
        count = len(header) if header else columns_count
        table = self.doc.add_table(rows=rows + (1 if header else 0), cols=count)
        if "Table Grid" in {s.name for s in self.doc.styles}:
            table.style = self.doc.styles["Table Grid"]
        if header:
            wordml.keep_header_row(table.rows[0])
            for cell, label in zip(table.rows[0].cells, header, strict=True):
                cell.paragraphs[0].add_run(typeset(label, self.i18n)).bold = True
        return table

    # Helpers -------------------------------------------------------------------------

    def _marking_name(self) -> str:
        return self.i18n.pgettext("marking", self.marking)

    def _join(self, names: list[str]) -> str:
        return self.i18n.pgettext("list-separator", ", ").join(names)


def _split_fields(template: str) -> list[str]:
    """'Page %(page)s of %(pages)s' → ['Page ', 'page', ' of ', 'pages', '']."""
    import re

    return re.split(r"%\((page|pages)\)s", template)


RASTER_ZOOM = 2  # an SVG is drawn at twice its size, to stay sharp when printed


def _raster(svg: bytes) -> bytes:
    """An SVG figure as PNG: every Word reader shows a raster (resvg, no system library;
    the SVG was checked to load nothing)."""
    import math

    import resvg_py

    from ..content.images import MAX_PIXELS, svg_size

    width, height = svg_size(svg)
    # Twice its size to stay sharp, but never more pixels than a raster figure may have.
    zoom = min(float(RASTER_ZOOM), math.sqrt(MAX_PIXELS / max(width * height, 1.0)))
    png = resvg_py.svg_to_bytes(svg_string=svg.decode("utf-8"), zoom=zoom)
    return bytes(png)


def _natural_width(data: bytes, scale: int) -> Any:
    """The image's width as a web page shows it: 96 pixels an inch, before `scale`."""
    from docx.shared import Emu
    from PIL import Image

    with Image.open(io.BytesIO(data)) as image:
        dpi = float(image.info.get("dpi", (96, 96))[0] or 96)
        return Emu(int(image.width / scale / dpi * 914400))
