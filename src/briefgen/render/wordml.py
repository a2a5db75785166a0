"""What python-docx has no API for: footnotes, hyperlinks, fields, alt text, the
document language, and a package whose bytes depend on its content alone.

python-docx writes the body, styles, headers and properties; this module adds
the rest as WordprocessingML through python-docx's element classes. It reaches
into python-docx's elements (`_p`, `_r`, `_element`): pyproject.toml bounds
python-docx to the releases the tests pass on.
"""

from __future__ import annotations

import html.parser
import io
import zipfile
from dataclasses import dataclass, replace
from typing import Any, cast

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import RGBColor

FOOTNOTES_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
LINK_COLOUR = RGBColor(0x0B, 0x3D, 0x62)


@dataclass(frozen=True)
class Span:
    """A run of note or statement text, with how it is set."""

    text: str
    italic: bool = False
    bold: bool = False
    href: str | None = None
    small_caps: bool = False
    superscript: bool = False


class _Spans(html.parser.HTMLParser):
    """The HTML that briefgen makes for a statement or a note, as runs: emphasis,
    strong, links; anything else (abbr, spans, wbr) is text or nothing."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.spans: list[Span] = []
        self._stack: list[Span] = [Span("")]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "wbr" or tag == "br":
            return
        top, style = self._stack[-1], dict(attrs).get("style") or ""
        changes: dict[str, Any] = {}
        if tag in ("em", "i") or "italic" in style:
            changes["italic"] = not top.italic
        if tag in ("strong", "b") or "bold" in style:
            changes["bold"] = True
        if tag == "a":
            changes["href"] = dict(attrs).get("href")
        if "small-caps" in style:
            changes["small_caps"] = True
        if tag == "sup":
            changes["superscript"] = True
        self._stack.append(replace(top, **changes))

    def handle_endtag(self, tag: str) -> None:
        if tag not in ("wbr", "br") and len(self._stack) > 1:
            self._stack.pop()

    def handle_data(self, data: str) -> None:
        text = data.replace("\u200b", "").replace("\u2060", "")
        if text:
            self.spans.append(replace(self._stack[-1], text=text))


def spans(html_text: str) -> list[Span]:
    parser = _Spans()
    parser.feed(html_text)
    parser.close()
    return parser.spans


def add_spans(paragraph: Any, parts: list[Span], part: Any) -> None:
    """Append runs to a python-docx paragraph (or footnote paragraph element)."""
    for span in parts:
        if span.href and span.href.startswith(("http://", "https://")):
            _add_link(paragraph, span, part)
        else:
            _format(paragraph.add_run(span.text), span)


def _format(run: Any, span: Span) -> None:
    run.italic = span.italic or None
    run.bold = span.bold or None
    if span.small_caps:
        run.font.small_caps = True
    if span.superscript:
        run.font.superscript = True


def _add_link(paragraph: Any, span: Span, part: Any) -> None:
    """A live link: a w:hyperlink around the run, its address a relationship."""
    r_id = part.relate_to(span.href, RT.HYPERLINK, is_external=True)
    link = parse_xml(f'<w:hyperlink {nsdecls("w", "r")} r:id="{r_id}"/>')
    run = paragraph.add_run(span.text)
    _format(run, span)
    run.font.underline = True
    run.font.color.rgb = LINK_COLOUR
    link.append(run._r)
    paragraph._p.append(link)


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
    w:footnoteReference of the same id, Word's own numbering matching briefgen's."""

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

    def note(self, number: int, parts: list[Span]) -> None:
        """The note's text, at the foot of the page of its call."""
        footnote = parse_xml(
            f'<w:footnote {nsdecls("w")} w:id="{number}"><w:p><w:pPr>'
            '<w:pStyle w:val="FootnoteText"/></w:pPr><w:r><w:rPr>'
            '<w:rStyle w:val="FootnoteReference"/></w:rPr><w:footnoteRef/></w:r>'
            '<w:r><w:t xml:space="preserve"> </w:t></w:r></w:p></w:footnote>'
        )
        self.root.append(footnote)
        from docx.text.paragraph import Paragraph

        part = self._part()
        add_spans(Paragraph(footnote[0], cast(Any, _Story(part))), parts, part)

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
    if rtl:
        p_pr = _child(_child(defaults, "w:pPrDefault"), "w:pPr")
        p_pr.append(parse_xml(f"<w:bidi {nsdecls('w')}/>"))


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
