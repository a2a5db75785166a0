"""The document an audience reads → a Word file: one walk of the same tree the templates
draw, so the .docx holds what the PDF holds, in the same order, with the same numbers.

The walk knows block kinds, not section names: a section has key judgments, items
(each with a title, or a date it runs in after), blocks (paragraphs of
statements, figures, tables), a glossary or a list of sources, and is written by
what it holds. A new kind of section needs nothing here.

The package is briefgen's own (the built-in reference document, with its text and
everything but its styles left out); from the audience's `reference.docx` only
styles, numbering, page setup, theme and fonts are taken (see house_style.py).
"""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import TYPE_CHECKING, Any

from docx.oxml.ns import qn

from ..document.model import (
    Document,
    Figure,
    Item,
    Marking,
    Paragraph,
    Section,
    Statement,
    Table,
)
from ..document.text import Text
from ..errors import TemplateError, display_path
from ..template_search import builtin_templates
from . import wordml
from .house_style import HouseStyleError, read_house_style, reference_docx

if TYPE_CHECKING:
    from ..audiences import Audience

MAX_FIGURE_CM = 15.0
RASTER_ZOOM = 2  # an SVG is drawn at twice its size, to stay sharp when printed


def render_docx(doc: Document, audience: Audience) -> bytes:
    """One audience's document as a .docx; the same document gives the same bytes."""
    from docx import Document as Package

    from .html import template_text

    package = Package(str(builtin_templates() / "_common" / "reference.docx"))
    reference = reference_docx(audience)
    try:
        house = read_house_style(reference)
    except HouseStyleError as exc:  # open_brief refuses it first; a file changed since
        raise TemplateError(f"{display_path(reference)}: {exc}") from None
    wordml.take_house_style(package, house)
    kicker = template_text(doc, audience, "kicker") or doc.header.audience_title
    Writer(package, doc, kicker).write()
    wordml.clean_package(package)
    out = io.BytesIO()
    package.save(out)
    return wordml.reproducible(out.getvalue(), _moment(doc))


def _moment(doc: Document) -> tuple[int, int, int, int, int, int]:
    stamp = dt.datetime.fromisoformat(doc.header.created.replace("Z", "+00:00"))
    return (max(stamp.year, 1980), stamp.month, stamp.day, stamp.hour, stamp.minute, 0)


class Writer:
    """Writes the document into the cleared package, in reading order."""

    def __init__(self, package: Any, doc: Document, kicker: str) -> None:
        self.package = package
        self.doc = doc
        self.kicker = kicker
        self.i18n = doc.i18n
        self.rtl = doc.header.direction == "rtl"
        self.footnotes = wordml.Footnotes(package)

    def write(self) -> None:
        self._clear()
        self._styles()
        lang = self.doc.header.lang
        east_asian = lang.split("-")[0] in ("ja", "zh", "ko")
        wordml.set_language(self.package, lang, self.rtl, east_asian)
        self._properties()
        self._header_and_footer()
        self._title_block()
        if self.doc.contents:
            self._contents()
        for section in self.doc.sections:
            self._section(section)

    # The package -------------------------------------------------------------------

    def _clear(self) -> None:
        body = self.package.element.body
        for child in list(body):
            if child.tag != qn("w:sectPr"):
                body.remove(child)

    def _styles(self) -> None:
        """The styles the document needs, added where the reference document lacks them."""
        from docx.enum.style import WD_STYLE_TYPE
        from docx.shared import Pt

        styles = self.package.styles
        names = {s.name for s in styles}
        if "Footnote Text" not in names:
            text = styles.add_style("Footnote Text", WD_STYLE_TYPE.PARAGRAPH)
            text.base_style = styles["Normal"]
            text.font.size = Pt(8)
            text.paragraph_format.space_after = Pt(0)
        if "Footnote Reference" not in names:
            styles.add_style("Footnote Reference", WD_STYLE_TYPE.CHARACTER).font.superscript = True
        for name in (
            "Header",
            "Footer",
            "Caption",
            "List Number",
            "Subtitle",
            "Title",
            "TOC Heading",
        ):
            if name not in names:
                styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH).base_style = styles["Normal"]

    def _properties(self) -> None:
        head = self.doc.header
        props = self.package.core_properties
        moment = dt.datetime(*_moment(self.doc), tzinfo=dt.UTC)
        props.title = _plain(head.title)
        props.subject = _plain(head.subtitle or "")
        props.author = self._join(head.authors)
        props.last_modified_by = props.author
        props.language = head.lang
        props.keywords = head.marking.label
        props.category = self.kicker
        props.comments = ""
        props.identifier = head.reference
        props.content_status = {True: "Draft", False: "Final"}[head.draft] if head.draft else ""
        props.version = head.version
        props.created = props.modified = moment
        props.last_printed = moment
        props.revision = 1

    def _header_and_footer(self) -> None:
        """The highest marking at the top and foot of every page, the page number beside
        it, as in the PDF; in Word's own Header and Footer styles."""
        from docx.enum.text import WD_ALIGN_PARAGRAPH

        section = self.package.sections[0]
        section.different_first_page_header_footer = False
        for part in (section.header, section.footer):
            part.is_linked_to_previous = False
            paragraph = part.paragraphs[0] if part.paragraphs else part.add_paragraph()
            for extra in part.paragraphs[1:]:
                extra._p.getparent().remove(extra._p)
            paragraph.clear()
            paragraph.style = self.package.styles["Header" if part is section.header else "Footer"]
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            paragraph.add_run(self.doc.header.marking.label).bold = True
            self._direction(paragraph)
        title = section.header.add_paragraph(style="Header")
        title.add_run(_plain(self.doc.header.running_title))
        registry = [self.doc.header.reference]
        registry.append(self.i18n.pgettext("draft", "DRAFT") if self.doc.header.draft else "")
        if any(registry):
            title.add_run("\t" + " · ".join(r for r in registry if r)).bold = True
        self._direction(title)
        page = section.footer.add_paragraph(style="Footer")
        page.alignment = WD_ALIGN_PARAGRAPH.LEFT if self.rtl else WD_ALIGN_PARAGRAPH.RIGHT
        template = self.i18n.pgettext("page-of", "Page %(page)s of %(pages)s")
        for piece in re.split(r"%\((page|pages)\)s", template):
            if piece in ("page", "pages"):
                wordml.add_field(page, "PAGE" if piece == "page" else "NUMPAGES")
            elif piece:
                page.add_run(piece)
        self._direction(page)

    # The title block -------------------------------------------------------------

    def _title_block(self) -> None:
        head = self.doc.header
        self._paragraph(self.kicker, "Subtitle")
        self._paragraph(head.title, "Title")
        if head.subtitle:
            self._paragraph(head.subtitle, "Subtitle")
        byline = self.i18n.pgettext("as-of", "As of %(date)s", date=head.date_label)
        if head.authors:
            byline += " · " + self._join(head.authors)
        self._paragraph(byline + " · " + head.marking.label)
        if head.portion_key:
            self._paragraph(head.portion_key).runs[0].italic = not self.rtl or None
        self._registry()

    def _registry(self) -> None:
        """Reference, version, who drafted and cleared the note, its distribution."""
        head = self.doc.header
        rows = [
            (
                self.i18n.pgettext("reference", "Reference"),
                [head.reference] if head.reference else [],
            ),
            (self.i18n.pgettext("version", "Version"), [head.version] if head.version else []),
            (self.i18n.pgettext("drafted-by", "Drafted by"), list(head.drafted_by)),
            (self.i18n.pgettext("cleared-by", "Cleared by"), list(head.cleared_by)),
            (self.i18n.pgettext("distribution", "Distribution"), list(head.distribution)),
        ]
        if head.draft:
            self._paragraph(self.i18n.pgettext("draft", "DRAFT")).runs[0].bold = True
        for label, values in rows:
            if values:
                paragraph = self.package.add_paragraph()
                paragraph.add_run(label + " ").bold = True
                paragraph.add_run(self._join(tuple(values)))
                self._direction(paragraph)

    def _contents(self) -> None:
        """A Contents field, filled with the sections as they stand (Word updates the
        page numbers when the field is updated)."""
        self._paragraph(self.i18n.pgettext("contents", "Contents"), "TOC Heading")
        entries = [self._numbered(s) for s in self.doc.sections]
        wordml.add_contents(self.package.add_paragraph(), entries)

    # Sections ----------------------------------------------------------------------

    def _section(self, section: Section) -> None:
        self._heading(self._numbered(section), 1)
        if section.strength:
            self._paragraph(section.strength).runs[0].italic = not self.rtl or None
        if section.purpose:
            paragraph = self.package.add_paragraph()
            paragraph.add_run(self.i18n.pgettext("purpose", "Purpose:") + " ").bold = True
            self._text(paragraph, section.purpose)
            self._direction(paragraph)
        for statement in section.statements:
            paragraph = self._paragraph("", "List Number")
            self._statement(paragraph, statement)
        if section.statuses:
            self._glance(section)
        for item in section.items:
            self._item(item)
        if section.glossary:
            self._table(None, [[e.term, e.expansion] for e in section.glossary], bold_first=True)
        if section.references:
            self._references(section)

    def _numbered(self, section: Section) -> str:
        return f"{section.number_label}. {section.heading}" if section.number else section.heading

    def _glance(self, section: Section) -> None:
        """Its items and their statuses, at a glance, before them."""
        header = [
            self.i18n.pgettext("column-area", "Area"),
            self.i18n.pgettext("column-status", "Status"),
        ]
        caption = self._paragraph(self.i18n.pgettext("at-a-glance", "At a glance"), "Caption")
        wordml.keep_with_next(caption)
        rows = [[item.title, item.status_label or ""] for item in section.items]
        self._table(header, rows)

    def _item(self, item: Item) -> None:
        if item.date:
            self._dated(item)
            return
        title = item.title + (f" — {item.status_label}" if item.status_label else "")
        self._heading(title, 2)
        self._blocks(item.blocks)

    def _dated(self, item: Item) -> None:
        """A dated item: its date, then its title run in with its first statements, in a
        paragraph that hangs from the date, as the PDF sets it."""
        from docx.shared import Cm

        paragraph = self.package.add_paragraph()
        paragraph.add_run(_plain(item.date_label or "") + "\t").bold = True
        end = self.i18n.pgettext("run-in-end", ".")
        paragraph.add_run(_plain(item.title) + end).bold = True
        if item.lead:
            paragraph.add_run(self.i18n.pgettext("statement-separator", " "))
            self._statements(paragraph, item.lead)
        hang = Cm(3.2)
        paragraph.paragraph_format.left_indent = hang
        paragraph.paragraph_format.first_line_indent = -hang
        paragraph.paragraph_format.tab_stops.add_tab_stop(hang)
        self._direction(paragraph)
        for block in item.rest:
            self._block(block, indent=hang)

    def _references(self, section: Section) -> None:
        if section.sources_note:
            self._text(self.package.add_paragraph(), section.sources_note)
        if section.grades_legend is None:  # a reference list
            for ref in section.references:
                paragraph = self.package.add_paragraph()
                self._text(paragraph, ref.html)
                if self.doc.show_grades:
                    paragraph.add_run(f" [{ref.reliability}]").bold = True
                self._direction(paragraph)
            return
        header = [
            self.i18n.pgettext("column-reference", "Reference"),
            self.i18n.pgettext("column-kind", "Kind"),
            self.i18n.pgettext("column-grade", "Grade"),
            self.i18n.pgettext("column-cited-by", "Cited by"),
        ]
        rows: list[list[Text | str]] = [
            [ref.html, ref.kind_label, ref.reliability, self.i18n.number(ref.cited_by)]
            for ref in section.references
        ]
        self._table(header, rows)
        self._paragraph(section.grades_legend)

    # Blocks --------------------------------------------------------------------------

    def _blocks(self, blocks: tuple[Paragraph | Figure | Table, ...]) -> None:
        for block in blocks:
            self._block(block)

    def _block(self, block: Paragraph | Figure | Table, indent: Any = None) -> None:
        if isinstance(block, Paragraph):
            paragraph = self.package.add_paragraph()
            self._statements(paragraph, block)
            if indent is not None:
                paragraph.paragraph_format.left_indent = indent
            self._direction(paragraph)
        elif isinstance(block, Figure):
            self._figure(block)
        else:
            self._data_table(block)

    def _statements(self, paragraph: Any, block: Paragraph) -> None:
        separator = self.i18n.pgettext("statement-separator", " ")
        for i, statement in enumerate(block.statements):
            if i:
                paragraph.add_run(separator)
            self._statement(paragraph, statement)

    def _statement(self, paragraph: Any, statement: Statement) -> None:
        self._portion(paragraph, statement.marking)
        self._cited(paragraph, statement.text, statement)
        self._direction(paragraph)

    def _cited(self, paragraph: Any, text: Text, block: Any) -> None:
        """The text, then its footnote (the document's number) or in-text citation."""
        cited = block.cited
        if cited.in_text is not None:
            from ..document.text import text as as_text
            from .html import cited_in_text

            joined = cited_in_text(text.html, cited.in_text.html, self.i18n)
            self._text(paragraph, as_text(joined))
            return
        self._text(paragraph, text)
        note = cited.note
        self.footnotes.call(paragraph, note.number)
        self.footnotes.note(note.number, note.html.spans, self.rtl)

    def _text(self, paragraph: Any, text: Text) -> None:
        wordml.add_spans(paragraph, text.spans)

    def _figure(self, figure: Figure) -> None:
        import base64

        from docx.shared import Cm

        data = base64.b64decode(figure.image_url.split(",", 1)[1])
        scale = 1
        if figure.mime == "image/svg+xml":
            data, scale = _raster(data), RASTER_ZOOM
        paragraph = self.package.add_paragraph()
        run = paragraph.add_run()
        width = min(Cm(MAX_FIGURE_CM), _natural_width(data, scale))
        run.add_picture(io.BytesIO(data), width=width)
        wordml.describe_picture(run, figure.alt, f"fig-{figure.id}")
        wordml.keep_with_next(paragraph)
        caption = self._caption(figure.label)
        self._portion(caption, figure.marking)
        self._cited(caption, figure.caption, figure)

    def _caption(self, label: str) -> Any:
        paragraph = self.package.add_paragraph(style="Caption")
        paragraph.add_run(label).bold = True
        paragraph.add_run(self.i18n.pgettext("caption-separator", ": "))
        self._direction(paragraph)
        return paragraph

    def _data_table(self, data: Table) -> None:
        from docx.enum.text import WD_ALIGN_PARAGRAPH

        caption = self._caption(data.label)
        self._portion(caption, data.marking)
        self._text(caption, data.caption)
        wordml.keep_with_next(caption)
        rows: list[list[Text | str]] = [list(row.cells) for row in data.rows]
        table = self._table([c.name for c in data.columns], rows)
        for i, col in enumerate(data.columns):
            if col.numeric:
                for row in table.rows:
                    row.cells[i].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
        for row, source_row in zip(table.rows[1:], data.rows, strict=True):
            wordml.keep_row_whole(row)
            if source_row.marking.portion:
                wordml.prepend_run(row.cells[0].paragraphs[0], source_row.marking.portion + " ")
            cell = row.cells[data.note_column].paragraphs[0]
            if source_row.cited.note is not None:
                self.footnotes.call(cell, source_row.cited.note.number)
                self.footnotes.note(
                    source_row.cited.note.number, source_row.cited.note.html.spans, self.rtl
                )
            elif source_row.cited.in_text is not None:
                cell.add_run(" ")
                self._text(cell, source_row.cited.in_text)

    def _portion(self, paragraph: Any, marking: Marking) -> None:
        """The portion mark, (I) or (R), before what is above the lowest level."""
        if marking.portion:
            paragraph.add_run(marking.portion + " ").bold = True

    def _table(
        self,
        header: list[str] | None,
        rows: list[list[Any]],
        bold_first: bool = False,
    ) -> Any:
        """A table in the reference document's grid style, its columns as wide as what
        they hold, with a header row that Word repeats on every page it runs onto."""
        count = len(header) if header else len(rows[0])
        table = self.package.add_table(rows=len(rows) + (1 if header else 0), cols=count)
        if "Table Grid" in {s.name for s in self.package.styles}:
            table.style = self.package.styles["Table Grid"]
        body = table.rows[1:] if header else table.rows
        if header:
            wordml.keep_header_row(table.rows[0])
            for cell, label in zip(table.rows[0].cells, header, strict=True):
                cell.paragraphs[0].add_run(_plain(label)).bold = True
        for row, values in zip(body, rows, strict=True):
            for i, (cell, value) in enumerate(zip(row.cells, values, strict=True)):
                paragraph = cell.paragraphs[0]
                if isinstance(value, Text):
                    self._text(paragraph, value)
                else:
                    paragraph.add_run(_plain(str(value))).bold = bold_first and i == 0 or None
                self._direction(paragraph)
        texts = [[_plain(h) for h in header]] if header else []
        texts += [[v.plain if isinstance(v, Text) else _plain(str(v)) for v in r] for r in rows]
        longest = [max(min(len(t[i]), 80) for t in texts) for i in range(count)]
        words = [max(min(_longest_word(t[i]), 30) for t in texts) for i in range(count)]
        wordml.set_column_widths(table, longest, words, self.package.sections[0])
        return table

    # Helpers -------------------------------------------------------------------------

    def _paragraph(self, text: str, style: str | None = None) -> Any:
        paragraph = self.package.add_paragraph(_plain(text), style=style)
        self._direction(paragraph)
        return paragraph

    def _heading(self, text: str, level: int) -> Any:
        heading = self.package.add_heading(_plain(text), level)
        wordml.keep_with_next(heading)
        self._direction(heading)
        return heading

    def _direction(self, paragraph: Any) -> None:
        if self.rtl:
            wordml.right_to_left(paragraph)

    def _join(self, names: tuple[str, ...]) -> str:
        return self.i18n.pgettext("list-separator", ", ").join(_plain(n) for n in names)


def _plain(text: str) -> str:
    """A label or title as Word shows it: without the break opportunities set for HTML."""
    return text.replace("\u200b", "").replace("\u2060", "")


def _longest_word(text: str) -> int:
    """The longest unbreakable run of a cell (a URL counts as long as a word may be)."""
    return max((len(word) for word in text.split()), default=0)


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
