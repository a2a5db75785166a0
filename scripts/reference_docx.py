"""Make the built-in reference.docx: Word styles that match the PDF's look.

    .venv/bin/python scripts/reference_docx.py   # writes templates/_common/reference.docx

The built-in audiences' Word files take their styles from it, as Pandoc's
--reference-doc works: serif body at 10 pt, sans headings in the accent blue,
small sans notes, A4 with the PDF's margins. An institution replaces it with its
own (an audience folder's reference.docx wins), made in Word from this one.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

ROOT = Path(__file__).resolve().parents[1]
TARGET = ROOT / "templates" / "_common" / "reference.docx"
# The minister's note is set denser, as its print stylesheet sets it (9.5 pt on 18 mm
# margins), so that the .docx keeps to the same two pages.
MINISTER = ROOT / "templates" / "minister" / "reference.docx"
# The PDF's fonts (they ship with briefgen, under the SIL Open Font License); the font
# table names a font every Word installation has for each, where it is not installed.
SERIF, SANS = "Charis SIL", "Inter"
FALLBACK = {SERIF: ("Georgia", "roman"), SANS: ("Arial", "swiss")}
INK, MUTED, ACCENT = (
    RGBColor(0x1B, 0x1F, 0x24),
    RGBColor(0x5B, 0x64, 0x70),
    RGBColor(0x0B, 0x3D, 0x62),
)


def make(
    body: float = 10, margin: float = 21, top: float = 24, title: float = 22, after: float = 6
) -> bytes:
    sys.path.insert(0, str(ROOT / "src"))
    from briefgen.render.wordml import reproducible

    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = section.bottom_margin = Mm(top)
    section.left_margin = section.right_margin = Mm(margin)
    styles = document.styles

    def font(name: str, family: str, size: float, colour: RGBColor, bold: bool = False) -> None:
        style = styles[name]
        style.font.name, style.font.size = family, Pt(size)
        # A theme font would win over the named one: drop it.
        for fonts in style.element.xpath(".//w:rFonts"):
            for theme in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
                fonts.attrib.pop(qn(f"w:{theme}"), None)
        style.font.color.rgb, style.font.bold = colour, bold

    font("Normal", SERIF, body, INK)
    styles["Normal"].paragraph_format.space_after = Pt(after)
    styles["Normal"].paragraph_format.line_spacing = 1.2
    font("Title", SERIF, title, INK, bold=True)
    font("Subtitle", SANS, 9, ACCENT, bold=True)
    font("Heading 1", SANS, 13, ACCENT, bold=True)
    font("Heading 2", SANS, 10.5, INK, bold=True)
    font("Heading 3", SANS, 10, INK, bold=True)
    font("Caption", SANS, 8, INK)
    styles["Caption"].font.italic = False
    styles["Subtitle"].font.italic = False
    for name in ("Header", "Footer"):
        font(name, SANS, 7.5, MUTED)
    notes = styles.add_style("Footnote Text", WD_STYLE_TYPE.PARAGRAPH)
    notes.base_style = styles["Normal"]
    notes.font.name, notes.font.size, notes.font.color.rgb = SANS, Pt(7.5), INK
    notes.paragraph_format.space_after = Pt(0)
    notes.paragraph_format.line_spacing = 1.0
    call = styles.add_style("Footnote Reference", WD_STYLE_TYPE.CHARACTER)
    call.font.superscript, call.font.color.rgb = True, ACCENT
    props = document.core_properties
    props.author = props.last_modified_by = "briefgen"
    props.title = props.subject = props.keywords = props.comments = ""
    _name_fallbacks(document)
    out = io.BytesIO()
    document.save(out)
    return reproducible(out.getvalue(), (2026, 11, 1, 0, 0, 0))


def _name_fallbacks(document: Document) -> None:
    """Each of the PDF's fonts in the font table, with the installed font Word falls back to."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    part = next(
        r.target_part for r in document.part.rels.values() if r.reltype.endswith("/fontTable")
    )
    from lxml import etree

    root = etree.fromstring(part.blob)
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    for name, (fallback, family) in FALLBACK.items():
        for old in root.findall(f"{w}font"):
            if old.get(f"{w}name") == name:
                root.remove(old)
        root.append(
            parse_xml(
                f'<w:font {nsdecls("w")} w:name="{name}"><w:altName w:val="{fallback}"/>'
                f'<w:family w:val="{family}"/><w:pitch w:val="variable"/></w:font>'
            )
        )
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


if __name__ == "__main__":
    TARGET.write_bytes(make())
    MINISTER.write_bytes(make(body=9, margin=18, top=16, title=18, after=3))
    for path in (TARGET, MINISTER):
        print(f"wrote {path.relative_to(ROOT)}")
