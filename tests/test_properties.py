"""Properties over generated briefs: nothing above clearance leaks, nothing crashes."""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path
from typing import Any

import yaml
from conftest import FIXTURES
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pdfread import everything_in_pdf
from typer.testing import CliRunner

from briefgen.cli import app
from briefgen.pipeline import build

MARKINGS = [None, "PUBLIC", "INTERNAL", "RESTRICTED"]
RANK = {"PUBLIC": 0, "INTERNAL": 1, "RESTRICTED": 2}
CLEARANCE = {"public": 0, "analyst": 1, "minister": 2}
SECTIONS = ["summary", "background", "milestones", "cooperation", "questions"]

statement_specs = st.lists(
    st.tuples(st.sampled_from(MARKINGS), st.sampled_from(SECTIONS), st.integers(0, 2)),
    min_size=1,
    max_size=8,
)


def token(kind: str, i: int) -> str:
    # Short, with digits: never hyphenated, never part of another word.
    return f"Q{kind}{i}X"


def write_brief(
    folder: Path, specs: list[tuple[str | None, str, int]], default: str
) -> dict[str, int]:
    """A brief with one statement per spec; returns each token's marking rank."""
    ranks: dict[str, int] = {}
    sources = [
        {
            "id": f"src-{k}",
            "title": f"Source {token('S', k)}",
            "url": f"https://example.org/{token('U', k)}",
            "reliability": "B",
        }
        for k in range(3)
    ]
    parts: dict[str, list[Any]] = {name: [] for name in SECTIONS}
    for i, (marking, section, source) in enumerate(specs):
        statement: dict[str, Any] = {
            "text": f"Statement {token('T', i)} stands.",
            "sources": [
                {
                    "source": f"src-{source}",
                    "locator": f"para {token('L', i)}",
                    "quote": f"words {token('Q', i)}",
                }
            ],
        }
        if marking:
            statement["marking"] = marking
        ranks[token("T", i)] = ranks[token("L", i)] = ranks[token("Q", i)] = RANK[
            marking or default
        ]
        new_items: dict[str, dict[str, Any]] = {
            "background": {"heading": f"Part {token('H', i)}"},
            "milestones": {"date": 2000 + i, "title": f"Event {token('E', i)}"},
            "cooperation": {"id": f"area-{i}", "area": f"Area {token('A', i)}", "status": "active"},
            "questions": {"id": f"q-{i}", "question": f"Why {token('W', i)}?"},
        }
        item = new_items.get(section)
        if item is None:
            parts["summary"].append(statement)
        else:
            item["statements"] = [statement]
            parts[section].append(item)
            ranks[next(t for t in re.findall(r"Q[HEAW]\d+X", str(item)))] = RANK[marking or default]
    brief = {
        "title": "Generated brief",
        "date": "2030-01-01",
        "marking": default,
        "summary": parts.pop("summary"),
    }
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "brief.yaml").write_text(yaml.safe_dump(brief))
    (folder / "sources.yaml").write_text(yaml.safe_dump(sources))
    for name, items in parts.items():
        (folder / f"{name}.yaml").write_text(yaml.safe_dump(items))
    for k in range(3):  # a source's tokens may show only where a visible statement cites it
        cited = [RANK[m or default] for m, _, s in specs if s == k]
        ranks[token("S", k)] = ranks[token("U", k)] = min(cited, default=99)
    return ranks


def leaks(text: str, ranks: dict[str, int], clearance: int) -> list[str]:
    return [t for t, rank in ranks.items() if rank > clearance and t in text]


def missing(text: str, ranks: dict[str, int], clearance: int) -> list[str]:
    # Statement texts at or below clearance must all be there (the filter drops no more).
    return [
        t for t, rank in ranks.items() if t.startswith("QT") and rank <= clearance and t not in text
    ]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(specs=statement_specs, default=st.sampled_from(["PUBLIC", "INTERNAL"]))
def test_html_never_shows_what_is_above_clearance(specs: list[Any], default: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        ranks = write_brief(Path(tmp) / "brief", specs, default)
        build(Path(tmp) / "brief", out_dir=Path(tmp) / "out", formats=["html"], jobs=1)
        for audience, clearance in CLEARANCE.items():
            path = Path(tmp) / "out" / audience / "brief.html"
            if not path.exists():  # it sees no statement, so it gets no output
                assert audience == "minister" or missing("", ranks, clearance) == []
                continue
            html = path.read_text()
            assert leaks(html, ranks, clearance) == []
            if audience != "minister":  # it shows only some sections, by design
                assert missing(html, ranks, clearance) == []


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(specs=statement_specs, default=st.sampled_from(["PUBLIC", "INTERNAL"]))
def test_pdf_text_metadata_and_bookmarks_never_show_what_is_above_clearance(
    specs: list[Any], default: str
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        ranks = write_brief(Path(tmp) / "brief", specs, default)
        build(Path(tmp) / "brief", out_dir=Path(tmp) / "out", formats=["pdf"])
        for audience, clearance in CLEARANCE.items():
            path = Path(tmp) / "out" / audience / "brief.pdf"
            if not path.exists():  # it sees no statement, so it gets no output
                assert audience == "minister" or missing("", ranks, clearance) == []
                continue
            everything = everything_in_pdf(path)
            assert leaks(everything, ranks, clearance) == []


# --- never a traceback -------------------------------------------------------

FILES = ["brief", "sources", "background", "milestones", "cooperation", "questions"]
ERROR_LINE = re.compile(r"^\S+\.(yaml|docx)(:\d+)*: ")


def mutate(data: Any, path: list[int], action: str, junk: Any) -> Any:
    """Walk into `data` along `path` (indices taken modulo the sizes) and change one thing."""
    if isinstance(data, dict) and data:
        key = list(data)[path[0] % len(data)] if path else None
        if key is None or not path[1:]:
            if action == "delete" and key is not None:
                return {k: v for k, v in data.items() if k != key}
            return {**data, key: junk} if key is not None else junk
        return {**data, key: mutate(data[key], path[1:], action, junk)}
    if isinstance(data, list) and data:
        i = path[0] % len(data) if path else 0
        if not path[1:]:
            return (
                [*data[:i], *data[i + 1 :]]
                if action == "delete"
                else [*data[:i], junk, *data[i + 1 :]]
            )
        return [*data[:i], mutate(data[i], path[1:], action, junk), *data[i + 1 :]]
    return junk


junk_values = st.one_of(
    st.none(),
    st.integers(),
    st.floats(allow_nan=False),
    st.text(),
    st.lists(st.text(max_size=5), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
)


@settings(max_examples=60, deadline=None)
@given(
    file=st.sampled_from(FILES),
    path=st.lists(st.integers(0, 20), min_size=1, max_size=5),
    action=st.sampled_from(["delete", "replace"]),
    junk=junk_values,
)
def test_check_never_raises_on_changed_values(
    file: str, path: list[int], action: str, junk: Any
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        content = Path(tmp) / "brief"
        shutil.copytree(FIXTURES / "canary", content)
        target = content / f"{file}.yaml"
        data = yaml.safe_load(target.read_text())
        target.write_text(yaml.safe_dump(mutate(data, path, action, junk), allow_unicode=True))
        assert_clean_exit(CliRunner().invoke(app, ["check", str(content)]))


@settings(max_examples=60, deadline=None)
@given(
    file=st.sampled_from(FILES),
    where=st.floats(0, 1),
    text=st.text(max_size=40),
    truncate=st.booleans(),
)
def test_check_never_raises_on_damaged_text(
    file: str, where: float, text: str, truncate: bool
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        content = Path(tmp) / "brief"
        shutil.copytree(FIXTURES / "canary", content)
        target = content / f"{file}.yaml"
        original = target.read_text()
        cut = int(len(original) * where)
        target.write_text(original[:cut] + ("" if truncate else text + original[cut:]))
        assert_clean_exit(CliRunner().invoke(app, ["check", str(content)]))


@settings(max_examples=15, deadline=None)
@given(
    file=st.sampled_from(FILES),
    path=st.lists(st.integers(0, 20), min_size=1, max_size=5),
    junk=junk_values,
)
def test_build_never_raises_on_changed_values(file: str, path: list[int], junk: Any) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        content = Path(tmp) / "brief"
        shutil.copytree(FIXTURES / "canary", content)
        target = content / f"{file}.yaml"
        data = yaml.safe_load(target.read_text())
        target.write_text(yaml.safe_dump(mutate(data, path, "replace", junk)))
        result = CliRunner().invoke(
            app, ["build", str(content), "-f", "html", "--out", str(Path(tmp) / "out")]
        )
        assert_clean_exit(result)


def assert_clean_exit(result: Any, usage: bool = False) -> None:
    assert result.exit_code in ((0, 1, 2) if usage else (0, 1)), result.output
    assert "Traceback" not in result.output and "internal error" not in result.output, result.output
    if result.exit_code == 1:
        first = next(line for line in result.output.splitlines() if line.strip())
        assert ERROR_LINE.match(first), result.output


# The new surfaces: a project's briefgen.yaml, an audience.yaml, the Word path, the
# preview, SVG figures, reference documents and the revisions given to diff.

PROJECT_KEYS = st.sampled_from(["briefs", "title", "lang", "marking_scheme", "bogus"])
yaml_values = st.recursive(
    junk_values,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=8,
)


@settings(max_examples=30, deadline=None)
@given(data=st.dictionaries(PROJECT_KEYS, yaml_values, max_size=4))
def test_a_project_file_never_fails_inside(data: dict[str, Any]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp) / "desk"
        shutil.copytree(FIXTURES / "canary", project / "briefs" / "one")
        (project / "briefgen.yaml").write_text(yaml.safe_dump(data, allow_unicode=True))
        assert_clean_exit(CliRunner().invoke(app, ["check", str(project)]), usage=True)


AUDIENCE_KEYS = st.sampled_from(
    ["extends", "title", "clearance", "sections", "formats", "max_pages", "labels",
     "show_grades", "numbered", "contents", "timeline", "max_milestones", "bogus"]
)  # fmt: skip


@settings(max_examples=30, deadline=None)
@given(data=st.dictionaries(AUDIENCE_KEYS, yaml_values, max_size=4))
def test_an_audience_file_never_fails_inside(data: dict[str, Any]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        content = Path(tmp) / "brief"
        shutil.copytree(FIXTURES / "canary", content)
        folder = content / "templates" / "public"
        folder.mkdir(parents=True)
        (folder / "audience.yaml").write_text(yaml.safe_dump(data, allow_unicode=True))
        runner = CliRunner()
        assert_clean_exit(runner.invoke(app, ["check", str(content)]))
        out = str(Path(tmp) / "out")
        assert_clean_exit(runner.invoke(app, ["build", str(content), "-f", "docx", "-o", out]))


@settings(max_examples=10, deadline=None)
@given(
    file=st.sampled_from(FILES),
    path=st.lists(st.integers(0, 20), min_size=1, max_size=5),
    junk=junk_values,
)
def test_the_word_path_and_the_preview_never_fail_inside(
    file: str, path: list[int], junk: Any
) -> None:
    from briefgen.tools.serve import Preview

    with tempfile.TemporaryDirectory() as tmp:
        content = Path(tmp) / "brief"
        shutil.copytree(FIXTURES / "canary", content)
        target = content / f"{file}.yaml"
        data = yaml.safe_load(target.read_text())
        target.write_text(yaml.safe_dump(mutate(data, path, "replace", junk)))
        out = str(Path(tmp) / "out")
        assert_clean_exit(CliRunner().invoke(app, ["build", str(content), "-f", "docx", "-o", out]))
        Preview(content, "analyst")  # a content error becomes the page, never a raise


svg_attribute = st.tuples(
    st.sampled_from(
        ["style", "fill", "href", "xlink:href", "filter", "width", "viewBox", "onload"]
    ),
    st.text(alphabet=st.sampled_from(list("u\\rl()#:/ .@ima-port0123456789x\"';{}")), max_size=30),
)


@settings(max_examples=40, deadline=None)
@given(attributes=st.lists(svg_attribute, max_size=3), style=st.text(max_size=40))
def test_an_svg_figure_never_fails_inside(attributes: list[tuple[str, str]], style: str) -> None:
    from xml.sax.saxutils import quoteattr

    with tempfile.TemporaryDirectory() as tmp:
        content = Path(tmp) / "brief"
        shutil.copytree(FIXTURES / "canary", content)
        attrs = " ".join(f"{name}={quoteattr(value)}" for name, value in attributes)
        svg = (
            '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
            f'width="30" height="20"><rect {attrs}/><style>{style.replace("<", "")}</style></svg>'
        )
        (content / "figures" / "open-chart.svg").write_text(svg)
        runner = CliRunner()
        checked = runner.invoke(app, ["check", str(content)])
        assert_clean_exit(checked)
        if checked.exit_code == 0:  # what check passes, a build lays out
            out = str(Path(tmp) / "out")
            assert_clean_exit(
                runner.invoke(app, ["build", str(content), "-a", "public", "-o", out])
            )


@settings(max_examples=25, deadline=None)
@given(
    part=st.sampled_from(
        [
            "word/styles.xml",
            "word/_rels/document.xml.rels",
            "[Content_Types].xml",
            "word/document.xml",
            "word/theme/theme1.xml",
            "_rels/.rels",
        ]
    ),
    cut=st.floats(0, 1),
    junk=st.binary(max_size=30),
)
def test_a_damaged_reference_document_never_fails_inside(
    part: str, cut: float, junk: bytes
) -> None:
    import zipfile

    from briefgen.template_search import builtin_templates

    with tempfile.TemporaryDirectory() as tmp:
        content = Path(tmp) / "brief"
        shutil.copytree(FIXTURES / "canary", content)
        folder = content / "templates" / "minister"
        folder.mkdir(parents=True)
        source = zipfile.ZipFile(builtin_templates() / "_common" / "reference.docx")
        with zipfile.ZipFile(folder / "reference.docx", "w") as target:
            for name in source.namelist():
                data = source.read(name)
                if name == part:
                    data = data[: int(len(data) * cut)] + junk
                target.writestr(name, data)
        runner = CliRunner()
        assert_clean_exit(runner.invoke(app, ["check", str(content)]))
        out = str(Path(tmp) / "out")
        assert_clean_exit(
            runner.invoke(app, ["build", str(content), "-a", "minister", "-f", "docx", "-o", out])
        )


@settings(max_examples=25, deadline=None)
@given(
    rev=st.text(alphabet=st.sampled_from(list("-.~^:HEADmain=/o@{}1 ")), min_size=1, max_size=16)
)
def test_any_revision_given_to_diff_is_a_clean_answer(rev: str) -> None:
    import subprocess

    with tempfile.TemporaryDirectory() as tmp:
        repo = Path(tmp) / "repo"
        shutil.copytree(FIXTURES / "canary", repo / "content")
        for args in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "one"]):
            subprocess.run(
                ["git", "-c", "user.name=T", "-c", "user.email=t@example.org", *args],
                cwd=repo, check=True, capture_output=True,
            )  # fmt: skip
        (repo / "victim").write_text("KEEP")
        result = CliRunner().invoke(app, ["diff", str(repo / "content"), "--rev", rev])
        assert result.exit_code in (0, 1, 2, 3), result.output
        assert "Traceback" not in result.output and "internal error" not in result.output
        assert (repo / "victim").read_text() == "KEEP"
        assert sorted(p.name for p in repo.iterdir()) == [".git", "content", "victim"]
