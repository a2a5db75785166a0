"""Lints beyond the schema, each with a stable code: what an editor runs before a brief goes out.

Every finding names file:line:col, the field path and what to do. The codes
are documented in the README and are stable: CI configurations depend on them.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from .errors import ContentError, Problem, UsageError, display_path
from .load import Document
from .models import Content, Statement, located_statements
from .snapshots import SnapshotError, closest_passage, normalise, snapshot_text
from .validate import field_path, load_content

Severity = Literal["error", "warning"]
WEAK = {"D", "E", "F"}


@dataclass(frozen=True)
class Finding:
    severity: Severity
    problem: Problem

    @property
    def code(self) -> str:
        return self.problem.code

    def as_dict(self) -> dict[str, object]:
        p = self.problem
        return {
            "code": p.code,
            "severity": self.severity,
            "file": str(p.file) if p.file else None,
            "line": p.line,
            "column": p.column,
            "path": p.path,
            "message": p.message,
        }


@dataclass
class Review:
    """What every lint looks at: the content, where each value stands, the snapshots."""

    content: Content
    documents: dict[str, Document]
    snapshot_dir: Path

    def at(self, key: str, loc: tuple[str | int, ...], message: str, code: str) -> Problem:
        return self.documents[key].problem(loc, field_path(key, loc), message, code=code)


def check(content_dir: Path, snapshots: Path | None = None) -> list[Finding]:
    """Every finding for a brief folder, schema errors included, in file and line order."""
    if not content_dir.is_dir():
        raise UsageError(f"no brief folder at '{content_dir}'")
    if snapshots is not None and not snapshots.is_dir():
        raise UsageError(f"no snapshot folder at '{snapshots}'")
    try:
        content, documents = load_content(content_dir)
    except ContentError as exc:
        return [Finding("error", p) for p in exc.problems]
    review = Review(content, documents, snapshots or content_dir / "snapshots")
    findings = [f for lint in LINTS for f in lint(review)]
    return sorted(
        findings, key=lambda f: (str(f.problem.file), f.problem.line or 0, f.problem.column or 0)
    )


def quotes(review: Review) -> Iterator[Finding]:
    """Each quote must be in its source's snapshot, up to spacing, quote marks, dashes, NFKC."""
    texts: dict[str, str | None] = {}
    for key, loc, statement in located_statements(review.content):
        for k, citation in enumerate(statement.sources):
            if not citation.quote:
                continue
            if citation.source not in texts:
                text, problem = _snapshot(review, citation.source)
                texts[citation.source] = text
                if problem:  # reported once, at the source, where it is fixed
                    yield Finding("error", problem)
            text = texts[citation.source]
            quote = normalise(citation.quote)
            if text is not None and quote not in text:
                passage, score = closest_passage(quote, text)
                hint = f"; closest passage ({score:.0f}% alike): “{passage}”" if passage else ""
                yield Finding(
                    "error",
                    review.at(
                        key,
                        (*loc, "sources", k, "quote"),
                        f"quote not found in the snapshot of '{citation.source}'{hint}",
                        "quote-not-found",
                    ),
                )


def _snapshot(review: Review, source_id: str) -> tuple[str | None, Problem | None]:
    index = next(i for i, s in enumerate(review.content.sources) if s.id == source_id)
    source = review.content.sources[index]
    if not source.snapshot:
        return None, review.at(
            "sources",
            (index, "id"),
            (
                f"source '{source_id}' has quoted statements but no snapshot to verify them "
                "against: add `snapshot:` with a saved copy of the source"
            ),
            "quote-without-snapshot",
        )
    where = (index, "snapshot")
    root = review.snapshot_dir.resolve()
    path = (review.snapshot_dir / source.snapshot).resolve()
    if not path.is_relative_to(root):
        return None, review.at(
            "sources",
            where,
            (f"snapshot '{source.snapshot}' is outside the snapshot folder {review.snapshot_dir}"),
            "snapshot-outside",
        )
    if not path.is_file():
        return None, review.at(
            "sources",
            where,
            (
                f"snapshot '{source.snapshot}' not found in {review.snapshot_dir} "
                "(pass --snapshots DIR if they are kept elsewhere)"
            ),
            "snapshot-missing",
        )
    try:
        return snapshot_text(path), None
    except (SnapshotError, ContentError) as exc:
        return None, review.at("sources", where, str(exc), "snapshot-unreadable")


def unused_sources(review: Review) -> Iterator[Finding]:
    cited = {c.source for _, _, s in located_statements(review.content) for c in s.sources}
    for i, source in enumerate(review.content.sources):
        if source.id not in cited:
            yield Finding(
                "warning",
                review.at(
                    "sources",
                    (i, "id"),
                    f"source '{source.id}' is never cited: cite or remove it",
                    "unused-source",
                ),
            )


def weak_evidence(review: Review) -> Iterator[Finding]:
    """A key judgment or a milestone resting only on sources graded D–F."""
    grade = {s.id: s.reliability for s in review.content.sources}

    def weak(statement: Statement) -> bool:
        return all(grade[c.source] in WEAK for c in statement.sources)

    for i, statement in enumerate(review.content.brief.summary):
        if weak(statement):
            yield Finding(
                "warning",
                review.at(
                    "brief",
                    ("summary", i, "sources"),
                    (
                        "this key judgment rests only on sources graded D–F: add a stronger source "
                        "or say in the text that the evidence is weak"
                    ),
                    "weak-evidence",
                ),
            )
    for i, milestone in enumerate(review.content.milestones):
        if all(weak(s) for s in milestone.statements):
            yield Finding(
                "warning",
                review.at(
                    "milestones",
                    (i, "statements"),
                    (
                        f"milestone '{milestone.title}' rests only on sources graded D–F: "
                        "add a stronger source"
                    ),
                    "weak-evidence",
                ),
            )


def doubtful_judgments(review: Review) -> Iterator[Finding]:
    for i, statement in enumerate(review.content.brief.summary):
        if statement.credibility and statement.credibility >= 5:
            yield Finding(
                "warning",
                review.at(
                    "brief",
                    ("summary", i, "credibility"),
                    (
                        f"a key judgment graded credibility {statement.credibility} (improbable or "
                        "cannot be judged): move it to the open questions or reword it"
                    ),
                    "doubtful-judgment",
                ),
            )


def milestones_after_brief(review: Review) -> Iterator[Finding]:
    as_of = review.content.brief.date.isoformat()
    for i, milestone in enumerate(review.content.milestones):
        if milestone.date[: len(as_of)] > as_of[: len(milestone.date)]:
            yield Finding(
                "error",
                review.at(
                    "milestones",
                    (i, "date"),
                    (
                        f"milestone dated {milestone.date}, after the brief's date {as_of}: "
                        "correct the date or move the brief's date"
                    ),
                    "milestone-after-brief",
                ),
            )


def duplicate_statements(review: Review) -> Iterator[Finding]:
    first: dict[str, tuple[str, int]] = {}
    for key, loc, statement in located_statements(review.content):
        text = normalise(statement.text).casefold()
        line = review.documents[key].position(loc)[0]
        if text in first:
            where_key, where_line = first[text]
            yield Finding(
                "warning",
                review.at(
                    key,
                    (*loc, "text"),
                    (f"the same statement as {where_key}.yaml:{where_line}: keep one"),
                    "duplicate-statement",
                ),
            )
        else:
            first[text] = (key, line)


def accessed_before_published(review: Review) -> Iterator[Finding]:
    for i, source in enumerate(review.content.sources):
        if source.accessed and source.published:
            accessed = source.accessed.isoformat()
            if accessed[: len(source.published)] < source.published:
                yield Finding(
                    "error",
                    review.at(
                        "sources",
                        (i, "accessed"),
                        (
                            f"accessed {accessed}, before it was published ({source.published}): "
                            "correct one of the dates"
                        ),
                        "accessed-before-published",
                    ),
                )


LINTS: tuple[Callable[[Review], Iterator[Finding]], ...] = (
    quotes,
    unused_sources,
    weak_evidence,
    doubtful_judgments,
    milestones_after_brief,
    duplicate_statements,
    accessed_before_published,
)


def failed(findings: list[Finding], strict: bool) -> bool:
    return any(f.severity == "error" or strict for f in findings)


def report(findings: list[Finding], fmt: str, colour: bool = False) -> str:
    """The findings as text (one per line), JSON, or GitHub workflow annotations."""
    if fmt == "json":
        return json.dumps([f.as_dict() for f in findings], indent=2, ensure_ascii=False) + "\n"
    if fmt == "github":
        return "".join(_github(f) + "\n" for f in findings)
    lines = [_text(f, colour) for f in findings]
    errors = sum(f.severity == "error" for f in findings)
    lines.append(
        f"{errors} error{'s' * (errors != 1)}, {len(findings) - errors} "
        f"warning{'s' * (len(findings) - errors != 1)}"
    )
    return "\n".join(lines) + "\n"


def _text(finding: Finding, colour: bool) -> str:
    p = finding.problem
    label = f"{finding.severity}[{p.code}]"
    if colour:
        tint = "31" if finding.severity == "error" else "33"
        label = f"\033[1;{tint}m{label}\033[0m"
    head = ": ".join(part for part in (p.location(), label, p.path) if part)
    return f"{head}: {p.message}"


def _github(finding: Finding) -> str:
    p = finding.problem
    where = ",".join(
        f"{k}={v}"
        for k, v in (("file", p.file and display_path(p.file)), ("line", p.line), ("col", p.column))
        if v
    )
    message = f"{p.path}: {p.message} [{p.code}]" if p.path else f"{p.message} [{p.code}]"
    # Workflow commands end at a newline; GitHub decodes these escapes.
    message = message.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return f"::{finding.severity} {where}::{message}"
