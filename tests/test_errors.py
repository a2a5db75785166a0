"""Every bad input gives exit 1 (content) or 2 (command line) and names file:line and field."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import FIXTURES
from typer.testing import CliRunner

from briefgen.cli import app

UNKNOWN_SOURCE = """\
- date: 2024
  title: A milestone
  statements:
    - text: Something happened.
      sources: [public-source]
    - text: Something else happened.
      sources:
        - public-source
        - nato-2031
"""

MISSING_SOURCES = """\
- date: 2024
  title: A milestone
  statements:
    - text: Nobody says where this comes from.
"""

EMPTY_SOURCES = """\
- date: 2024
  title: A milestone
  statements:
    - text: Nobody says where this comes from.
      sources: []
"""

UNKNOWN_KEY = """\
- date: 2024
  title: A milestone
  statements:
    - text: Something happened.
      soruces: [public-source]
"""

DUPLICATE_KEY = """\
- date: 2024
  title: A milestone
  title: The same milestone
  statements:
    - text: Something happened.
      sources: [public-source]
"""

SYNTAX_ERROR = """\
- date: 2024
  title: A milestone
  statements:
    - text: "Something happened.
      sources: [public-source]
"""

IMPOSSIBLE_DATE = """\
- date: 2025-02-30
  title: A milestone
  statements:
    - text: Something happened.
      sources: [public-source]
"""

OBJECT_TAG = """\
- date: 2024
  title: !!python/object/apply:os.system ["echo pwned"]
  statements:
    - text: Something happened.
      sources: [public-source]
"""

BAD_URL = """\
- id: public-source
  title: A public source
  url: javascript:alert(1)
  reliability: B
- id: restricted-source
  title: Another
  reliability: C
"""


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            UNKNOWN_SOURCE,
            r"milestones\.yaml:9:11: milestones\[0\]\.statements\[1\]\.sources\[1\]: "
            r"unknown source 'nato-2031' \(known: public-source, restricted-source\)",
        ),
        (
            MISSING_SOURCES,
            r"milestones\.yaml:4:7: milestones\[0\]\.statements\[0\]\.sources: "
            r"'sources' is required: every statement, figure and table row needs at least one "
            r"source id",
        ),
        (
            EMPTY_SOURCES,
            r"milestones\.yaml:5:16: milestones\[0\]\.statements\[0\]\.sources: "
            r"no source given",
        ),
        (
            UNKNOWN_KEY,
            r"milestones\.yaml:5:7: milestones\[0\]\.statements\[0\]\.soruces: "
            r"unknown key 'soruces': did you mean 'sources'\?",
        ),
        (DUPLICATE_KEY, r"milestones\.yaml:3:3: duplicate key 'title'"),
        (SYNTAX_ERROR, r"milestones\.yaml:6:1: while scanning a quoted scalar"),
        (
            IMPOSSIBLE_DATE,
            r"milestones\.yaml:1:9: milestones\[0\]\.date: '2025-02-30' is not a real date",
        ),
        (OBJECT_TAG, r"milestones\.yaml:2:10: tags that build objects .* are not allowed"),
    ],
    ids=[
        "unknown-source",
        "missing-sources",
        "empty-sources",
        "unknown-key",
        "duplicate-key",
        "syntax-error",
        "impossible-date",
        "object-tag",
    ],
)
def test_content_error_names_file_line_and_field(
    brief_dir: Callable[..., Path], runner: CliRunner, tmp_path: Path, text: str, expected: str
) -> None:
    content = brief_dir(milestones=text)
    result = runner.invoke(app, ["build", str(content), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1, result.output
    assert re.search(expected, result.stderr), result.stderr
    assert "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


def test_url_other_than_http_is_refused(
    brief_dir: Callable[..., Path], runner: CliRunner, tmp_path: Path
) -> None:
    content = brief_dir(sources=BAD_URL)
    result = runner.invoke(app, ["build", str(content), "--out", str(tmp_path)])
    assert result.exit_code == 1
    assert re.search(
        r"sources\.yaml:3:8: sources\[0\]\.url: only http:// and https:// "
        r"addresses are allowed",
        result.stderr,
    ), result.stderr


def test_all_errors_are_reported_at_once(
    brief_dir: Callable[..., Path], runner: CliRunner, tmp_path: Path
) -> None:
    content = brief_dir(
        milestones=UNKNOWN_KEY,
        questions=MISSING_SOURCES.replace("date: 2024\n  title", "id: q\n  question"),
    )
    result = runner.invoke(app, ["build", str(content), "--out", str(tmp_path)])
    assert result.exit_code == 1
    assert "milestones.yaml:5:7" in result.stderr
    assert "questions.yaml:4:7" in result.stderr


def test_unknown_audience_exits_2_and_lists_audiences(runner: CliRunner, tmp_path: Path) -> None:
    from conftest import FIXTURES

    result = runner.invoke(
        app, ["build", str(FIXTURES / "canary"), "--audience", "cabinet", "--out", str(tmp_path)]
    )
    assert result.exit_code == 2
    assert "unknown audience 'cabinet' (found: analyst, minister, public" in result.stderr


def test_missing_folder_exits_2(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(app, ["build", str(tmp_path / "nowhere")])
    assert result.exit_code == 2
    assert "no brief folder at" in result.stderr


def test_unknown_format_exits_2(runner: CliRunner) -> None:
    result = runner.invoke(app, ["build", "--format", "odt"])
    assert result.exit_code == 2


def test_failed_build_leaves_earlier_outputs_untouched(
    brief_dir: Callable[..., Path], runner: CliRunner, tmp_path: Path
) -> None:
    content = brief_dir()
    out = tmp_path / "out"
    good = runner.invoke(app, ["build", str(content), "--out", str(out), "-a", "public"])
    assert good.exit_code == 0, good.output
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert {p.name for p in before} == {
        "brief.pdf",
        "brief.html",
        "index.html",
        ".briefgen-manifest.json",
        ".briefgen.lock",
    }

    (content / "milestones.yaml").write_text(UNKNOWN_SOURCE, encoding="utf-8")
    bad = runner.invoke(app, ["build", str(content), "--out", str(out), "-a", "public"])
    assert bad.exit_code == 1
    after = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before  # byte-identical, and no temporary file left behind


def test_template_error_names_template_and_line(
    brief_dir: Callable[..., Path], runner: CliRunner, tmp_path: Path
) -> None:
    content = brief_dir()
    override = content / "templates" / "public"
    override.mkdir(parents=True)
    (override / "brief.html.j2").write_text(
        '{% extends "layout.html.j2" %}\n{% block body %}\n{{ no_such_variable }}\n'
        "{% endblock %}\n",
        encoding="utf-8",
    )
    result = runner.invoke(
        app, ["build", str(content), "-a", "public", "-f", "html", "--out", str(tmp_path / "out")]
    )
    assert result.exit_code == 1
    assert re.search(
        r"templates/public/brief\.html\.j2:3: 'no_such_variable' is undefined", result.stderr
    ), result.stderr


def test_no_message_prints_a_control_character_raw(runner: CliRunner, tmp_path: Path) -> None:
    import shutil

    content = tmp_path / "brief\x1b[31m"
    shutil.copytree(FIXTURES / "canary", content)
    (content / "questions.yaml").write_text('- id: q\n  questoin: "x"\n  statements: []\n')
    for command in (["check"], ["build", "-o", str(tmp_path / "out")]):
        result = runner.invoke(app, [*command, str(content)])
        assert result.exit_code == 1
        assert "brief\\x1b[31m" in result.output  # shown, escaped
        assert "\x1b" not in result.output
