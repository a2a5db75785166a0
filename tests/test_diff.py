"""briefgen diff: statement-level changes between two versions, exposure first."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import FIXTURES
from typer.testing import CliRunner

from briefgen.cli import app
from briefgen.review.diff import word_diff

pytestmark = pytest.mark.skipif(not shutil.which("git"), reason="git is not installed")

EXTRA_SOURCE = """- id: extra-source
  title: An extra source
  publisher: Extra Office
  reliability: C
"""


def git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=Test", "-c", "user.email=test@example.org", *args],
        cwd=repo,
        check=True,
        capture_output=True,
    )


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.fixture
def repository(tmp_path: Path) -> Path:
    """Two commits of the canary brief: the second rewords a statement, drops a source
    and makes a RESTRICTED key judgment PUBLIC."""
    repo = tmp_path / "repo"
    content = repo / "content"
    shutil.copytree(FIXTURES / "canary", content)
    (content / "sources.yaml").write_text(
        (content / "sources.yaml").read_text(encoding="utf-8") + EXTRA_SOURCE, encoding="utf-8"
    )
    edit(
        content / "cooperation.yaml",
        "sources: [public-source]\n",
        "sources: [public-source, extra-source]\n",
    )
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "first")
    edit(content / "sources.yaml", EXTRA_SOURCE, "")
    edit(
        content / "cooperation.yaml",
        "sources: [public-source, extra-source]\n",
        "sources: [public-source]\n",
    )
    edit(
        content / "brief.yaml",
        "The public judgment stands in every output.",
        "The public judgment now stands in each output.",
    )
    brief = content / "brief.yaml"
    text = brief.read_text(encoding="utf-8")
    head, _, tail = text.partition("CANARYRESTRICTEDJUDGMENT")
    brief.write_text(
        head + "CANARYRESTRICTEDJUDGMENT" + tail.replace("RESTRICTED\n", "PUBLIC\n", 1)
    )
    git(repo, "commit", "-q", "-am", "second")
    return repo


def run(runner: CliRunner, *args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["diff", *args])
    return result.exit_code, result.stdout


def test_a_marking_lowered_to_public_is_listed_first_and_flagged(
    repository: Path, runner: CliRunner
) -> None:
    code, out = run(runner, str(repository / "content"), "--rev", "HEAD~1..HEAD", "-f", "json")
    assert code == 3  # something became visible: the review must look
    changes = json.loads(out)
    first = changes[0]
    assert first["kind"] == "newly-visible" and first["flagged"]
    assert first["audiences"] == ["analyst", "public"]  # the minister saw it already
    assert first["text"].startswith("CANARYRESTRICTEDJUDGMENT")
    assert first["file"] == "brief.yaml" and first["line"] == 16
    kinds = {c["kind"]: c for c in changes}
    assert kinds["marking"]["detail"] == "RESTRICTED → PUBLIC"
    assert kinds["reworded"]["detail"] == (
        "The public judgment {+now+} stands in [-every-] {+each+} output."
    )
    assert kinds["sources"]["detail"] == "source removed: extra-source"
    assert kinds["source-removed"]["text"] == "extra-source: An extra source"
    assert not any(c["flagged"] for c in changes[1:])


def test_json_is_stable_and_text_and_markdown_say_the_same(
    repository: Path, runner: CliRunner
) -> None:
    content = str(repository / "content")
    first = run(runner, content, "--rev", "HEAD~1..HEAD", "-f", "json")[1]
    assert run(runner, content, "--rev", "HEAD~1..HEAD", "-f", "json")[1] == first
    assert list(json.loads(first)[0]) == [
        "kind", "file", "line", "text", "detail", "audiences", "flagged",
    ]  # fmt: skip
    text = run(runner, content, "--rev", "HEAD~1..HEAD")[1]
    assert text.splitlines()[0].startswith("!! brief.yaml:16: NEWLY VISIBLE: CANARYRESTRICTED")
    markdown = run(runner, content, "--rev", "HEAD~1..HEAD", "-f", "markdown")[1]
    assert "### :warning: Newly visible to an audience" in markdown
    assert "**analyst, public**" in markdown


def test_two_folders_and_no_change(runner: CliRunner, tmp_path: Path) -> None:
    code, out = run(runner, str(FIXTURES / "canary"), str(FIXTURES / "canary"))
    assert (code, out) == (0, "no changes\n")


def test_statements_are_followed_by_id_across_a_rewrite(
    brief_dir: Callable[..., Path], runner: CliRunner, tmp_path: Path
) -> None:
    old = brief_dir()
    new = tmp_path / "new"
    shutil.copytree(old, new)
    for folder, text in ((old, "Yes, it is."), (new, "Entirely different words now.")):
        edit(
            folder / "questions.yaml",
            "    - text: Yes, it is.\n",
            f"    - id: answer\n      text: {text}\n",
        )
    changes = json.loads(run(runner, str(old), str(new), "-f", "json")[1])
    assert [c["kind"] for c in changes] == ["reworded"]


def test_bad_arguments_are_usage_errors(runner: CliRunner, tmp_path: Path) -> None:
    assert runner.invoke(app, ["diff", str(tmp_path)]).exit_code == 2
    assert runner.invoke(app, ["diff", str(tmp_path), "--rev", "..HEAD"]).exit_code == 2
    outside = runner.invoke(app, ["diff", str(tmp_path), "--rev", "HEAD~1..HEAD"])
    assert outside.exit_code == 2 and "git" in outside.output


def test_word_diff_marks_only_what_changed() -> None:
    assert word_diff("a b c d", "a x c d e") == "a [-b-] {+x+} c d {+e+}"


@pytest.fixture
def blocks_repository(tmp_path: Path) -> Callable[..., Path]:
    """The canary brief committed, then changed by `edit_files` and committed again."""

    def make(*edits: tuple[str, str, str], image: bytes | None = None) -> Path:
        repo = tmp_path / "repo"
        content = repo / "content"
        shutil.copytree(FIXTURES / "canary", content)
        git(repo, "init", "-q")
        git(repo, "add", "-A")
        git(repo, "commit", "-q", "-m", "first")
        for name, old, new in edits:
            edit(content / name, old, new)
        if image is not None:
            (content / "figures" / "open-chart.svg").write_bytes(image)
        git(repo, "commit", "-q", "-am", "second")
        return content

    return make


ROW_INTERNAL = "          - cells: [2024, CANARYINTERNALROW, 7]\n            marking: INTERNAL\n"
ROW_PUBLIC = "          - cells: [2024, CANARYINTERNALROW, 7]\n            marking: PUBLIC\n"


def test_a_table_row_made_public_is_flagged_first(
    blocks_repository: Callable[..., Path], runner: CliRunner
) -> None:
    content = blocks_repository(("background.yaml", ROW_INTERNAL, ROW_PUBLIC))
    code, out = run(runner, str(content), "--rev", "HEAD~1..HEAD", "-f", "json")
    assert code == 3
    first = json.loads(out)[0]
    assert first["flagged"] and first["kind"] == "newly-visible"
    assert first["audiences"] == ["public"] and "CANARYINTERNALROW" in first["text"]
    assert first["file"] == "background.yaml" and first["line"] == 20


def test_a_figure_made_public_is_flagged(
    blocks_repository: Callable[..., Path], runner: CliRunner
) -> None:
    text = (FIXTURES / "canary" / "milestones.yaml").read_text()
    name = "milestones.yaml" if "restricted-chart" in text else "questions.yaml"
    source = (FIXTURES / "canary" / name).read_text()
    block = source[source.index("id: restricted-chart") :]
    marked = block[: block.index("marking: RESTRICTED") + len("marking: RESTRICTED")]
    content = blocks_repository((name, marked, marked.replace("RESTRICTED", "PUBLIC")))
    code, out = run(runner, str(content), "--rev", "HEAD~1..HEAD", "-f", "json")
    assert code == 3
    flagged = [c for c in json.loads(out) if c["flagged"]]
    assert any("public" in c["audiences"] for c in flagged)


@pytest.mark.parametrize(
    ("edit_args", "kind", "says"),
    [
        (
            ("background.yaml", "[2023, Open item, 12.5]", "[2023, Open item, 13.5]"),
            "cells",
            "{+13.5+}",
        ),  # noqa: E501
        (
            ("background.yaml", "caption: Work done each year,", "caption: Work done every year,"),
            "caption",
            "[-each-] {+every+}",
        ),
        (
            ("background.yaml", "caption: Work by year", "caption: Work by the year"),
            "caption",
            "{+the+}",
        ),  # noqa: E501
    ],
)
def test_a_changed_cell_or_caption_is_listed(
    edit_args: tuple[str, str, str],
    kind: str,
    says: str,
    blocks_repository: Callable[..., Path],
    runner: CliRunner,
) -> None:
    content = blocks_repository(edit_args)
    code, out = run(runner, str(content), "--rev", "HEAD~1..HEAD", "-f", "json")
    assert code == 0, out
    changes = json.loads(out)
    assert [c["kind"] for c in changes] == [kind], changes
    assert says in changes[0]["detail"]


def test_a_changed_image_is_listed(
    blocks_repository: Callable[..., Path], runner: CliRunner
) -> None:
    svg = (FIXTURES / "canary" / "figures" / "open-chart.svg").read_bytes()
    content = blocks_repository(image=svg.replace(b"</svg>", b'<rect width="1" height="1"/></svg>'))
    code, out = run(runner, str(content), "--rev", "HEAD~1..HEAD", "-f", "json")
    changes = json.loads(out)
    assert code == 0 and [c["kind"] for c in changes] == ["image"], changes
    assert changes[0]["file"] == "background.yaml" and changes[0]["line"] == 6


def test_a_draft_made_final_and_a_new_reference_are_listed(
    brief_dir: Callable[..., Path], runner: CliRunner, tmp_path: Path
) -> None:
    old = brief_dir()
    new = tmp_path / "new"
    shutil.copytree(old, new)
    for folder, status, reference in ((old, "draft", "MIN/1"), (new, "final", "MIN/2")):
        brief = folder / "brief.yaml"
        text = brief.read_text(encoding="utf-8")
        brief.write_text(
            text.replace("title:", f"status: {status}\nreference: {reference}\ntitle:", 1),
            encoding="utf-8",
        )
    code, out = run(runner, str(old), str(new))
    assert code == 0, out
    assert "status" in out and "draft" in out and "final" in out
    assert "MIN/1" in out and "MIN/2" in out
