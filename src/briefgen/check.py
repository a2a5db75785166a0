"""Lints beyond the schema: quotes verified in their snapshots, sources never cited."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from .errors import Problem, UsageError
from .load import Document, read_text
from .models import Content, located_statements
from .validate import field_path, load_content

Severity = Literal["error", "warning"]

# Typography that differs between a source and a quote typed from it without
# changing a word: curly vs straight quotes and apostrophes.
_QUOTES = str.maketrans({"‘": "'", "’": "'", "‚": "'", "‛": "'", "′": "'",
                         "“": '"', "”": '"', "„": '"', "‟": '"', "″": '"'})
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Finding:
    code: str
    severity: Severity
    problem: Problem

    def as_dict(self) -> dict[str, object]:
        p = self.problem
        return {"code": self.code, "severity": self.severity,
                "file": str(p.file) if p.file else None, "line": p.line, "column": p.column,
                "path": p.path, "message": p.message}


def normalise(text: str) -> str:
    return _SPACE.sub(" ", text.translate(_QUOTES)).strip()


def check(content_dir: Path, snapshots: Path | None = None) -> list[Finding]:
    """Every finding for a brief folder; schema errors raise ContentError as in a build."""
    if not content_dir.is_dir():
        raise UsageError(f"no brief folder at '{content_dir}'")
    snapshot_dir = snapshots if snapshots is not None else content_dir / "snapshots"
    if snapshots is not None and not snapshots.is_dir():
        raise UsageError(f"no snapshot folder at '{snapshots}'")
    content, documents = load_content(content_dir)
    findings = verify_quotes(content, documents, snapshot_dir)
    findings += unused_sources(content, documents)
    return sorted(findings, key=lambda f: (str(f.problem.file), f.problem.line or 0))


def verify_quotes(content: Content, documents: dict[str, Document],
                  snapshot_dir: Path) -> list[Finding]:
    """Each quote must appear in its source's snapshot, up to whitespace and quote marks."""
    texts: dict[str, str | Finding] = {}
    findings: list[Finding] = []
    for key, loc, statement in located_statements(content):
        for k, citation in enumerate(statement.sources):
            if not citation.quote:
                continue
            source_id = citation.source
            if source_id not in texts:
                texts[source_id] = _snapshot_text(content, documents, source_id, snapshot_dir)
                if isinstance(texts[source_id], Finding):  # reported once, where it is fixed
                    findings.append(texts[source_id])  # type: ignore[arg-type]
            text = texts[source_id]
            if isinstance(text, str) and normalise(citation.quote) not in text:
                quote_loc = (*loc, "sources", k, "quote")
                findings.append(Finding("quote-not-found", "error", documents[key].problem(
                    quote_loc, field_path(key, quote_loc),
                    f"quote not found in the snapshot of '{source_id}': "
                    "copy it exactly from the source")))
    return findings


def _snapshot_text(content: Content, documents: dict[str, Document], source_id: str,
                   snapshot_dir: Path) -> str | Finding:
    index = next(i for i, s in enumerate(content.sources) if s.id == source_id)
    source = content.sources[index]
    where = documents["sources"].problem((index, "snapshot"), f"sources[{index}].snapshot", "")
    if not source.snapshot:
        where = documents["sources"].problem((index, "id"), f"sources[{index}]", "")
        return Finding("quote-without-snapshot", "error", _with(
            where, f"source '{source_id}' has quoted statements but no snapshot to verify them "
                   "against: add `snapshot:`"))
    path = (snapshot_dir / source.snapshot).resolve()
    if not path.is_relative_to(snapshot_dir.resolve()):
        return Finding("snapshot-outside", "error", _with(
            where, f"snapshot '{source.snapshot}' is outside the snapshot folder"))
    if not path.is_file():
        return Finding("snapshot-missing", "error", _with(
            where, f"snapshot '{source.snapshot}' not found in {snapshot_dir} "
                   "(pass --snapshots DIR if they are kept elsewhere)"))
    return normalise(read_text(path))


def unused_sources(content: Content, documents: dict[str, Document]) -> list[Finding]:
    cited = {c.source for _, _, s in located_statements(content) for c in s.sources}
    return [Finding("unused-source", "warning", documents["sources"].problem(
                (i, "id"), f"sources[{i}]", f"source '{s.id}' is never cited: cite or remove it"))
            for i, s in enumerate(content.sources) if s.id not in cited]


def _with(problem: Problem, message: str) -> Problem:
    return Problem(problem.file, problem.line, problem.column, problem.path, message)


def report(findings: list[Finding], fmt: str) -> str:
    """The findings as text (one per line), JSON, or GitHub workflow annotations."""
    if fmt == "json":
        return json.dumps([f.as_dict() for f in findings], indent=2, ensure_ascii=False) + "\n"
    lines = []
    for f in findings:
        if fmt == "github":
            p = f.problem
            lines.append(f"::{f.severity} file={p.file},line={p.line},col={p.column}::"
                         f"{p.path}: {p.message} [{f.code}]")
        else:
            lines.append(f"{f.problem}: {f.severity} [{f.code}]")
    errors = sum(f.severity == "error" for f in findings)
    if fmt == "text":
        lines.append(f"{errors} errors, {len(findings) - errors} warnings")
    return "\n".join(lines) + "\n"
