"""A house's own marking scheme: its levels reach exactly the audiences cleared for them,
in every output, the index and diff, and every page says the scheme's names."""

from __future__ import annotations

import json
import re
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import FIXTURES
from pdfread import pdf_text
from typer.testing import CliRunner

from briefgen.cli import app

LEVELS = ["OPEN", "SHARED", "CONFIDENTIAL", "SECRET"]
SCHEME = """marking_scheme:
  levels:
    - {name: OPEN, portion: O}
    - {name: SHARED, portion: SH}
    - {name: CONFIDENTIAL, portion: C}
    - {name: SECRET, portion: S}
  clearance: {public: OPEN, analyst: SHARED, briefing: CONFIDENTIAL, minister: SECRET}
"""
CLEARED = {"public": 0, "analyst": 1, "briefing": 2, "minister": 3}

BRIEF = """title: Four levels
date: 2025-03-01
authors: [Test Unit]
{scheme}summary:
{statements}
"""
SOURCES = """- id: src
  title: A source
  publisher: An office
  reliability: B
"""


def canary(level: str) -> str:
    return f"QCANARY{level.replace('-', '')}X"


def four_level_brief(folder: Path, scheme: str = SCHEME) -> Path:
    statements = "".join(
        f"  - text: The judgment {canary(level)} stands.\n"
        f"    marking: {level}\n    sources: [src]\n"
        for level in LEVELS
    )
    folder.mkdir(parents=True)
    (folder / "brief.yaml").write_text(BRIEF.format(scheme=scheme, statements=statements))
    (folder / "sources.yaml").write_text(SOURCES)
    audience = folder.parent / "templates" / "briefing"
    audience.mkdir(parents=True, exist_ok=True)
    (audience / "audience.yaml").write_text(
        "extends: analyst\ntitle: Briefing\nclearance: CONFIDENTIAL\nsections: [summary]\n"
        "formats: [pdf, html, docx]\n"
    )
    return folder


def word_text(path: Path) -> str:
    package = zipfile.ZipFile(path)
    return " ".join(
        re.sub(r"<[^>]+>", " ", package.read(name).decode())
        for name in package.namelist()
        if name.endswith(".xml")
    )


@pytest.fixture(scope="module")
def four_level_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("schemes")
    four_level_brief(root / "desk" / "one")
    out = root / "out"
    result = CliRunner().invoke(app, ["build", str(root / "desk"), "-o", str(out)])
    assert result.exit_code == 0, result.output
    return out


@pytest.mark.parametrize("audience", list(CLEARED))
def test_each_level_reaches_exactly_the_audiences_cleared_for_it(
    four_level_build: Path, audience: str
) -> None:
    folder = four_level_build / "one" / audience
    texts = {
        "html": (folder / "brief.html").read_text(),
        "pdf": " ".join(pdf_text(folder / "brief.pdf").split()),
    }
    if (folder / "brief.docx").exists():
        texts["docx"] = word_text(folder / "brief.docx")
    texts["index"] = (four_level_build / audience / "index.html").read_text()
    for rank, level in enumerate(LEVELS):
        for form, text in texts.items():
            if form == "index" and rank:  # the index shows the first key judgment only
                continue
            shown = canary(level) in text
            assert shown == (rank <= CLEARED[audience]), (audience, form, level)


@pytest.mark.parametrize("audience", list(CLEARED))
def test_every_page_carries_the_schemes_name_for_its_highest_level(
    four_level_build: Path, audience: str
) -> None:
    from pypdf import PdfReader

    highest = LEVELS[CLEARED[audience]]
    reader = PdfReader(four_level_build / "one" / audience / "brief.pdf")
    for page in reader.pages:
        text = page.extract_text()
        assert text.count(highest) >= 2, (audience, text[:200])  # top and foot
    html = (four_level_build / "one" / audience / "brief.html").read_text()
    assert html.count(f'role="note" aria-label="Handling marking">{highest}<') == 2
    for level in LEVELS[1 : CLEARED[audience] + 1]:
        portion = dict(zip(LEVELS, ["O", "SH", "C", "S"], strict=True))[level]
        assert f">({portion})</span>" in html


def test_diff_reports_a_level_lowered_in_the_schemes_names(tmp_path: Path) -> None:
    old = four_level_brief(tmp_path / "old" / "brief")
    new = tmp_path / "new" / "brief"
    shutil.copytree(tmp_path / "old", tmp_path / "new")
    brief = new / "brief.yaml"
    brief.write_text(
        brief.read_text().replace(
            f"{canary('SECRET')} stands.\n    marking: SECRET",
            f"{canary('SECRET')} stands.\n    marking: SHARED",
        )
    )
    done = CliRunner().invoke(app, ["diff", str(old), str(new), "-f", "json"])
    assert done.exit_code == 3, done.output
    changes = json.loads(done.output)
    assert changes[0]["flagged"] and changes[0]["audiences"] == ["analyst", "briefing"]
    marking = next(c for c in changes if c["kind"] == "marking")
    assert marking["detail"] == "SECRET → SHARED"


def test_a_shipped_scheme_by_name(brief_dir: Callable[..., Path], tmp_path: Path) -> None:
    content = brief_dir()
    for path in content.glob("*.yaml"):
        text = path.read_text()
        text = text.replace("marking: INTERNAL", "marking: OFFICIAL-SENSITIVE")
        path.write_text(text.replace("marking: RESTRICTED", "marking: SECRET"))
    (content / "brief.yaml").write_text(
        (content / "brief.yaml").read_text() + "marking_scheme: uk\n"
    )
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["build", str(content), "-o", str(out), "-f", "html"])
    assert result.exit_code == 0, result.output
    assert ">SECRET<" in (out / "minister" / "brief.html").read_text()
    assert "CANARYRESTRICTEDJUDGMENT" not in (out / "analyst" / "brief.html").read_text()
    assert ">OFFICIAL<" in (out / "public" / "brief.html").read_text()


@pytest.mark.parametrize(
    ("edit", "where", "says"),
    [
        (
            ("marking: SECRET", "marking: SECRT"),
            "brief.yaml:",
            "'SECRT' is not a marking of the brief's scheme (did you mean 'SECRET'?",
        ),
        (("marking: SHARED", "marking: shared"), "brief.yaml:", "did you mean 'SHARED'?"),
        (
            ("analyst: SHARED, ", ""),
            "brief.yaml:4:1",
            "audience 'analyst' has no clearance in the brief's marking scheme",
        ),
        (
            ("{name: SHARED, portion: SH}", "{name: SHARED, portion: O}"),
            "brief.yaml:6:",
            "the portion mark 'O' is given twice",
        ),
        (
            ("minister: SECRET}", "minister: TOP}"),
            "brief.yaml:10:",
            "'minister': 'TOP' is no level of the scheme",
        ),
    ],
)
def test_a_wrong_level_or_a_missing_clearance_is_an_error_at_its_line(
    edit: tuple[str, str], where: str, says: str, tmp_path: Path
) -> None:
    content = four_level_brief(tmp_path / "desk" / "one")
    brief = content / "brief.yaml"
    text = brief.read_text()
    assert edit[0] in text
    brief.write_text(text.replace(edit[0], edit[1], 1))
    for command in ("check", "build"):
        args = [command, str(content)] + (
            ["-o", str(tmp_path / "out")] if command == "build" else []
        )
        done = CliRunner().invoke(app, args)
        assert done.exit_code == 1, done.output
        assert where in done.output and says in done.output, done.output
    assert not (tmp_path / "out").exists()


def test_a_brief_may_not_loosen_its_projects_scheme(tmp_path: Path) -> None:
    desk = tmp_path / "desk"
    four_level_brief(desk / "one", scheme="")
    (desk / "briefgen.yaml").write_text(SCHEME)
    runner = CliRunner()
    assert runner.invoke(app, ["check", str(desk)]).exit_code == 0
    loose = SCHEME.replace("analyst: SHARED", "analyst: SECRET")
    brief = desk / "one" / "brief.yaml"
    brief.write_text(loose + brief.read_text())
    done = runner.invoke(app, ["check", str(desk)])
    assert done.exit_code == 1
    said = "marking_scheme: a brief may not clear 'analyst' for SECRET"
    assert "one/brief.yaml:1:1: error[invalid-content]: " + said in done.output
    brief.write_text(brief.read_text().replace("analyst: SECRET", "analyst: OPEN"))
    assert runner.invoke(app, ["check", str(desk)]).exit_code == 0  # tighter is allowed


def test_an_unknown_shipped_scheme_suggests_one(brief_dir: Callable[..., Path]) -> None:
    content = brief_dir()
    brief = content / "brief.yaml"
    brief.write_text(brief.read_text() + "marking_scheme: natto\n")
    done = CliRunner().invoke(app, ["check", str(content)])
    assert done.exit_code == 1 and "did you mean 'nato'?" in done.output


def test_an_index_is_marked_like_a_brief(tmp_path: Path) -> None:
    desk = tmp_path / "desk"
    shutil.copytree(FIXTURES / "canary", desk / "open")
    shutil.copytree(FIXTURES / "canary", desk / "held")
    brief = desk / "held" / "brief.yaml"
    text = brief.read_text()
    text = text.replace(
        "  - text: The public judgment stands in every output.\n    sources: [public-source]\n", ""
    )
    text = text.replace(
        "summary:\n",
        "summary:\n  - text: QHELDBOTTOMLINEX stays with ministers.\n"
        "    marking: RESTRICTED\n    sources: [restricted-source]\n",
    )
    brief.write_text(text.replace("title: Canary brief", "title: Held brief"))
    out = tmp_path / "out"
    assert (
        CliRunner().invoke(app, ["build", str(desk), "-o", str(out), "-f", "html"]).exit_code == 0
    )
    minister = (out / "minister" / "index.html").read_text()
    banners = re.findall(r'class="marking-banner"[^>]*>([^<]+)<', minister)
    assert banners == ["RESTRICTED", "RESTRICTED"]  # at the top and the foot
    assert re.search(r'<span class="portion"[^>]*>\(R\)</span> QHELDBOTTOMLINEX', minister)
    assert "Ministerial note" not in minister.split("<main>")[1]  # no brief's kicker
    public = (out / "public" / "index.html").read_text()
    assert "QHELDBOTTOMLINEX" not in public
    assert re.findall(r'class="marking-banner"[^>]*>([^<]+)<', public) == ["PUBLIC", "PUBLIC"]


def test_audiences_lists_each_clearance_in_the_briefs_scheme(tmp_path: Path) -> None:
    content = four_level_brief(tmp_path / "brief")
    result = CliRunner().invoke(app, ["audiences", str(content)])
    lines = {line.split()[0]: line.split()[1] for line in result.stdout.splitlines()[4:]}
    assert lines["public"] == "OPEN" and lines["analyst"] == "SHARED"
    assert lines["minister"] == "SECRET"
