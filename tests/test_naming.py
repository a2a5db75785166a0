"""Output file names from `output_name`: attachments a registry can tell apart."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import FIXTURES
from typer.testing import CliRunner

from briefgen.cli import app
from briefgen.content.naming import NamingError, check_pattern, fill
from briefgen.tools.new import create_brief


def canary(tmp_path: Path, *lines: str) -> Path:
    content = tmp_path / "canary"
    shutil.copytree(FIXTURES / "canary", content)
    with (content / "brief.yaml").open("a", encoding="utf-8") as file:
        file.write("".join(f"{line}\n" for line in lines))
    return content


def build(*args: str) -> str:
    result = CliRunner().invoke(app, ["build", *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_a_pattern_names_each_audience_file_and_the_index_links_to_it(tmp_path: Path) -> None:
    content = canary(tmp_path, "reference: FCDO/2025 114", 'output_name: "{reference}-{audience}"')
    out = tmp_path / "out"
    build(str(content), "-o", str(out), "-f", "html", "-f", "docx")
    assert sorted(p.name for p in (out / "minister").iterdir()) == [
        "FCDO-2025-114-minister.docx",
        "FCDO-2025-114-minister.html",
        "index.html",
    ]
    index = (out / "public" / "index.html").read_text(encoding="utf-8")
    assert 'href="../public/FCDO-2025-114-public.html"' in index


def test_a_new_name_takes_the_old_files_away_and_says_so(tmp_path: Path) -> None:
    content = canary(tmp_path)
    out = tmp_path / "out"
    build(str(content), "-o", str(out), "-f", "html")
    with (content / "brief.yaml").open("a", encoding="utf-8") as file:
        file.write('version: 3\noutput_name: "{brief}-{audience}-v{version}"\n')
    said = build(str(content), "-o", str(out), "-f", "html")
    assert "removed" in said and "its outputs are named canary-public-v3.html now" in said
    assert not list(out.rglob("brief.html"))
    assert (out / "public" / "canary-public-v3.html").is_file()


def test_a_project_names_the_outputs_of_its_briefs_unless_a_brief_does(tmp_path: Path) -> None:
    for name in ("energy", "ports"):
        create_brief(tmp_path / "desk" / name)
    (tmp_path / "desk" / "briefgen.yaml").write_text(
        'output_name: "{brief}-{audience}-{date}"\n', encoding="utf-8"
    )
    ports = tmp_path / "desk" / "ports" / "brief.yaml"
    ports.write_text(ports.read_text(encoding="utf-8") + 'output_name: "ports"\n')
    out = tmp_path / "out"
    build(str(tmp_path / "desk"), "-o", str(out), "-f", "html", "-a", "public")
    (energy,) = (out / "energy" / "public").glob("*.html")
    assert energy.name.startswith("energy-public-20") and energy.name.endswith(".html")
    assert (out / "ports" / "public" / "ports.html").is_file()


def test_a_project_pattern_that_cannot_be_read_is_an_error_at_its_line(tmp_path: Path) -> None:
    create_brief(tmp_path / "desk" / "energy")
    (tmp_path / "desk" / "briefgen.yaml").write_text(
        'title: Desk\noutput_name: "{audience"\n', encoding="utf-8"
    )
    result = CliRunner().invoke(app, ["check", str(tmp_path / "desk")])
    assert result.exit_code == 1
    assert "briefgen.yaml:2:14: " in result.output and "cannot be read" in result.output


@pytest.mark.parametrize(
    ("values", "name"),
    [
        ({"reference": "a/b\\c:d"}, "a-b-c-d"),
        ({"reference": " ../../etc "}, "etc"),  # no folder: the slashes and dots are gone
        ({"reference": "東京 2025"}, "東京-2025"),
        ({"reference": "x\u202eexe"}, "x-exe"),  # no override to show 'xfdp.exe'
        ({"reference": "a\u200bb\ufeffc"}, "a-b-c"),
    ],
)
def test_a_field_value_never_leaves_the_folder(values: dict[str, str], name: str) -> None:
    assert fill("{reference}", values) == name


def test_patterns_refused() -> None:
    for pattern in ("{audience!r}", "{date:%Y}", "{0}", "{}", "///"):
        with pytest.raises(NamingError):
            check_pattern(pattern)
