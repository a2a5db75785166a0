"""Audiences users make: where they are found, what they extend, whom statements are for."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import FIXTURES, SAMPLE
from pdfread import pdf_text
from typer.testing import CliRunner

from briefgen.audiences import find_audiences
from briefgen.check import check
from briefgen.cli import app
from briefgen.pipeline import build
from briefgen.template_search import builtin_templates


def repository(tmp_path: Path, fixture: str = "canary") -> Path:
    """The repository layout: content/ and templates/ side by side."""
    content = tmp_path / "repo" / "content"
    shutil.copytree(FIXTURES / fixture, content)
    (tmp_path / "repo" / "templates").mkdir()
    return content


def audience(folder: Path, config: str, **files: str) -> Path:
    folder.mkdir(parents=True)
    (folder / "audience.yaml").write_text(config, encoding="utf-8")
    for name, text in files.items():
        (folder / name.replace("_", ".")).write_text(text, encoding="utf-8")
    return folder


AMBASSADOR = "extends: public\ntitle: Ambassador's note\n"


def test_an_audience_beside_the_brief_folder_is_found(tmp_path: Path, runner: CliRunner) -> None:
    content = repository(tmp_path)
    audience(content.parent / "templates" / "ambassador", AMBASSADOR)
    found = find_audiences(content)
    assert found["ambassador"].origin == "extends public"
    result = runner.invoke(app, ["audiences", str(content)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "looked up in this order:"
    assert [line.split()[0] for line in lines[1:4]] == ["the", "templates/", "built-in"]
    assert re.search(
        r"^ambassador\s+PUBLIC\s+extends public\s+.*templates/ambassador$", result.output, re.M
    )


def test_the_search_path_runs_from_the_templates_option_to_the_built_ins(tmp_path: Path) -> None:
    content = repository(tmp_path)
    beside = audience(content.parent / "templates" / "ambassador", AMBASSADOR)
    own = audience(content / "templates" / "ambassador", AMBASSADOR)
    option = audience(tmp_path / "elsewhere" / "ambassador", AMBASSADOR)
    assert find_audiences(content)["ambassador"].dirs[0] == own
    assert find_audiences(content, tmp_path / "elsewhere")["ambassador"].dirs[0] == option
    shutil.rmtree(own)
    assert find_audiences(content)["ambassador"].dirs[0] == beside


def test_extending_keeps_every_built_in_rule_and_adds_its_own(tmp_path: Path) -> None:
    content = repository(tmp_path)
    rule = ".brief-title { color: #7a1f1f; }"
    audience(content.parent / "templates" / "ambassador", AMBASSADOR, style_css=rule)
    build(content, out_dir=tmp_path / "out", audiences=["ambassador", "public"], formats=["html"])
    ours = (tmp_path / "out" / "ambassador" / "brief.html").read_text(encoding="utf-8")
    public = (tmp_path / "out" / "public" / "brief.html").read_text(encoding="utf-8")
    style = re.search(r"<style>(.*)</style>", public, re.S)
    assert style is not None
    css = re.sub(r"/\*.*?\*/", "", style[1], flags=re.S)
    built_in = [r.strip() for r in re.findall(r"[^{}]+\{[^{}]*\}", css) if r.strip()]
    assert ".portion { display: none; }" in built_in
    our_css = re.sub(r"/\*.*?\*/", "", ours, flags=re.S)
    for css_rule in built_in:
        assert css_rule in our_css
    assert ours.index(rule) > ours.index(".portion { display: none; }")  # it comes last
    assert 'class="kicker">Ambassador’s note<' in ours  # its own title


def test_a_setting_it_gives_overrides_and_labels_merge(tmp_path: Path) -> None:
    content = repository(tmp_path)
    config = AMBASSADOR + "clearance: INTERNAL\nlabels:\n  section-questions: To watch\n"
    audience(content.parent / "templates" / "ambassador", config)
    found = find_audiences(content)["ambassador"]
    public = find_audiences(content)["public"]
    assert found.config.clearance == "INTERNAL"
    assert found.config.sections == public.config.sections
    assert found.config.labels == {**public.config.labels, "section-questions": "To watch"}


def test_audiences_new_builds_at_once(tmp_path: Path, runner: CliRunner) -> None:
    content = repository(tmp_path)
    result = runner.invoke(
        app, ["audiences", "new", "ambassador", str(content), "--from", "public"]
    )
    assert result.exit_code == 0, result.output
    folder = content.parent / "templates" / "ambassador"
    assert sorted(p.name for p in folder.iterdir()) == [
        "audience.yaml",
        "brief.html.j2",
        "style.css",
    ]
    built = runner.invoke(
        app, ["build", str(content), "-a", "ambassador", "--out", str(tmp_path / "out")]
    )
    assert built.exit_code == 0, built.output
    text = pdf_text(tmp_path / "out" / "ambassador" / "brief.pdf")
    assert "AMBASSADOR BRIEF" in text.replace(" ", "").upper().replace(
        "AMBASSADORBRIEF", "AMBASSADOR BRIEF"
    )
    again = runner.invoke(app, ["audiences", "new", "ambassador", str(content)])
    assert again.exit_code == 2 and "exists already" in again.output


def test_audiences_names_what_is_wrong_with_each(tmp_path: Path, runner: CliRunner) -> None:
    content = repository(tmp_path)
    templates = content.parent / "templates"
    audience(templates / "broken", "title: Broken\nclearance: PUBLIC\nsections: [summary]\n")
    audience(templates / "typo", AMBASSADOR, brief_html_j2="{% block body %}\n{% endblok %}\n")
    audience(templates / "loop-a", "extends: loop-b\ntitle: A\n")
    audience(templates / "loop-b", "extends: loop-a\ntitle: B\n")
    result = runner.invoke(app, ["audiences", str(content)])
    assert result.exit_code == 1
    assert "broken       error: " in result.output
    assert "has no brief.html.j2" in result.output
    assert re.search(r"typo\s+error: .*typo/brief\.html\.j2:2: ", result.output)
    assert "extend each other: loop-a → loop-b → loop-a" in result.output
    assert re.search(r"^public\s+PUBLIC\s+built-in", result.output, re.M)  # the rest still listed


def test_an_override_of_a_built_in_extends_it(tmp_path: Path) -> None:
    content = repository(tmp_path)
    rule = ".kicker { letter-spacing: 0; }"
    (content / "templates" / "public").mkdir(parents=True)
    (content / "templates" / "public" / "style.css").write_text(rule, encoding="utf-8")
    found = find_audiences(content)["public"]
    assert found.origin == "overrides public"
    assert found.config.title == "Policy brief"  # audience.yaml inherited
    build(content, out_dir=tmp_path / "out", audiences=["public"], formats=["html"])
    html = (tmp_path / "out" / "public" / "brief.html").read_text(encoding="utf-8")
    assert ".portion { display: none; }" in html and rule in html


# Statements aimed at readers -------------------------------------------------------

AIMED = """
  - text: CANARYANALYSTONLY evidence note for analysts.
    audiences: [analyst]
    sources:
      - source: public-source
        locator: para 9
        quote: CANARYANALYSTQUOTE
"""


def aimed_brief(brief_dir: Callable[..., Path]) -> Path:
    content = brief_dir()
    brief = content / "brief.yaml"
    text = brief.read_text(encoding="utf-8")
    first = "    sources: [public-source]\n"
    brief.write_text(text.replace(first, first + AIMED.lstrip("\n"), 1), encoding="utf-8")
    return content


def note_numbers(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'<li id="note-(\d+)"[^>]*>', html)]


def test_a_statement_for_analysts_is_absent_elsewhere(
    brief_dir: Callable[..., Path], tmp_path: Path
) -> None:
    content = aimed_brief(brief_dir)
    build(content, out_dir=tmp_path / "out")
    for name in ("minister", "public"):
        html = (tmp_path / "out" / name / "brief.html").read_text(encoding="utf-8")
        pdf = pdf_text(tmp_path / "out" / name / "brief.pdf")
        for text in (html, pdf):
            assert "CANARYANALYSTONLY" not in text and "CANARYANALYSTQUOTE" not in text
        numbers = note_numbers(html)
        assert numbers == list(range(1, len(numbers) + 1))  # no gap where it stood
    analyst = (tmp_path / "out" / "analyst" / "brief.html").read_text(encoding="utf-8")
    assert "CANARYANALYSTONLY" in analyst and "CANARYANALYSTQUOTE" in analyst
    assert "CANARYANALYSTONLY" in pdf_text(tmp_path / "out" / "analyst" / "brief.pdf")


def test_an_item_sets_the_audiences_of_its_statements(
    brief_dir: Callable[..., Path], tmp_path: Path
) -> None:
    questions = """
- id: for-ministers
  question: CANARYMINISTERQUESTION?
  audiences: [minister]
  statements:
    - text: CANARYMINISTERSTATEMENT is for the minister.
      sources: [public-source]
    - text: CANARYEVERYONE is for every audience that shows questions.
      audiences: [minister, analyst, public]
      sources: [public-source]
"""
    content = brief_dir(questions=questions.lstrip("\n"))
    build(content, out_dir=tmp_path / "out", formats=["html"])
    minister = (tmp_path / "out" / "minister" / "brief.html").read_text(encoding="utf-8")
    public = (tmp_path / "out" / "public" / "brief.html").read_text(encoding="utf-8")
    assert "CANARYMINISTERSTATEMENT" in minister and "CANARYEVERYONE" in minister
    assert "CANARYMINISTERSTATEMENT" not in public
    assert "CANARYEVERYONE" in public and "CANARYMINISTERQUESTION" in public


def test_an_unknown_audience_is_an_error_at_its_line(
    brief_dir: Callable[..., Path], runner: CliRunner, tmp_path: Path
) -> None:
    content = aimed_brief(brief_dir)
    brief = content / "brief.yaml"
    brief.write_text(
        brief.read_text(encoding="utf-8").replace("[analyst]", "[analsyt]"), encoding="utf-8"
    )
    line = brief.read_text(encoding="utf-8").splitlines().index("    audiences: [analsyt]") + 1
    for command in (["check"], ["build", "--out", str(tmp_path / "out")]):
        result = runner.invoke(app, [command[0], str(content), *command[1:]])
        assert result.exit_code == 1
        assert f"brief.yaml:{line}:17: " in result.output
        assert "summary[1].audiences[0]: unknown audience 'analsyt'" in result.output
        assert "did you mean 'analyst'?" in result.output


def test_check_warns_of_a_statement_no_audience_shows(brief_dir: Callable[..., Path]) -> None:
    content = aimed_brief(brief_dir)
    brief = content / "brief.yaml"
    text = brief.read_text(encoding="utf-8").replace("[analyst]", "[public]\n    marking: INTERNAL")
    brief.write_text(text, encoding="utf-8")
    (found,) = [f for f in check(content) if f.problem.code == "invisible-statement"]
    assert found.severity == "warning"
    assert "it is INTERNAL and of the audiences it is aimed at (public), none that shows" in (
        found.problem.message
    )


def test_built_in_templates_are_untouched(tmp_path: Path) -> None:
    """The scaffold writes beside the brief, never into the built-ins."""
    before = sorted(p.name for p in builtin_templates().iterdir())
    content = repository(tmp_path)
    CliRunner().invoke(app, ["audiences", "new", "envoy", str(content)])
    assert sorted(p.name for p in builtin_templates().iterdir()) == before


@pytest.mark.parametrize("debug", [False, True])
def test_an_internal_error_is_one_line_unless_debugging(
    debug: bool, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    import briefgen.check

    def broken(*args: object) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(briefgen.check, "check_all", broken)
    args = ["--debug"] if debug else []
    result = runner.invoke(app, [*args, "check", str(FIXTURES / "canary")])
    assert result.exit_code == 1
    assert "internal error: RuntimeError: a bug" in result.output
    assert ("Traceback" in result.output) is debug


# Page budgets ---------------------------------------------------------------------------

EXTRA_QUESTION = """
- id: extra-{i}
  question: Will the partnership reach area {i} of the agenda?
  statements:
    - text: The sources say little about this area, and what they say is hedged; the 2013
        declaration lists it only among the areas the two sides would explore in later talks.
      sources: [{{source: nato-2013, locator: para 17}}]
"""


def many_more_questions(tmp_path: Path) -> Path:
    content = tmp_path / "brief"
    shutil.copytree(SAMPLE, content)
    questions = content / "questions.yaml"
    extra = "".join(EXTRA_QUESTION.format(i=i) for i in range(45))
    questions.write_text(questions.read_text(encoding="utf-8") + extra, encoding="utf-8")
    return content


def test_a_minister_note_over_two_pages_fails_with_where_the_pages_go(
    tmp_path: Path, runner: CliRunner
) -> None:
    content = many_more_questions(tmp_path)
    out = tmp_path / "out"
    result = runner.invoke(app, ["build", str(content), "-a", "minister", "--out", str(out)])
    assert result.exit_code == 1
    message = re.search(r"error: .*minister/brief\.pdf: (.*)", result.output)
    assert message, result.output
    pages = re.search(r"the minister PDF takes (\d+) pages, over its max_pages of 2\.", message[1])
    assert pages and int(pages[1]) > 2
    by_section = re.search(r"Pages by section: questions ([\d.]+), (\w+) [\d.]+, (\w+)", message[1])
    assert by_section and float(by_section[1]) > 1  # the largest first: where to cut
    assert {by_section[2], by_section[3]} == {"summary", "milestones"}
    assert "allow_overflow: true in " in message[1]
    assert not out.exists() or not list(out.rglob("brief.*"))  # nothing written
    warned = [f for f in check(content) if f.problem.code == "over-page-budget"]
    assert warned and "audience 'minister'" in warned[0].problem.message


def test_allow_overflow_builds_and_warns(tmp_path: Path, runner: CliRunner) -> None:
    content = many_more_questions(tmp_path)
    audience(content / "templates" / "minister", "allow_overflow: true\n")
    out = tmp_path / "out"
    result = runner.invoke(app, ["build", str(content), "-a", "minister", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "warning: " in result.output and "over its max_pages of 2" in result.output
    assert "Kept, as its audience allows" in result.output
    assert (out / "minister" / "brief.pdf").is_file()
    assert not [f for f in check(content) if f.problem.code == "over-page-budget"]
