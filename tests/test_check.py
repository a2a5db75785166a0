"""briefgen check: quotes verified against snapshots, unused sources flagged."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import SAMPLE, SHARED_SOURCES
from typer.testing import CliRunner

from briefgen.check import check, normalise
from briefgen.cli import app

SNAPSHOT = "The minister said: “We will ‘stay the course’.”\nThe fund   began in\n2007.\n"

BRIEF = """\
title: Quotes
date: 2025-01-01
summary:
  - text: A judgment.
    sources: [public-source]
"""

SOURCES = """\
- id: public-source
  title: A public source
  reliability: B
  snapshot: public.txt
- id: restricted-source
  title: Another
  reliability: C
"""


def quoted_brief(make: Callable[..., Path], quote: str) -> Path:
    content = make(sources=SOURCES, brief=BRIEF, questions=f"""\
- id: q
  question: What was said?
  statements:
    - text: The minister promised to persevere.
      sources:
        - source: public-source
          locator: para 1
          quote: '{quote}'
""")
    (content / "snapshots").mkdir()
    (content / "snapshots" / "public.txt").write_text(SNAPSHOT, encoding="utf-8")
    return content


@pytest.mark.parametrize("quote", [
    "We will ‘stay the course’.",
    "We will ''stay the course''.",  # YAML '' is one straight quote
    "The fund began in 2007.",  # line break and runs of spaces
])
def test_quote_matches_despite_whitespace_and_quote_marks(brief_dir: Callable[..., Path],
                                                          quote: str) -> None:
    content = quoted_brief(brief_dir, quote)
    assert not [f for f in check(content) if f.code == "quote-not-found"]


@pytest.mark.parametrize("quote", [
    "We will stay the course.",  # quote marks dropped
    "we will ‘stay the course’.",  # case changed
    "The fund began in 2008.",  # a different number
])
def test_any_other_difference_is_a_mismatch(brief_dir: Callable[..., Path], runner: CliRunner,
                                            quote: str) -> None:
    content = quoted_brief(brief_dir, quote)
    result = runner.invoke(app, ["check", str(content)])
    assert result.exit_code == 1
    assert re.search(r"questions\.yaml:8:18: questions\[0\]\.statements\[0\]\.sources\[0\]\.quote: "
                     r"quote not found in the snapshot of 'public-source'", result.output)


def test_missing_snapshot_is_an_error(brief_dir: Callable[..., Path], runner: CliRunner) -> None:
    content = quoted_brief(brief_dir, "We will")
    (content / "snapshots" / "public.txt").unlink()
    result = runner.invoke(app, ["check", str(content)])
    assert result.exit_code == 1
    expected = "sources.yaml:4:13: sources[0].snapshot: snapshot 'public.txt' not found"
    assert expected in result.output


def test_snapshot_outside_its_folder_is_refused(brief_dir: Callable[..., Path],
                                                runner: CliRunner) -> None:
    content = quoted_brief(brief_dir, "We will")
    (content / "sources.yaml").write_text(SOURCES.replace("public.txt", "../brief.yaml"))
    result = runner.invoke(app, ["check", str(content)])
    assert result.exit_code == 1
    assert "is outside the snapshot folder" in result.output


def test_unused_source_is_a_warning(brief_dir: Callable[..., Path], runner: CliRunner) -> None:
    content = quoted_brief(brief_dir, "We will")
    with (content / "sources.yaml").open("a", encoding="utf-8") as sources:
        sources.write("- id: spare\n  title: Never cited\n  reliability: F\n")
    result = runner.invoke(app, ["check", str(content), "--format", "json"])
    assert result.exit_code == 0
    findings = json.loads(result.output)
    assert [(f["code"], f["severity"], f["line"]) for f in findings] == [
        ("unused-source", "warning", 8)]


def test_normalise_changes_only_spacing_and_quote_marks() -> None:
    assert normalise(" “a’s”\n\t b ") == "\"a's\" b"


def test_every_source_of_the_sample_is_cited() -> None:
    assert not [f for f in check(SAMPLE, SHARED_SOURCES if SHARED_SOURCES.is_dir() else None)
                if f.code == "unused-source"]


@pytest.mark.skipif(not SHARED_SOURCES.is_dir(), reason="the sample's source texts are not here")
def test_every_quote_of_the_sample_is_verified() -> None:
    from briefgen.audience import all_statements
    from briefgen.validate import load_content

    content, _ = load_content(SAMPLE)
    quotes = [c for s in all_statements(content) for c in s.sources if c.quote]
    assert len(quotes) >= 10
    assert check(SAMPLE, SHARED_SOURCES) == []
