"""What a desk officer meets first: the help of every command, the version, and what
`check` says of what it did. (Messages for bad input are cases in bad_inputs/.)"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from conftest import FIXTURES, ROOT
from typer.testing import CliRunner

from briefgen import __version__
from briefgen.cli import app
from briefgen.tools.new import create_brief

COMMANDS = [
    [],
    ["build"],
    ["check"],
    ["diff"],
    ["changed"],
    ["new"],
    ["serve"],
    ["schema"],
    ["styles"],
    ["sources"],
    ["sources", "import"],
    ["sources", "export"],
    ["audiences"],
    ["audiences", "new"],
    ["ci"],
    ["ci", "init"],
    ["ci", "fonts"],
    ["ci", "coverage"],
]
# What a Python type looks like in help: <str>, <int range>, <list[Path]>, <path>.
PYTHON_TYPE = re.compile(r"<(str|int|float|bool|path|list\[|\w+ range)|\[\[")


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "briefgen")
def test_help_names_what_a_value_is_never_a_python_type(command: list[str]) -> None:
    result = CliRunner().invoke(app, [*command, "--help"])
    assert result.exit_code == 0, result.output
    assert not PYTHON_TYPE.search(result.output), result.output


def test_the_top_level_help_names_every_output() -> None:
    text = CliRunner().invoke(app, ["--help"]).output
    assert "PDF, web page and Word" in text
    assert "--version" in text and "--install-completion" in text


def test_version() -> None:
    result = CliRunner().invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.output == f"briefgen {__version__}\n"


def test_check_says_how_many_quotes_it_verified(tmp_path: Path) -> None:
    content = tmp_path / "canary"
    shutil.copytree(FIXTURES / "canary", content)
    result = CliRunner().invoke(app, ["check", str(content)])
    verified = r"note\[quotes-verified\]: \d+ quotes? verified against the snapshots"
    assert re.search(verified, result.output), result.output


def test_a_finding_about_no_file_names_its_brief_in_a_project(tmp_path: Path) -> None:
    for name in ("alpha", "beta"):
        create_brief(tmp_path / name)
    shutil.rmtree(tmp_path / "beta" / "snapshots")
    result = CliRunner().invoke(app, ["check", str(tmp_path)])
    (line,) = [line for line in result.output.splitlines() if "not verified" in line]
    assert "brief 'beta': " in line


def test_the_sample_brief_checks_in_a_second_or_so_after_the_first() -> None:
    """Not a timing test (a slow machine must not fail it): what a check on save loads.
    The engine, python-docx and fontTools stay out once their facts are cached."""
    import subprocess
    import sys

    sample = str(ROOT / "content")
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from briefgen.check import check_all\n"
        f"check_all(Path({sample!r}))\n"
        "print(' '.join(m for m in ('weasyprint', 'docx', 'fontTools') if m in sys.modules))\n"
    )
    warm = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert warm.returncode == 0 and done.returncode == 0, done.stderr
    assert done.stdout.strip() == ""


def _three_mistakes(tmp_path: Path) -> Path:
    """A bad grade in sources.yaml, a mistyped id in background.yaml, a misquote in
    brief.yaml: each used to hide the next until it was fixed."""
    content = tmp_path / "canary"
    shutil.copytree(FIXTURES / "canary", content)
    for name, old, new in (
        ("sources.yaml", "reliability: B", "reliability: G"),
        (
            "background.yaml",
            "              - source: public-source",
            "              - source: publik-source",
        ),
        ("brief.yaml", "quote: CANARYRESTRICTEDQUOTE", "quote: CANARYRESTRICTEDQUOTA"),
    ):
        path = content / name
        path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    return content


def test_check_reports_every_mistake_of_a_brief_in_one_run(tmp_path: Path) -> None:
    content = _three_mistakes(tmp_path)
    result = CliRunner().invoke(app, ["check", str(content)])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert any(
        "sources.yaml:7:16: error[invalid-content]: sources[0].reliability" in x for x in lines
    )
    unknown = [x for x in lines if "background.yaml:28:" in x]
    assert unknown and "unknown source 'publik-source' (did you mean 'public-source'?" in unknown[0]
    assert any("brief.yaml:21:" in x and "quote-not-found" in x for x in lines), result.output
    assert "internal error" not in result.output


def test_build_reports_every_content_error_at_once(tmp_path: Path) -> None:
    content = _three_mistakes(tmp_path)
    result = CliRunner().invoke(app, ["build", str(content), "-o", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert "sources.yaml:7:16:" in result.output and "background.yaml:28:" in result.output
    assert not (tmp_path / "out").exists()


def test_an_item_left_out_keeps_the_places_of_the_items_after_it(tmp_path: Path) -> None:
    content = _three_mistakes(tmp_path)
    (content / "snapshots" / "restricted.txt").unlink()
    result = CliRunner().invoke(app, ["check", str(content)])
    # The second source, checked while the first is left out, is named as the file has it.
    assert "sources.yaml:15:13: error[snapshot-missing]: sources[1].snapshot" in result.output


def test_styles_finds_a_style_by_what_people_call_it() -> None:
    result = CliRunner().invoke(app, ["styles", "harvard"])
    assert result.exit_code == 0
    first = result.output.splitlines()[0].split()
    assert first[:2] == ["harvard-cite-them-right", "author-date"]
    assert "styles: write one in brief.yaml as citation_style: NAME" in result.output


def test_styles_filters_by_how_a_style_cites() -> None:
    result = CliRunner().invoke(app, ["styles", "chicago", "--format", "note"])
    lines = [line for line in result.output.splitlines() if line.startswith("chicago")]
    assert lines and all(line.split()[1] == "note" for line in lines)
    assert any("(the default)" in line for line in lines)  # the default is a Chicago note style


def test_styles_says_when_nothing_matches() -> None:
    result = CliRunner().invoke(app, ["styles", "no-such-style-anywhere"])
    assert result.exit_code == 1
    assert "no style has 'no-such-style-anywhere' in its name or title" in result.output


def test_build_open_opens_each_audience_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import briefgen.cli

    opened: list[str] = []
    monkeypatch.setattr(briefgen.cli, "_launch", opened.append)
    content = tmp_path / "canary"
    shutil.copytree(FIXTURES / "canary", content)
    out = tmp_path / "out"
    result = CliRunner().invoke(
        app, ["build", str(content), "-o", str(out), "-f", "html", "--open"]
    )
    assert result.exit_code == 0, result.output
    assert opened == [str(out / a / "brief.html") for a in ("analyst", "minister", "public")]
    opened.clear()  # up to date: nothing built, the same files opened
    CliRunner().invoke(app, ["build", str(content), "-o", str(out), "-f", "html", "--open"])
    assert len(opened) == 3


def test_build_open_of_a_project_opens_the_index_pages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import briefgen.cli

    opened: list[str] = []
    monkeypatch.setattr(briefgen.cli, "_launch", opened.append)
    for name in ("energy", "ports"):
        create_brief(tmp_path / "desk" / name)
    out = tmp_path / "out"
    args = ["build", str(tmp_path / "desk"), "-o", str(out), "-f", "html", "-a", "public", "--open"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert opened == [str(out / "public" / "index.html")]
