"""What python-docx has no API for: footnotes, hyperlinks, fields, alt text, the
document language, and a package whose bytes depend on its content alone.

python-docx writes the body, styles, headers and properties; this module adds
the rest as WordprocessingML through python-docx's element classes. It reaches
into python-docx's elements (`_p`, `_r`, `_element`): pyproject.toml bounds
python-docx to the releases the tests pass on.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from typing import Any, cast

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import RGBColor

from ..document.text import Span

FOOTNOTES_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
LINK_COLOUR = RGBColor(0x0B, 0x3D, 0x62)


def add_spans(paragraph: Any, parts: tuple[Span, ...] | list[Span]) -> None:
    """Append runs to a python-docx paragraph (or footnote paragraph element)."""
    for span in parts:
        if span.href and span.href.startswith(("http://", "https://")):
            _add_link(paragraph, span)
        else:
            _format(paragraph.add_run(span.text), span)


def _format(run: Any, span: Span) -> None:
    run.italic = span.italic or None
    run.bold = span.bold or None
    if span.small_caps:
        run.font.small_caps = True
    if span.superscript:
        run.font.superscript = True


def _add_link(paragraph: Any, span: Span) -> None:
    """A live link as a HYPERLINK field: Word, LibreOffice and pandoc follow it, and the
    package holds no relationship to an outside address."""
    from docx.oxml import OxmlElement

    url = span.href or ""
    address = url.replace("\\", "%5C").replace('"', "%22")
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), f' HYPERLINK "{address}" ')
    run = paragraph.add_run(span.text)
    _format(run, span)
    run.font.underline = True
    run.font.color.rgb = LINK_COLOUR
    field.append(run._r)
    paragraph._p.append(field)


def prepend_run(paragraph: Any, text: str) -> None:
    """A bold run at the start of a paragraph (a row's portion mark)."""
    run = paragraph.add_run(text)
    run.bold = True
    first = paragraph._p.find(qn("w:r"))
    if first is not None and first is not run._r:
        first.addprevious(run._r)


# Footnotes -------------------------------------------------------------------------

_SEPARATORS = (
    '<w:footnote w:type="separator" w:id="-1"><w:p><w:pPr><w:spacing w:after="0"'
    ' w:line="240" w:lineRule="auto"/></w:pPr><w:r><w:separator/></w:r></w:p></w:footnote>'
    '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:pPr><w:spacing'
    ' w:after="0" w:line="240" w:lineRule="auto"/></w:pPr><w:r><w:continuationSeparator/>'
    "</w:r></w:p></w:footnote>"
)


class _NotesPart(Part):
    """The footnotes part, serialised from its element tree when the package is saved."""

    def __init__(self, root: Any, package: Any) -> None:
        super().__init__(PackURI("/word/footnotes.xml"), FOOTNOTES_TYPE, b"", package)
        self.root = root

    @property
    def blob(self) -> bytes:
        from lxml import etree

        data: bytes = etree.tostring(self.root, xml_declaration=True, encoding="UTF-8")
        return data


@dataclass(frozen=True)
class _Story:
    """What a paragraph of a footnote belongs to: the footnotes part."""

    part: Any


class Footnotes:
    """The document's footnotes part: each note a w:footnote, called from the text by a
    w:footnoteReference whose id is the document's note number. Word numbers notes by
    their order, which is the document's: the calls are made in reading order."""

    def __init__(self, document: Any) -> None:
        self.document = document
        self.root = parse_xml(f"<w:footnotes {nsdecls('w', 'r')}>{_SEPARATORS}</w:footnotes>")
        self.part = document.part
        # A reference document made in Word has a footnotes part of its own: replaced.
        for r_id, rel in list(self.part.rels.items()):
            if rel.reltype == RT.FOOTNOTES:
                self.part.rels.pop(r_id)
        self._notes_part: Any = None

    def call(self, paragraph: Any, number: int) -> None:
        """The note's call, at the end of what the paragraph holds so far."""
        run = paragraph.add_run()
        run.style = self.document.styles["Footnote Reference"]
        run._r.append(parse_xml(f'<w:footnoteReference {nsdecls("w")} w:id="{number}"/>'))

    def note(self, number: int, parts: tuple[Span, ...], rtl: bool = False) -> None:
        """The note's text, at the foot of the page of its call."""
        footnote = parse_xml(
            f'<w:footnote {nsdecls("w")} w:id="{number}"><w:p><w:pPr>'
            '<w:pStyle w:val="FootnoteText"/></w:pPr><w:r><w:rPr>'
            '<w:rStyle w:val="FootnoteReference"/></w:rPr><w:footnoteRef/></w:r>'
            '<w:r><w:t xml:space="preserve"> </w:t></w:r></w:p></w:footnote>'
        )
        self.root.append(footnote)
        from docx.text.paragraph import Paragraph

        paragraph = Paragraph(footnote[0], cast(Any, _Story(self._part())))
        add_spans(paragraph, parts)
        if rtl:
            right_to_left(paragraph)

    def _part(self) -> Any:
        if self._notes_part is None:
            self._notes_part = _NotesPart(self.root, self.part.package)
            self.part.relate_to(self._notes_part, RT.FOOTNOTES)
        return self._notes_part


# Fields, alt text, language ---------------------------------------------------------


def add_field(paragraph: Any, instruction: str) -> None:
    """A field Word computes (PAGE, NUMPAGES), with a placeholder until it does."""
    paragraph._p.append(
        parse_xml(
            f'<w:fldSimple {nsdecls("w")} w:instr=" {instruction} ">'
            "<w:r><w:t>1</w:t></w:r></w:fldSimple>"
        )
    )


def describe_picture(run: Any, alt: str, name: str) -> None:
    """The picture's alt text, where Word and screen readers read it."""
    for doc_pr in run._r.xpath(".//wp:docPr"):
        doc_pr.set("descr", alt)
        doc_pr.set("name", name)


def keep_header_row(row: Any) -> None:
    """Repeat the row at the top of each page the table runs onto; never split a row."""
    tr_pr = row._tr.get_or_add_trPr()
    tr_pr.append(parse_xml(f"<w:tblHeader {nsdecls('w')}/>"))


def keep_row_whole(row: Any) -> None:
    row._tr.get_or_add_trPr().append(parse_xml(f"<w:cantSplit {nsdecls('w')}/>"))


LATIN_DEFAULT = "en-US"  # what Word itself sets for Latin text in a CJK or RTL document


def set_language(document: Any, lang: str, rtl: bool, east_asian: bool) -> None:
    """The document's language on every run by default, and right-to-left paragraphs
    where the language is written so."""
    styles = document.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is None:
        defaults = parse_xml(f"<w:docDefaults {nsdecls('w')}/>")
        styles.insert(0, defaults)
    r_pr = _child(_child(defaults, "w:rPrDefault"), "w:rPr")
    for old in r_pr.findall(qn("w:lang")):
        r_pr.remove(old)
    # Word keeps a language per script: Latin text in a Japanese brief is still set as
    # Latin (else it breaks inside words), Arabic script as Arabic.
    script = "bidi" if rtl else "eastAsia" if east_asian else None
    other = f' w:{script}="{lang}"' if script else ""
    latin = LATIN_DEFAULT if script else lang
    r_pr.append(parse_xml(f'<w:lang {nsdecls("w")} w:val="{latin}"{other}/>'))
    fonts = SCRIPT_FONTS.get(lang.split("-")[0])
    if fonts is not None:  # the PDF's font for the script, where Word looks for it
        attribute, name = fonts
        r_fonts = r_pr.find(qn("w:rFonts"))
        if r_fonts is None:
            r_fonts = parse_xml(f"<w:rFonts {nsdecls('w')}/>")
            r_pr.insert(0, r_fonts)
        r_fonts.set(qn(f"w:{attribute}"), name)
    if rtl:
        p_pr = _child(_child(defaults, "w:pPrDefault"), "w:pPr")
        if p_pr.find(qn("w:bidi")) is None:
            p_pr.insert_element_before(parse_xml(f"<w:bidi {nsdecls('w')}/>"), *_AFTER_BIDI)
        _no_italic(document)


# The fonts the PDF sets each script in (render/fonts.py), as Word names them: the
# complex-script font for Arabic and Hebrew, the East Asian one for CJK.
SCRIPT_FONTS = {
    "ar": ("cs", "Noto Naskh Arabic"),
    "fa": ("cs", "Noto Naskh Arabic"),
    "ur": ("cs", "Noto Naskh Arabic"),
    "he": ("cs", "Noto Serif Hebrew"),
    "ja": ("eastAsia", "Noto Serif CJK JP"),
    "zh": ("eastAsia", "Noto Serif CJK SC"),
    "ko": ("eastAsia", "Noto Serif CJK KR"),
}


def _no_italic(document: Any) -> None:
    """Arabic and Hebrew have no italic: a style's italic would be slanted by the
    application, as a synthetic oblique. Taken out of every style."""
    for style in document.styles.element.findall(qn("w:style")):
        r_pr = style.find(qn("w:rPr"))
        if r_pr is None:
            continue
        for tag in ("w:i", "w:iCs"):
            for element in r_pr.findall(qn(tag)):
                r_pr.remove(element)


def _child(parent: Any, tag: str) -> Any:
    found = parent.find(qn(tag))
    if found is None:
        found = parse_xml(f"<{tag} {nsdecls('w')}/>")
        parent.append(found)
    return found


# The package -------------------------------------------------------------------------


def reproducible(package: bytes, moment: tuple[int, int, int, int, int, int]) -> bytes:
    """The same .docx bytes for the same content: every entry dated `moment`, in a fixed
    order, compressed alike."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(package)) as source:
        names = source.namelist()
        first = [n for n in names if n == "[Content_Types].xml"]
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
            for name in first + sorted(n for n in names if n not in first):
                info = zipfile.ZipInfo(name, date_time=moment)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                target.writestr(info, source.read(name))
    return out.getvalue()


# Paragraphs --------------------------------------------------------------------------


def keep_with_next(paragraph: Any) -> None:
    """Never the last line of a page: a heading or a caption stays with what follows."""
    paragraph.paragraph_format.keep_with_next = True


# The elements that follow w:bidi in a paragraph's properties (ECMA-376 §17.3.1.26).
_AFTER_BIDI = (
    "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing",
    "w:mirrorIndents", "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment",
    "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr",
    "w:pPrChange",
)  # fmt: skip


def right_to_left(paragraph: Any) -> None:
    """A paragraph read right to left, its bidi property where the schema puts it, and its
    runs set as complex script (the fonts and size Word uses for Arabic and Hebrew)."""
    p_pr = paragraph._p.get_or_add_pPr()
    if p_pr.find(qn("w:bidi")) is None:
        p_pr.insert_element_before(parse_xml(f"<w:bidi {nsdecls('w')}/>"), *_AFTER_BIDI)
    for run in paragraph._p.iter(qn("w:r")):
        r_pr = run.get_or_add_rPr()
        if r_pr.find(qn("w:rtl")) is None:
            r_pr.append(parse_xml(f"<w:rtl {nsdecls('w')}/>"))


def add_contents(paragraph: Any, entries: list[str]) -> None:
    """A TOC field over headings 1–2, showing `entries` until Word updates it."""
    from docx.oxml import OxmlElement

    def field_char(kind: str) -> Any:
        run = OxmlElement("w:r")
        char = OxmlElement("w:fldChar")
        char.set(qn("w:fldCharType"), kind)
        if kind == "begin":
            char.set(qn("w:dirty"), "true")  # Word fills in the page numbers on opening
        run.append(char)
        return run

    instruction = OxmlElement("w:r")
    text = OxmlElement("w:instrText")
    text.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    text.text = ' TOC \\o "1-2" \\h \\z \\u '
    instruction.append(text)
    p = paragraph._p
    p.append(field_char("begin"))
    p.append(instruction)
    p.append(field_char("separate"))
    for i, entry in enumerate(entries):
        run = paragraph.add_run(entry)
        if i < len(entries) - 1:
            run.add_break()
    p.append(field_char("end"))


# A character of 10 pt text at its widest (bold capitals), and a cell's own margins,
# in EMU: enough to turn a count of characters into a width no word overflows.
CHAR_EMU = 7 * 12700
CELL_MARGINS_EMU = 2 * 68580 + 12700


def set_column_widths(table: Any, longest: list[int], words: list[int], section: Any) -> None:
    """Columns as wide as what they hold (a reference wide, a grade narrow), filling the
    page between its margins, and never narrower than their longest word, so that no
    word breaks: Word keeps these widths, not the equal ones it would start with."""
    from docx.shared import Emu

    table.autofit = False
    usable = int(section.page_width - section.left_margin - section.right_margin)
    floor = [w * CHAR_EMU + CELL_MARGINS_EMU for w in words]
    if sum(floor) >= usable:
        widths = [usable * f // sum(floor) for f in floor]
    else:
        extra = [max(n - w, 0) for n, w in zip(longest, words, strict=True)]
        spare, share = usable - sum(floor), sum(extra)
        widths = [
            f + (spare * e // share if share else spare // len(floor))
            for f, e in zip(floor, extra, strict=True)
        ]
    grid = table._tbl.tblGrid
    for col, width in zip(grid.findall(qn("w:gridCol")), widths, strict=True):
        col.set(qn("w:w"), str(int(Emu(width).twips)))
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = Emu(width)


# The package -------------------------------------------------------------------------

# What a written package holds, by relationship type: the document and its properties;
# of the document, its styles, numbering, settings, theme, fonts, notes, headers,
# footers and pictures. A thumbnail, custom XML, web settings, comments and the like,
# which python-docx or a reference document bring along, are left out.
PACKAGE_KEEPS = {"officeDocument", "core-properties", "extended-properties"}
DOCUMENT_KEEPS = {
    "styles", "numbering", "settings", "theme", "fontTable", "footnotes", "header",
    "footer", "image",
}  # fmt: skip
# Settings that a reference document could carry into every output: even-page headers
# (the marking would not print on even pages), an attached template Word fetches,
# protection, mail merge, document variables.
SETTINGS_DROPPED = (
    "w:attachedTemplate", "w:evenAndOddHeaders", "w:documentProtection",
    "w:writeProtection", "w:mailMerge", "w:docVars", "w:linkStyles", "w:removePersonalInformation",
)  # fmt: skip
APP_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
    "<Application>briefgen</Application><DocSecurity>0</DocSecurity></Properties>"
)


def take_house_style(package: Any, house: Any) -> None:
    """The reference document's styles, numbering, theme, fonts and page setup, put into
    briefgen's own package (see house_style.py for what is left out, and why)."""
    part = package.part
    part._styles_part._element = parse_xml(house.styles)
    if house.numbering is not None:
        part.numbering_part._element = parse_xml(house.numbering)
    for rel in part.rels.values():
        kind = rel.reltype.rsplit("/", 1)[-1]
        blob = {"theme": house.theme, "fontTable": house.font_table}.get(kind)
        if blob is not None and not rel.is_external:
            _set_blob(rel.target_part, blob)
    section = package.sections[-1]._sectPr
    for xml in house.page_setup:
        element = parse_xml(xml)
        for old in section.findall(element.tag):
            section.remove(old)
        _insert_in_order(section, element)


def _set_blob(part: Any, blob: bytes) -> None:
    if hasattr(part, "_element"):
        part._element = parse_xml(blob)
    else:
        part._blob = blob


# The children of w:sectPr, in schema order (ECMA-376 §17.6.17).
_SECTION_ORDER = (
    "headerReference", "footerReference", "footnotePr", "endnotePr", "type", "pgSz",
    "pgMar", "paperSrc", "pgBorders", "lnNumType", "pgNumType", "cols", "formProt",
    "vAlign", "noEndnote", "titlePg", "textDirection", "bidi", "rtlGutter", "docGrid",
    "printerSettings", "sectPrChange",
)  # fmt: skip


def _insert_in_order(section: Any, element: Any) -> None:
    local = element.tag.rsplit("}", 1)[-1]
    later = _SECTION_ORDER[_SECTION_ORDER.index(local) + 1 :]
    for child in section:
        if child.tag.rsplit("}", 1)[-1] in later:
            child.addprevious(element)
            return
    section.append(element)


def clean_package(package: Any) -> None:
    """Only what briefgen wrote or took on purpose stays in the package, with no
    relationship to anything outside it, and honest application properties."""
    for rels, keep in (
        (package.part.package.rels, PACKAGE_KEEPS),
        (package.part.rels, DOCUMENT_KEEPS),
    ):
        for r_id, rel in list(rels.items()):
            if rel.is_external or rel.reltype.rsplit("/", 1)[-1] not in keep:
                rels.pop(r_id)
    settings = package.settings.element
    for tag in SETTINGS_DROPPED:
        for element in settings.findall(qn(tag)):
            settings.remove(element)
    settings_part = package.part._settings_part
    for r_id in list(settings_part.rels):
        settings_part.rels.pop(r_id)
    for rel in package.part.package.rels.values():
        if rel.reltype.endswith("/extended-properties"):
            _set_blob(rel.target_part, APP_XML.encode())
