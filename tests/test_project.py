"""Projects of many briefs: one build, an index per audience that keeps to clearance,
a shared source library and templates, errors that name the brief."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from briefgen.cli import app
from briefgen.errors import ContentError, UsageError
from briefgen.pipeline import build
from briefgen.render.assets import scan
from briefgen.tools.new import create_brief

CANARY = "CANARY-TITLE-OF-A-RESTRICTED-BRIEF"
LIBRARY = """\
- id: shared-yearbook
  type: report
  title: Ports yearbook
  authors: [{literal: Example Ports Council}]
  published: 2024
  kind: official
  reliability: A
- id: shared-unused
  type: report
  title: A source no brief cites
  authors: [{literal: Example Council}]
  published: 2020
  kind: official
  reliability: B
"""


def make_project(root: Path) -> Path:
    """Three briefs: an English one, a Japanese one citing the shared library, and
    one whose every statement is RESTRICTED."""
    for name, day in (("alpha", "2026-01-10"), ("beta", "2026-03-02"), ("gamma", "2026-02-01")):
        create_brief(root / "briefs" / name, today=dt.date.fromisoformat(day))
    (root / "briefgen.yaml").write_text("title: Desk briefs\n", encoding="utf-8")
    (root / "sources.yaml").write_text(LIBRARY, encoding="utf-8")
    beta = root / "briefs" / "beta" / "brief.yaml"
    text = beta.read_text(encoding="utf-8").replace("lang: en", "lang: ja")
    text = text.replace("title: Harbour resilience programme", "title: 港湾強靱化計画")
    text = text.replace(
        "      - source: example-release\n        locator: para 2",
        "      - source: shared-yearbook\n        locator: p. 4",
    )
    beta.write_text(text, encoding="utf-8")
    gamma = root / "briefs" / "gamma"
    for path in gamma.glob("*.yaml"):
        text = path.read_text(encoding="utf-8")
        text = re.sub(r"marking: \w+", "marking: RESTRICTED", text)
        path.write_text(text, encoding="utf-8")
    brief = (gamma / "brief.yaml").read_text(encoding="utf-8")
    brief = brief.replace("title: Harbour resilience programme", f"title: {CANARY}")
    (gamma / "brief.yaml").write_text(brief, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def project_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = make_project(tmp_path_factory.mktemp("project"))
    out = root / "out"
    build(root, out_dir=out)
    return root, out


def index_links(index: Path) -> list[str]:
    return re.findall(r'<h2 id="brief-\d+"><a href="([^"]+)"', index.read_text(encoding="utf-8"))


def test_each_brief_goes_to_its_own_folder(project_build: tuple[Path, Path]) -> None:
    _, out = project_build
    for name in ("alpha", "beta"):
        for audience, formats in (("public", "pdf html"), ("minister", "pdf html docx")):
            for fmt in formats.split():
                assert (out / "briefs" / name / audience / f"brief.{fmt}").is_file()


def test_the_public_index_leaves_out_a_brief_it_may_not_see(
    project_build: tuple[Path, Path],
) -> None:
    _, out = project_build
    public = (out / "public" / "index.html").read_text(encoding="utf-8")
    assert CANARY not in public
    assert not (out / "briefs" / "gamma" / "public").exists()
    # Newest first: beta (March), then alpha (January).
    assert index_links(out / "public" / "index.html") == [
        "../briefs/beta/public/brief.html",
        "../briefs/alpha/public/brief.html",
    ]
    minister = out / "minister" / "index.html"
    assert index_links(minister) == [
        "../briefs/beta/minister/brief.html",
        "../briefs/gamma/minister/brief.html",
        "../briefs/alpha/minister/brief.html",
    ]
    assert "RESTRICTED" in minister.read_text(encoding="utf-8")


def test_every_index_link_leads_to_a_file(project_build: tuple[Path, Path]) -> None:
    _, out = project_build
    for index in out.glob("*/index.html"):
        hrefs = re.findall(r'href="([^"#]+)"', index.read_text(encoding="utf-8"))
        assert hrefs
        for href in hrefs:
            assert (index.parent / href).resolve().is_file(), href


def test_an_index_says_title_date_bottom_line_and_marking(
    project_build: tuple[Path, Path],
) -> None:
    _, out = project_build
    page = (out / "minister" / "index.html").read_text(encoding="utf-8")
    assert "Desk briefs" in page
    assert '<time datetime="2026-03-02" lang="en">March 2, 2026</time>' in page
    assert "Bottom line:</strong> The ministry has committed funding" in page
    assert 'lang="ja"' in page and "港湾強靱化計画" in page
    assert ">INTERNAL</span>" in page  # alpha's highest marking for the minister
    assert "3 briefs" in page


def test_an_index_loads_nothing_and_runs_only_its_filter(
    project_build: tuple[Path, Path],
) -> None:
    from briefgen.pipeline.index import FILTER_SCRIPT, script_hash

    _, out = project_build
    page = (out / "public" / "index.html").read_text(encoding="utf-8")
    loads, refused = scan(page)
    assert loads == [] and refused == ["<script>"]
    assert f"<script>{FILTER_SCRIPT}</script>" in page
    assert f"script-src '{script_hash()}'" in page and "default-src 'none'" in page


def test_a_second_build_is_a_no_op(project_build: tuple[Path, Path]) -> None:
    root, out = project_build
    before = {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()}
    result = build(root, out_dir=out)
    assert result.written == [] and len(result.skipped) == 8 + 8 + 3  # gamma: minister only
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()} == before


def test_a_change_to_one_brief_rebuilds_only_it(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    out = root / "out"
    build(root, out_dir=out, formats=["html"])
    brief = root / "briefs" / "alpha" / "brief.yaml"
    brief.write_text(
        brief.read_text(encoding="utf-8").replace("three ports", "four ports"), encoding="utf-8"
    )
    result = build(root, out_dir=out, formats=["html"])
    assert sorted(p.relative_to(out).as_posix() for p in result.written) == [
        "briefs/alpha/analyst/brief.html",
        "briefs/alpha/minister/brief.html",
        "briefs/alpha/public/brief.html",
    ]
    assert "four ports" in (out / "public" / "index.html").read_text(encoding="utf-8")


def test_a_library_source_is_cited_and_listed_where_used(
    project_build: tuple[Path, Path],
) -> None:
    _, out = project_build
    beta = (out / "briefs" / "beta" / "analyst" / "brief.html").read_text(encoding="utf-8")
    alpha = (out / "briefs" / "alpha" / "analyst" / "brief.html").read_text(encoding="utf-8")
    assert "Ports yearbook" in beta and "Ports yearbook" not in alpha
    assert "A source no brief cites" not in beta


def test_check_goes_through_every_brief(project_build: tuple[Path, Path]) -> None:
    root, _ = project_build
    result = CliRunner().invoke(app, ["check", str(root), "--format", "json"])
    findings = json.loads(result.stdout)
    files = {Path(f["file"]).parent.name for f in findings if f["file"]}
    assert files == {"gamma"}  # its statements are shown to no audience that shows them
    assert not any("shared-unused" in f["message"] for f in findings)


def test_errors_name_the_brief_and_its_file_and_nothing_is_written(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    out = root / "out"
    for name, bad in (("alpha", "marking: \n"), ("beta", "citation_style: no-such-style\n")):
        brief = root / "briefs" / name / "brief.yaml"
        brief.write_text(brief.read_text(encoding="utf-8") + bad, encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        build(root, out_dir=out)
    where = {p.file.parent.name for p in caught.value.problems if p.file}
    assert where == {"alpha", "beta"}
    assert all(p.line for p in caught.value.problems)
    assert not list(out.rglob("brief.*"))


def test_a_source_in_the_brief_and_the_library_is_an_error(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    sources = root / "briefs" / "alpha" / "sources.yaml"
    copy = LIBRARY.split("- id: shared-unused")[0]
    sources.write_text(sources.read_text(encoding="utf-8") + copy, encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        build(root, out_dir=root / "out", briefs=["briefs/alpha"])
    (problem,) = caught.value.problems
    assert problem.file == sources and problem.line is not None
    assert "also in the project's library" in problem.message
    assert str(root / "sources.yaml") in problem.message


def test_a_library_error_names_the_library_file(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    (root / "sources.yaml").write_text(LIBRARY.replace("reliability: A", "reliability: Q"))
    with pytest.raises(ContentError) as caught:
        build(root, out_dir=root / "out", briefs=["briefs/beta"])
    assert {(p.file, p.line) for p in caught.value.problems} == {(root / "sources.yaml", 7)}


def test_the_project_file_lists_briefs_and_is_checked(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    (root / "briefgen.yaml").write_text("briefs: [briefs/beta]\n", encoding="utf-8")
    result = build(root, out_dir=root / "out", formats=["html"])
    assert {p.parts[-3] for p in result.written} == {"beta"}
    (root / "briefgen.yaml").write_text("briefs: [briefs/beta, nowhere]\ntitel: x\n")
    with pytest.raises(ContentError) as caught:
        build(root, out_dir=root / "out")
    assert [(p.line, p.code) for p in caught.value.problems] == [
        (1, "invalid-content"),
        (2, "invalid-content"),
    ]
    assert "no brief.yaml in 'nowhere'" in str(caught.value)
    assert "unknown key 'titel'" in str(caught.value)


def test_a_folder_of_briefs_needs_no_project_file(tmp_path: Path) -> None:
    create_brief(tmp_path / "desk" / "2026" / "one")
    create_brief(tmp_path / "desk" / "two")
    result = build(
        tmp_path / "desk", out_dir=tmp_path / "out", formats=["html"], audiences=["public"]
    )
    assert sorted(p.relative_to(tmp_path / "out").as_posix() for p in result.written) == [
        "2026/one/public/brief.html",
        "two/public/brief.html",
    ]
    assert (tmp_path / "out" / "public" / "index.html").is_file()
    with pytest.raises(UsageError, match="no brief 'three'"):
        build(tmp_path / "desk", out_dir=tmp_path / "out", briefs=["three"])
    with pytest.raises(UsageError, match="no brief at"):
        build(tmp_path / "out" / "public", out_dir=tmp_path / "elsewhere")


def test_the_project_templates_are_searched(tmp_path: Path) -> None:
    from briefgen.template_search import search_path

    root = make_project(tmp_path)
    nested = root / "briefs" / "alpha"
    labels = [(r.label, r.folder) for r in search_path(nested)]
    assert ("the project's templates/", root / "templates") in labels
