"""The lints of evidence honesty: each on a brief that triggers it and on one that
does not, and each switched off by an audience."""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Callable
from pathlib import Path

from briefgen.check import Finding, check
from briefgen.check.evidence import attributed, end_of, months_between
from briefgen.content.models import Source

SOURCES = """\
- id: strong
  title: An official record
  publisher: The Ministry
  published: 2024-11
  reliability: A
- id: blog
  title: A blog post
  publisher: Estate Agents Ltd
  reliability: E
"""


def brief(summary: str, date: str = "2025-01-15", extra: str = "") -> str:
    return f"title: Evidence\ndate: {date}\n{extra}summary:\n{summary}"


def make(brief_dir: Callable[..., Path], summary: str, **files: str) -> Path:
    """The canary brief with only these key judgments and the sources above."""
    empty = ("background", "milestones", "cooperation", "questions")
    given = {"brief": brief(summary), "sources": SOURCES, **{name: "[]\n" for name in empty}}
    content: Path = brief_dir(**{**given, "abbreviations": "{}\n", **files})
    # Moved aside, so that a test can make several.
    return content.rename(content.with_name(f"brief-{next(_made)}"))


_made = itertools.count()


def found(content: Path, code: str) -> list[Finding]:
    return [f for f in check(content) if f.code == code]


def switch_off(content: Path, audience: str, code: str, clearance: str) -> None:
    """An audience of the brief's own that overrides a built-in one and turns a lint off."""
    folder = content / "templates" / audience
    folder.mkdir(parents=True)
    (folder / "audience.yaml").write_text(
        f"title: {audience}\nclearance: {clearance}\nsections: [summary]\n"
        f"lints:\n  {code}: false\n",
        encoding="utf-8",
    )


BARE = "  - text: Japan will join next year.\n    sources: [blog]\n"


def test_weak_evidence_bare_names_the_line_the_grades_and_the_audiences(
    brief_dir: Callable[..., Path],
) -> None:
    content = make(brief_dir, BARE)
    [finding] = found(content, "weak-evidence-bare")
    assert finding.severity == "warning"
    assert finding.problem.file == content / "brief.yaml"
    assert finding.problem.line == 4
    message = finding.problem.message
    assert "'blog' (E)" in message
    assert "minister, public" in message and "analyst" not in message.split(":")[0]
    assert "According to" in message and "show_grades: true" in message


def test_weak_evidence_bare_takes_an_attribution_or_a_strong_source(
    brief_dir: Callable[..., Path],
) -> None:
    attributed_text = (
        "  - text: According to an estate agent, Japan will join.\n    sources: [blog]\n"
    )
    by_name = "  - text: Estate Agents Ltd expects Japan to join.\n    sources: [blog]\n"
    strong = "  - text: Japan will join next year.\n    sources: [blog, strong]\n"
    for summary in (attributed_text, by_name, strong):
        assert found(make(brief_dir, summary), "weak-evidence-bare") == [], summary


def test_weak_evidence_bare_counts_a_doubtful_credibility(brief_dir: Callable[..., Path]) -> None:
    summary = "  - text: Japan will join next year.\n    credibility: 5\n    sources: [strong]\n"
    [finding] = found(make(brief_dir, summary), "weak-evidence-bare")
    assert "graded credibility 5" in finding.problem.message


def test_an_audience_turns_weak_evidence_bare_off(brief_dir: Callable[..., Path]) -> None:
    content = make(brief_dir, BARE)
    switch_off(content, "public", "weak-evidence-bare", "PUBLIC")
    [finding] = found(content, "weak-evidence-bare")
    assert "to minister, who" in finding.problem.message
    assert "public" not in finding.problem.message
    switch_off(content, "minister", "weak-evidence-bare", "RESTRICTED")
    assert found(content, "weak-evidence-bare") == []


def test_an_unknown_lint_in_audience_yaml_is_refused(brief_dir: Callable[..., Path]) -> None:
    content = make(brief_dir, BARE)
    switch_off(content, "public", "weak-evidence-bare", "PUBLIC")
    path = content / "templates" / "public" / "audience.yaml"
    path.write_text(path.read_text().replace("weak-evidence-bare", "weak-evidence-bear"))
    errors = [f for f in check(content) if f.severity == "error"]
    assert errors, "an unknown lint code must not be ignored"
    assert "weak-evidence-bare" in errors[0].problem.message


STRONG = "  - text: The ministry published its record.\n    sources: [strong]\n"


def test_stale_evidence_says_both_dates(brief_dir: Callable[..., Path]) -> None:
    content = make(brief_dir, STRONG, brief=brief(STRONG, date="2026-11-20"))
    [finding] = found(content, "stale-evidence")
    assert finding.problem.line == 2 and finding.problem.path == "date"
    message = finding.problem.message
    assert "2026-11-20" in message and "2024-11" in message and "'strong'" in message
    assert "23 months" in message and "more than 6" in message


def test_stale_evidence_is_quiet_within_its_months(brief_dir: Callable[..., Path]) -> None:
    assert found(make(brief_dir, STRONG), "stale-evidence") == []
    later = brief(STRONG, date="2026-11-20", extra="stale_after_months: 24\n")
    assert found(make(brief_dir, STRONG, brief=later), "stale-evidence") == []


def test_stale_evidence_dates_an_undated_source_by_its_milestone(
    brief_dir: Callable[..., Path],
) -> None:
    milestone = (
        "- date: 2026-06\n  title: Talks\n  statements:\n"
        "    - text: Talks are held.\n      sources: [blog]\n"
    )
    content = make(brief_dir, STRONG, brief=brief(STRONG, date="2026-11-20"), milestones=milestone)
    assert found(content, "stale-evidence") == []  # June 2026 is five months before


def test_every_audience_turns_stale_evidence_off(brief_dir: Callable[..., Path]) -> None:
    content = make(brief_dir, STRONG, brief=brief(STRONG, date="2026-11-20"))
    for name, clearance in (("public", "PUBLIC"), ("analyst", "INTERNAL")):
        switch_off(content, name, "stale-evidence", clearance)
    assert found(content, "stale-evidence") != []  # the minister still has it on
    switch_off(content, "minister", "stale-evidence", "RESTRICTED")
    assert found(content, "stale-evidence") == []


def test_grade_on_attribution(brief_dir: Callable[..., Path]) -> None:
    says = "  - text: The record says talks began.\n    credibility: 2\n    sources: [strong]\n"
    [finding] = found(make(brief_dir, says), "grade-on-attribution")
    assert finding.problem.path == "summary[0].credibility"
    assert "(shown to analyst)" in finding.problem.message
    claim = "  - text: Talks began in May.\n    credibility: 2\n    sources: [strong]\n"
    assert found(make(brief_dir, claim), "grade-on-attribution") == []


def test_contradicted_by_stronger_is_a_note(brief_dir: Callable[..., Path]) -> None:
    question = """\
- id: role
  question: How large was Japan's part?
  statements:
    - text: Japan's part was a small one.
      sources: [blog]
    - text: Japan's part was considerable.
      sources: [strong]
"""
    content = make(brief_dir, STRONG, questions=question)
    [finding] = found(content, "contradicted-by-stronger")
    assert finding.severity == "note"
    assert finding.problem.line == 4
    assert "'small' here rests on 'blog' (E)" in finding.problem.message
    assert (
        "questions.yaml:6" in finding.problem.message
        and "'considerable'" in finding.problem.message
    )
    agreeing = question.replace("considerable", "modest")
    assert found(make(brief_dir, STRONG, questions=agreeing), "contradicted-by-stronger") == []


def test_what_counts_as_attribution() -> None:
    source = Source.model_validate(
        {"id": "s", "title": "T", "reliability": "E", "publisher": "Akasaka Azabu"}
    )
    for text in (
        "According to one report, talks began.",
        "The 2007 account says France objected.",
        "Only a real-estate agency's blog calls membership possible.",
        "Talks reportedly began.",
        "By the same 2007 account, Abe was the first to attend.",
        "Akasaka Azabu's page gives NATO 29 members.",
    ):
        assert attributed(text, [source]), text
    for text in ("Japan's part was a small one.", "Talks began in May; the record is clear."):
        assert not attributed(text, [source]), text


def test_months_between_partial_dates() -> None:
    assert end_of("2025-01") == datetime.date(2025, 1, 31)
    assert end_of("2024") == datetime.date(2024, 12, 31)
    assert months_between(end_of("2025-01"), datetime.date(2025, 7, 31)) == 6
    assert months_between(end_of("2025-01"), datetime.date(2025, 7, 30)) == 5
