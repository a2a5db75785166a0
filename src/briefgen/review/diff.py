"""briefgen diff: what changed in a brief between two versions, statement by statement,
and above all who can now read what they could not read before.

Each version is loaded and validated, and filtered for each audience exactly as a
build filters it, so "visible to" means what a reader of that audience's output
will see. Statements are matched across the versions by their `id` when both
give one, else by identical text, else by the most similar text (word-level
ratio of at least SIMILAR); what stays unmatched was added or removed.
"""

from __future__ import annotations

import difflib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ..audiences import Audience
from ..clearance import filter_content
from ..content.load import Document
from ..content.markup import plain
from ..content.models import Content, Source, Statement
from ..content.sections import Located, located_statements
from ..opening import open_brief

SIMILAR = 60.0  # rapidfuzz token ratio (0–100) at which a changed text is a rewording


@dataclass(frozen=True)
class Version:
    """One side of a diff: the content, where each statement stands, who can read it."""

    content: Content
    documents: dict[str, Document]
    audiences: dict[str, Audience]
    folder: Path

    def readers(self) -> dict[str, set[int]]:
        """For each audience, the statements (by id() in this content) it shows."""
        shown: dict[str, set[int]] = {}
        for name, audience in self.audiences.items():
            visible = {
                _fingerprint(f.statement)
                for f in located_statements(filter_content(self.content, audience))
            }
            shown[name] = {
                id(f.statement)
                for f in located_statements(self.content)
                if _fingerprint(f.statement) in visible
            }
        return shown


def _fingerprint(statement: Statement) -> tuple[str, tuple[str, ...]]:
    """What identifies a statement after filtering (which copies it): text and citations."""
    return statement.text, tuple(c.model_dump_json() for c in statement.sources)


@dataclass
class Change:
    """One change to one statement (or source), as reported."""

    kind: str  # newly-visible, added, removed, reworded, sources, quotes, marking, audiences…
    file: str
    line: int | None
    text: str
    detail: str = ""
    audiences: list[str] = field(default_factory=list)
    flagged: bool = False


def load_version(folder: Path) -> Version:
    brief = open_brief(folder)  # as build and check open it
    return Version(brief.content, brief.documents, brief.audiences, folder)


def diff(old: Version, new: Version) -> list[Change]:
    """Every change from `old` to `new`; what became visible to a new audience first."""
    pairs, added, removed = match(old, new)
    old_readers, new_readers = old.readers(), new.readers()
    changes: list[Change] = []
    for before, after in pairs:
        changes += _changes(old, new, before, after)
        gained = sorted(
            name
            for name, shown in new_readers.items()
            if id(after.statement) in shown
            and id(before.statement) not in old_readers.get(name, set())
        )
        if gained:
            changes.append(
                _change(
                    new, after, "newly-visible", f"now visible to {', '.join(gained)}", gained, True
                )
            )
    for found in added:
        who = sorted(n for n, shown in new_readers.items() if id(found.statement) in shown)
        changes.append(_change(new, found, "added", "", who))
    for found in removed:
        who = sorted(n for n, shown in old_readers.items() if id(found.statement) in shown)
        changes.append(_change(old, found, "removed", "", who))
    changes += _source_changes(old.content, new.content, new)
    return sorted(changes, key=lambda c: (not c.flagged, c.file, c.line or 0, c.kind))


def match(old: Version, new: Version) -> tuple[list[tuple[Any, Any]], list[Any], list[Any]]:
    """(matched pairs, added in new, removed from old), each a Located statement."""
    from rapidfuzz import fuzz

    left, right = list(located_statements(old.content)), list(located_statements(new.content))
    pairs: list[tuple[Any, Any]] = []
    for key in (_by_id, _by_text):
        index = {key(f): f for f in right if key(f) is not None}
        for found in list(left):
            other = index.get(key(found)) if key(found) is not None else None
            if other is not None and other in right:
                pairs.append((found, other))
                left.remove(found)
                right.remove(other)
    scored = sorted(
        (
            (fuzz.token_sort_ratio(plain(a.statement.text), plain(b.statement.text)), i, j)
            for i, a in enumerate(left)
            for j, b in enumerate(right)
        ),
        reverse=True,
    )
    used_left, used_right = set(), set()
    for score, i, j in scored:
        if score < SIMILAR or i in used_left or j in used_right:
            continue
        pairs.append((left[i], right[j]))
        used_left.add(i)
        used_right.add(j)
    added = [f for j, f in enumerate(right) if j not in used_right]
    removed = [f for i, f in enumerate(left) if i not in used_left]
    return pairs, added, removed


def _by_id(found: Located) -> str | None:
    return found.statement.id


def _by_text(found: Located) -> str | None:
    return found.statement.text


def _changes(old: Version, new: Version, before: Any, after: Any) -> list[Change]:
    a, b = before.statement, after.statement
    out = []
    if a.text != b.text:
        out.append(_change(new, after, "reworded", word_diff(a.text, b.text)))
    cited_a, cited_b = {c.source for c in a.sources}, {c.source for c in b.sources}
    if cited_a != cited_b:
        gone, came = sorted(cited_a - cited_b), sorted(cited_b - cited_a)
        detail = "; ".join(
            part
            for part in (
                f"source removed: {', '.join(gone)}" if gone else "",
                f"source added: {', '.join(came)}" if came else "",
            )
            if part
        )
        out.append(_change(new, after, "sources", detail))
    quotes_a = sorted(c.quote or "" for c in a.sources if c.quote)
    quotes_b = sorted(c.quote or "" for c in b.sources if c.quote)
    if quotes_a != quotes_b:
        out.append(_change(new, after, "quotes", f"{quotes_a} → {quotes_b}"))
    default_a, default_b = old.content.brief.marking, new.content.brief.marking
    if (a.marking or default_a) != (b.marking or default_b):
        out.append(
            _change(new, after, "marking", f"{a.marking or default_a} → {b.marking or default_b}")
        )
    if before.audiences != after.audiences:
        out.append(
            _change(
                new, after, "audiences", f"{before.audiences or 'all'} → {after.audiences or 'all'}"
            )
        )
    return out


def _source_changes(old: Content, new: Content, version: Version) -> list[Change]:
    before = {s.id: s for s in old.sources}
    after = {s.id: s for s in new.sources}
    out = []
    for source_id in sorted(set(before) - set(after)):
        out.append(Change("source-removed", "sources.yaml", None, _title(before[source_id])))
    for source_id in sorted(set(after) - set(before)):
        line = _source_line(version, source_id)
        out.append(Change("source-added", "sources.yaml", line, _title(after[source_id])))
    for source_id in sorted(set(before) & set(after)):
        a, b = before[source_id], after[source_id]
        if a.reliability != b.reliability:
            line = _source_line(version, source_id)
            out.append(
                Change(
                    "source-regraded",
                    "sources.yaml",
                    line,
                    _title(b),
                    f"{a.reliability} → {b.reliability}",
                )
            )
    return out


def _title(source: Source) -> str:
    return f"{source.id}: {source.plain_title}"


def _source_line(version: Version, source_id: str) -> int | None:
    index = next(i for i, s in enumerate(version.content.sources) if s.id == source_id)
    return version.documents["sources"].position((index, "id"))[0]


def _change(
    version: Version,
    found: Any,
    kind: str,
    detail: str,
    audiences: list[str] | None = None,
    flagged: bool = False,
) -> Change:
    line = version.documents[found.file].position(found.loc)[0]
    return Change(
        kind,
        f"{found.file}.yaml",
        line,
        plain(found.statement.text),
        detail,
        audiences or [],
        flagged,
    )


def word_diff(before: str, after: str) -> str:
    """Words removed as [-…-], added as {+…+}, as git diff --word-diff writes them."""
    a, b = before.split(), after.split()
    out = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(" ".join(a[i1:i2]))
            continue
        if i2 > i1:
            out.append("[-" + " ".join(a[i1:i2]) + "-]")
        if j2 > j1:
            out.append("{+" + " ".join(b[j1:j2]) + "+}")
    return " ".join(out)


# Reports ---------------------------------------------------------------------------

LABELS = {
    "newly-visible": "NEWLY VISIBLE",
    "added": "added",
    "removed": "removed",
    "reworded": "reworded",
    "sources": "sources changed",
    "quotes": "quotes changed",
    "marking": "marking changed",
    "audiences": "audiences changed",
    "source-added": "source added",
    "source-removed": "source removed",
    "source-regraded": "source regraded",
    "brief-added": "brief added",
    "brief-removed": "brief removed",
}


def report(changes: list[Change], fmt: str) -> str:
    if fmt == "json":
        return json.dumps([asdict(c) for c in changes], indent=2, ensure_ascii=False) + "\n"
    if fmt == "markdown":
        return _markdown(changes)
    return _text(changes)


def _where(change: Change) -> str:
    return f"{change.file}:{change.line}" if change.line else change.file


def _text(changes: list[Change]) -> str:
    if not changes:
        return "no changes\n"
    lines = []
    for c in changes:
        mark = "!! " if c.flagged else ""
        who = f" [{', '.join(c.audiences)}]" if c.audiences and not c.flagged else ""
        lines.append(f"{mark}{_where(c)}: {LABELS[c.kind]}{who}: {c.text}")
        if c.detail:
            lines.append(f"    {c.detail}")
    flagged = sum(c.flagged for c in changes)
    lines.append(f"{len(changes)} changes, {flagged} newly visible to an audience")
    return "\n".join(lines) + "\n"


def _markdown(changes: list[Change]) -> str:
    flagged = [c for c in changes if c.flagged]
    rest = [c for c in changes if not c.flagged]
    out = ["## briefgen diff", ""]
    if flagged:
        out += ["### :warning: Newly visible to an audience", ""]
        out += [
            f"- **{', '.join(c.audiences)}** · `{_where(c)}` · {c.text} ({c.detail})"
            for c in flagged
        ]
        out.append("")
    if rest:
        out += ["### Changes", "", "| where | change | statement | detail |", "|---|---|---|---|"]
        out += [
            f"| `{_where(c)}` | {LABELS[c.kind]} | {_cell(c.text)} | {_cell(c.detail)} |"
            for c in rest
        ]
        out.append("")
    if not changes:
        out += ["No changes.", ""]
    return "\n".join(out)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")
