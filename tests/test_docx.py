"""Word output, read back as Word would: the body through python-docx, the notes from
footnotes.xml, every part of the package for canaries, and LibreOffice's rendering."""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import docx
import pytest
from conftest import FIXTURES
from lxml import etree
from pdfread import footnote_marks, pdf_text
from test_build import sample_statements, spelt_out, squeeze
from test_clearance import CLEARANCE, ORDER, canaries

from briefgen.pipeline import build

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
WORD_AUDIENCES = ("minister", "analyst")  # the built-ins that list docx


def body_text(path: Path) -> str:
    """Every paragraph of the body, tables included, in document order."""
    root = etree.fromstring(zipfile.ZipFile(path).read("word/document.xml"))
    return "".join(t.text or "" for t in root.iter(f"{W}t"))


def footnotes(path: Path) -> dict[int, str]:
    """Each real footnote's text by its id (the separators, ids -1 and 0, left out)."""
    root = etree.fromstring(zipfile.ZipFile(path).read("word/footnotes.xml"))
    notes = {}
    for note in root.iter(f"{W}footnote"):
        number = int(note.get(f"{W}id"))
        if number > 0:
            notes[number] = "".join(t.text or "" for t in note.iter(f"{W}t")).strip()
    return notes


def style_of(paragraph: Any) -> str:
    return paragraph.style.name if paragraph.style is not None else ""


def calls(path: Path) -> list[int]:
    root = etree.fromstring(zipfile.ZipFile(path).read("word/document.xml"))
    return [int(r.get(f"{W}id")) for r in root.iter(f"{W}footnoteReference")]


@pytest.mark.parametrize("audience", WORD_AUDIENCES)
def test_every_statement_is_in_the_body_with_its_footnote(
    sample_build: Path, audience: str
) -> None:
    path = sample_build / audience / "brief.docx"
    text = spelt_out(squeeze(body_text(path)))
    statements = [s["text"] for found in sample_statements(audience).values() for s in found]
    pieces = [p for s in statements for p in re.split(r"\{(?:fig|tab):[\w-]+\}", s) if p]
    assert [p for p in pieces if squeeze(p) not in text] == []
    notes = footnotes(path)
    assert calls(path) == list(range(1, len(statements) + 1)) == sorted(notes)


@pytest.mark.parametrize("audience", WORD_AUDIENCES)
def test_footnotes_are_the_pdfs_notes(sample_build: Path, audience: str) -> None:
    """Same count as the PDF's, and each note's text as the web page's endnote says it."""
    path = sample_build / audience / "brief.docx"
    pdf_calls, _, _ = footnote_marks(sample_build / audience / "brief.pdf")
    notes = footnotes(path)
    assert len(notes) == len(pdf_calls)
    html = (sample_build / audience / "brief.html").read_text(encoding="utf-8")
    for number, text in notes.items():
        item = re.search(rf'<li id="note-{number}"[^>]*>(.*?) <a class="back"', html, re.S)
        assert item, number
        web = re.sub(r"<[^>]+>", "", item[1])
        web = web.replace("&#39;", "'").replace("&amp;", "&").replace("\u2060", "")
        assert " ".join(text.split()) == " ".join(web.split())


def test_structure_word_understands(sample_build: Path) -> None:
    document = docx.Document(str(sample_build / "analyst" / "brief.docx"))
    headings = [p.text for p in document.paragraphs if style_of(p) == "Heading 1"]
    # Numbered as the PDF numbers them, after the key judgments; a Contents field first.
    assert headings[0] == "Key judgments" and headings[-1] == "6. Sources and grades"
    assert headings[1:3] == ["1. Background", "2. Milestones"]
    assert b" TOC " in zipfile.ZipFile(sample_build / "analyst" / "brief.docx").read(
        "word/document.xml"
    )
    assert any(style_of(p) == "List Number" for p in document.paragraphs)
    assert any(
        style_of(p) == "Caption" and p.text.startswith("Table 1") for p in document.paragraphs
    )
    xml = zipfile.ZipFile(sample_build / "analyst" / "brief.docx").read("word/document.xml")
    assert b"<w:tblHeader/>" in xml  # the header row repeats on each page
    props = document.core_properties
    assert props.title == "Japan and NATO, 2007–2025"
    assert props.author == "Policy Analysis Unit" and props.language == "en-GB"
    styles = zipfile.ZipFile(sample_build / "analyst" / "brief.docx").read("word/styles.xml")
    assert b'w:lang w:val="en-GB"' in styles


@pytest.mark.parametrize(
    ("audience", "marking"), [("minister", "INTERNAL"), ("analyst", "INTERNAL")]
)
def test_every_header_and_footer_carries_the_marking(
    sample_build: Path, audience: str, marking: str
) -> None:
    document = docx.Document(str(sample_build / audience / "brief.docx"))
    for section in document.sections:
        assert section.header.paragraphs[0].text == marking
        assert section.footer.paragraphs[0].text == marking


def test_the_same_content_gives_the_same_bytes(tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    for out in (first, second):
        build(FIXTURES / "canary", out_dir=out, formats=["docx"])
    for audience in WORD_AUDIENCES:
        assert (first / audience / "brief.docx").read_bytes() == (
            second / audience / "brief.docx"
        ).read_bytes()


def package_text(path: Path) -> str:
    """Every part of the package as text: XML parts, relationships, properties, custom
    XML, comments, and the bytes of images (an SVG drawn into a PNG keeps no text, so
    its figure's caption and alt text carry the canaries)."""
    with zipfile.ZipFile(path) as package:
        return "\n".join(
            f"{name}\n" + package.read(name).decode("utf-8", "replace")
            for name in package.namelist()
        )


@pytest.mark.parametrize("audience", WORD_AUDIENCES)
def test_canaries_above_clearance_are_in_no_part(canary_build: Path, audience: str) -> None:
    path = canary_build / audience / "brief.docx"
    names = zipfile.ZipFile(path).namelist()
    assert {"word/document.xml", "word/footnotes.xml", "docProps/core.xml"} <= set(names)
    allowed = set(ORDER[1 : ORDER.index(CLEARANCE[audience]) + 1])
    assert canaries(package_text(path)) == allowed
    for name in names:  # part by part: nothing above clearance anywhere
        with zipfile.ZipFile(path) as package:
            part = package.read(name).decode("utf-8", "replace")
        assert canaries(part) <= allowed, name


def test_figures_carry_alt_text_and_a_caption(canary_build: Path) -> None:
    xml = zipfile.ZipFile(canary_build / "minister" / "brief.docx").read("word/document.xml")
    assert b'descr="CANARYRESTRICTEDALT"' in xml
    assert b'descr="A grey square."' in xml
    document = docx.Document(str(canary_build / "minister" / "brief.docx"))
    captions = [p.text for p in document.paragraphs if style_of(p) == "Caption"]
    assert captions[0].startswith("Figure 1: (R) CANARYRESTRICTEDCAPTION")


def test_an_audience_reference_docx_sets_the_styles(
    brief_dir: Callable[..., Path], tmp_path: Path
) -> None:
    content = brief_dir()
    own = content / "templates" / "minister"
    own.mkdir(parents=True)
    (own / "audience.yaml").write_text("extends: minister\n", encoding="utf-8")
    reference = docx.Document()
    reference.styles["Normal"].font.name = "House Serif"
    reference.save(str(own / "reference.docx"))
    build(content, out_dir=tmp_path / "out", audiences=["minister"], formats=["docx"])
    styles = zipfile.ZipFile(tmp_path / "out" / "minister" / "brief.docx").read("word/styles.xml")
    assert b"House Serif" in styles
    assert footnotes(tmp_path / "out" / "minister" / "brief.docx")  # notes still work


def test_an_author_date_style_cites_in_the_text(
    brief_dir: Callable[..., Path], tmp_path: Path
) -> None:
    content = brief_dir()
    brief = content / "brief.yaml"
    brief.write_text(brief.read_text(encoding="utf-8") + "citation_style: apa\n", "utf-8")
    build(content, out_dir=tmp_path / "out", audiences=["analyst"], formats=["docx"])
    path = tmp_path / "out" / "analyst" / "brief.docx"
    assert calls(path) == []
    assert "(Public Office, 2024" in body_text(path)


SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.skipif(not SOFFICE, reason="LibreOffice is not installed (.ci/run installs it)")
def test_libreoffice_puts_the_notes_at_the_foot_and_the_marking_on_top(
    sample_build: Path, tmp_path: Path
) -> None:
    source = tmp_path / "minister.docx"
    shutil.copy(sample_build / "minister" / "brief.docx", source)
    subprocess.run(
        [
            str(SOFFICE),
            "--headless",
            f"-env:UserInstallation=file://{tmp_path}/profile",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    pages = pdf_text(tmp_path / "minister.pdf").split("\f")
    first = [line.strip() for line in pages[0].splitlines() if line.strip()]
    assert first[0] == "INTERNAL"  # the header
    body = first.index("Bottom line")
    # The note's number (a superscript: a line of its own) under the text, then its text.
    note = next(i for i in range(body + 1, len(first)) if first[i] in ("1", "1 "))
    assert note > body + 5  # the first note stands under the text, at the page's foot
    assert "Japan officially launched an independent mission" in " ".join(first[note:])
    assert first[-2:] == ["INTERNAL", "Page 1 of " + str(len([p for p in pages if p.strip()]))]
    # The minister's note keeps to its two pages in Word as in the PDF (its own
    # reference.docx sets it as densely as its print stylesheet does).
    assert len([p for p in pages if p.strip()]) <= 2
