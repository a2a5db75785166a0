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
# Fonts every Word installation has (the PDF embeds its own, which Word users lack).
SERIF, SANS = "Georgia", "Arial"
INK, MUTED, ACCENT = (
    RGBColor(0x1B, 0x1F, 0x24),
    RGBColor(0x5B, 0x64, 0x70),
    RGBColor(0x0B, 0x3D, 0x62),
)


def make() -> bytes:
    sys.path.insert(0, str(ROOT / "src"))
    from briefgen.render.wordml import reproducible

    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = section.bottom_margin = Mm(24)
    section.left_margin = section.right_margin = Mm(21)
    styles = document.styles

    def font(name: str, family: str, size: float, colour: RGBColor, bold: bool = False) -> None:
        style = styles[name]
        style.font.name, style.font.size = family, Pt(size)
        # A theme font would win over the named one: drop it.
        for fonts in style.element.xpath(".//w:rFonts"):
            for theme in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
                fonts.attrib.pop(qn(f"w:{theme}"), None)
        style.font.color.rgb, style.font.bold = colour, bold

    font("Normal", SERIF, 10, INK)
    styles["Normal"].paragraph_format.space_after = Pt(6)
    styles["Normal"].paragraph_format.line_spacing = 1.2
    font("Title", SERIF, 22, INK, bold=True)
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
    out = io.BytesIO()
    document.save(out)
    return reproducible(out.getvalue(), (2026, 11, 1, 0, 0, 0))


if __name__ == "__main__":
    TARGET.write_bytes(make())
    print(f"wrote {TARGET.relative_to(ROOT)}")
