"""briefgen diff: what changed in a brief between two versions, block by block, and
above all who can now read what they could not read before.

Each version is opened as build opens it, and each audience's document is made as
build makes it; "visible to" means what that audience's outputs show. Every
block of the brief (statements, figures, tables and their rows, and any kind a
section adds) is matched across the versions: by its id where it has one (a
statement's `id`, a figure's or table's), else by what it says and stands on,
else by the most similar text (word-level ratio of at least SIMILAR). What stays
unmatched was added or removed. Then the brief's own fields, its abbreviations
and its sources are compared.

A block that an audience's new document shows and its old one did not is newly
visible: listed first, flagged. (A marking lowered for an audience that saw the
block already is listed as a marking change: what it exposes is that audience's
own, and every audience it newly reaches is flagged.)
"""

from __future__ import annotations

import difflib
import functools
import json
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from ..audiences import Audience
from ..content.load import Document as Positions
from ..content.markup import plain
from ..content.models import Content, Source, Statement, Table
from ..content.sections import body_key, located_blocks, located_cited
from ..document.model import Document, Marking

SIMILAR = 60.0  # rapidfuzz token ratio (0–100) at which a changed text is a rewording
# Fields that say who may see a block, compared on their own; and the block's sources.
HANDLING = {"marking", "audiences"}
CITING = {"sources", "credibility", "id"}
# Brief fields every reader meets (compared as "brief field changed").
BRIEF_FIELDS = (
    "title",
    "subtitle",
    "date",
    "authors",
    "lang",
    "marking",
    "citation_style",
    "sources_note",
)


@dataclass(frozen=True)
class Thing:
    """A block of the content, where it stands, and how each audience's document shows it."""

    kind: str  # statement, figure, table, row (or a new kind's model name)
    file: str
    loc: tuple[str | int, ...]
    model: BaseModel
    ident: str | None  # a name kept across versions: a statement's id, fig:ID, tab:ID
    key: str  # the key of its block in a document (see document.model.Block)
    marking: str  # as the filter makes it explicit: its own, its table's, the brief's
    audiences: tuple[str, ...] | None  # aimed at (None: every audience)

    @property
    def text(self) -> str:
        """What a report shows of it."""
        for name in ("text", "caption"):
            value = getattr(self.model, name, None)
            if isinstance(value, str):
                return plain(value)
        cells = getattr(self.model, "cells", None)
        return " | ".join(plain(c) for c in cells) if cells else self.kind


@dataclass
class Version:
    """One side of a diff: the brief as opened, and what each audience reads of it."""

    content: Content
    positions: dict[str, Positions]
    audiences: dict[str, Audience]
    folder: Path

    @functools.cached_property
    def shown(self) -> dict[str, dict[str, Marking]]:
        """For each audience, the blocks its document shows (by key) and their markings."""
        from ..document import document_for

        shown: dict[str, dict[str, Marking]] = {}
        for name, audience in self.audiences.items():
            doc: Document = document_for(self.content, audience)
            shown[name] = {block.key: block.marking for block in doc.blocks()}
        return shown

    def readers(self, thing: Thing) -> dict[str, Marking]:
        return {
            name: blocks[thing.key] for name, blocks in self.shown.items() if thing.key in blocks
        }

    def line(self, file: str, loc: tuple[str | int, ...]) -> int | None:
        return self.positions[file].position(loc)[0] if file in self.positions else None


@dataclass
class Change:
    """One change, as reported."""

    kind: str  # newly-visible, added, removed, reworded, sources, quotes, marking…
    file: str
    line: int | None
    text: str
    detail: str = ""
    audiences: list[str] = field(default_factory=list)
    flagged: bool = False


def load_version(folder: Path) -> Version:
    from ..opening import open_brief

    brief = open_brief(folder)  # as build and check open it
    return Version(brief.content, brief.documents, brief.audiences, folder)


def diff(old: Version, new: Version) -> list[Change]:
    """Every change from `old` to `new`; what became visible to an audience first."""
    pairs, added, removed = match(things(old.content), things(new.content))
    changes: list[Change] = []
    for before, after in pairs:
        changes += _changes(old, new, before, after)
        changes += _exposure(old, new, before, after)
    for thing in added:
        changes.append(_change(new, thing, "added", "", sorted(new.readers(thing))))
    for thing in removed:
        changes.append(_change(old, thing, "removed", "", sorted(old.readers(thing))))
    changes += _brief_changes(old, new)
    changes += _abbreviation_changes(old.content, new.content)
    changes += _source_changes(old.content, new.content, new)
    return sorted(changes, key=lambda c: (not c.flagged, c.file, c.line or 0, c.kind))


# The blocks of a brief ---------------------------------------------------------------


def things(content: Content) -> list[Thing]:
    """Every block of the brief, in reading order, with how a filter would mark it."""
    default = content.default_marking
    found: list[Thing] = []
    for backed in located_cited(content):
        model = backed.cited
        kind = _kind(model)
        ident = None
        if isinstance(model, Statement) and model.id:
            ident = f"statement:{model.id}"
        elif kind == "figure":
            ident = f"fig:{getattr(model, 'id', '')}"
        key = model.id if isinstance(model, Statement) and model.id else body_key(model)
        marking = model.marking or backed.default_marking or default
        aimed = tuple(backed.audiences) if backed.audiences else None
        found.append(Thing(kind, backed.file, backed.loc, model, ident, key, marking, aimed))
    for placed in located_blocks(content):
        if isinstance(placed.block, Table):
            table = placed.block
            aimed = tuple(table.audiences or placed.item_audiences or ()) or None
            ident = f"tab:{table.id}"
            marking = table.marking or default
            found.append(
                Thing("table", placed.file, placed.loc, table, ident, ident, marking, aimed)
            )
    return found


def _kind(model: BaseModel) -> str:
    name = type(model).__name__.lower()
    return {"statement": "statement", "figure": "figure", "row": "row"}.get(name, name)


def match(
    left_all: list[Thing], right_all: list[Thing]
) -> tuple[list[tuple[Thing, Thing]], list[Thing], list[Thing]]:
    """(matched pairs, added in new, removed from old)."""
    from rapidfuzz import fuzz

    left, right = list(left_all), list(right_all)
    pairs: list[tuple[Thing, Thing]] = []
    for key in (lambda t: t.ident, lambda t: (t.kind, body_key_of(t)), lambda t: (t.kind, t.text)):
        index: dict[Any, Thing] = {}
        for thing in right:
            if key(thing) is not None:
                index.setdefault(key(thing), thing)
        for thing in list(left):
            other = index.get(key(thing)) if key(thing) is not None else None
            if other is not None and other in right:
                pairs.append((thing, other))
                left.remove(thing)
                right.remove(other)
    scored = sorted(
        (
            (fuzz.token_sort_ratio(a.text, b.text), i, j)
            for i, a in enumerate(left)
            for j, b in enumerate(right)
            if a.kind == b.kind and a.ident is None and b.ident is None
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
    added = [t for j, t in enumerate(right) if j not in used_right]
    removed = [t for i, t in enumerate(left) if i not in used_left]
    return pairs, added, removed


def body_key_of(thing: Thing) -> str:
    return body_key(thing.model) if thing.kind != "table" else thing.key


# What changed --------------------------------------------------------------------------


def _changes(old: Version, new: Version, before: Thing, after: Thing) -> list[Change]:
    """What changed in a block: each field a reader meets, its sources, its handling."""
    a, b = before.model, after.model
    out = []
    for name in type(b).model_fields:
        if name in HANDLING or name in CITING or name in ("rows", "statements"):
            continue
        old_value, new_value = getattr(a, name, None), getattr(b, name, None)
        if name == "image":
            old_value, new_value = _image_digest(old, a), _image_digest(new, b)
        if old_value != new_value:
            out.append(_change(new, after, *_field_change(name, old_value, new_value)))
    out += _citing_changes(new, before, after)
    if before.marking != after.marking:
        out.append(_change(new, after, "marking", f"{before.marking} → {after.marking}"))
    if before.audiences != after.audiences:
        shown = [", ".join(x) if x else "all" for x in (before.audiences, after.audiences)]
        out.append(_change(new, after, "audiences", f"{shown[0]} → {shown[1]}"))
    return out


def _field_change(name: str, before: Any, after: Any) -> tuple[str, str]:
    if name == "text":
        return "reworded", word_diff(str(before), str(after))
    if name == "image":
        return "image", "the image file changed"
    if isinstance(before, str) and isinstance(after, str):
        return name, word_diff(plain(before), plain(after))
    if isinstance(before, list) and isinstance(after, list):
        joined = [" | ".join(plain(str(v)) for v in x) for x in (before, after)]
        return name, word_diff(joined[0], joined[1])
    return name, f"{before} → {after}"


def _citing_changes(new: Version, before: Thing, after: Thing) -> list[Change]:
    a, b = before.model, after.model
    out = []
    cited_a = {c.source for c in getattr(a, "sources", [])}
    cited_b = {c.source for c in getattr(b, "sources", [])}
    if cited_a != cited_b:
        gone, came = sorted(cited_a - cited_b), sorted(cited_b - cited_a)
        parts = [f"source removed: {', '.join(gone)}" if gone else ""]
        parts.append(f"source added: {', '.join(came)}" if came else "")
        out.append(_change(new, after, "sources", "; ".join(p for p in parts if p)))
    quotes_a = sorted(c.quote or "" for c in getattr(a, "sources", []) if c.quote)
    quotes_b = sorted(c.quote or "" for c in getattr(b, "sources", []) if c.quote)
    if quotes_a != quotes_b:
        out.append(_change(new, after, "quotes", f"{quotes_a} → {quotes_b}"))
    if getattr(a, "credibility", None) != getattr(b, "credibility", None):
        detail = f"{getattr(a, 'credibility', None)} → {getattr(b, 'credibility', None)}"
        out.append(_change(new, after, "credibility", detail))
    return out


def _exposure(old: Version, new: Version, before: Thing, after: Thing) -> list[Change]:
    """The audiences whose document now shows a block it did not show before."""
    seen_before, seen_now = old.readers(before), new.readers(after)
    gained = sorted(name for name in seen_now if name not in seen_before)
    if not gained:
        return []
    detail = f"now visible to {', '.join(gained)}"
    return [_change(new, after, "newly-visible", detail, gained, True)]


def _image_digest(version: Version, figure: Any) -> str:
    import hashlib

    from ..content.images import read_image

    folder = version.content.folder
    if folder is None or not hasattr(figure, "image"):
        return ""
    return hashlib.sha256(read_image(folder, figure.image).data).hexdigest()


def _brief_changes(old: Version, new: Version) -> list[Change]:
    a, b = old.content.brief, new.content.brief
    out = []
    for name in (*BRIEF_FIELDS, *_extra_brief_fields(b)):
        before, after = getattr(a, name, None), getattr(b, name, None)
        if before != after:
            line = new.line("brief", (name,))
            detail = f"{_shown(before)} → {_shown(after)}"
            out.append(Change("brief", "brief.yaml", line, name, detail))
    return out


def _extra_brief_fields(brief: BaseModel) -> Iterator[str]:
    """The ministry's fields of a note, where the model has them (status, reference…)."""
    for name in ("reference", "version", "status", "running_title", "purpose"):
        if name in type(brief).model_fields:
            yield name
    for name in ("drafted_by", "cleared_by", "distribution"):
        if name in type(brief).model_fields:
            yield name


def _shown(value: Any) -> str:
    if value is None or value == [] or value == "":
        return "(none)"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def _abbreviation_changes(old: Content, new: Content) -> list[Change]:
    a, b = old.abbreviations, new.abbreviations
    out = []
    for term in sorted(set(a) | set(b)):
        if a.get(term) == b.get(term):
            continue
        kind = "abbreviation-added" if term not in a else "abbreviation-removed"
        if term in a and term in b:
            kind = "abbreviation"
        detail = f"{a.get(term) or '(none)'} → {b.get(term) or '(none)'}"
        out.append(Change(kind, "abbreviations.yaml", None, term, detail))
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
        line = _source_line(version, source_id)
        if a.reliability != b.reliability:
            detail = f"{a.reliability} → {b.reliability}"
            out.append(Change("source-regraded", "sources.yaml", line, _title(b), detail))
        fields = [
            name
            for name in type(b).model_fields
            if name not in ("reliability", "author") and getattr(a, name) != getattr(b, name)
        ]
        if fields:
            detail = ", ".join(
                f"{n}: {_shown(getattr(a, n))} → {_shown(getattr(b, n))}" for n in fields
            )
            out.append(Change("source-changed", "sources.yaml", line, _title(b), detail))
    return out


def _title(source: Source) -> str:
    return f"{source.id}: {source.plain_title}"


def _source_line(version: Version, source_id: str) -> int | None:
    index = next(i for i, s in enumerate(version.content.sources) if s.id == source_id)
    return version.line("sources", (index, "id"))


def _change(
    version: Version,
    thing: Thing,
    kind: str,
    detail: str,
    audiences: list[str] | None = None,
    flagged: bool = False,
) -> Change:
    return Change(
        kind,
        f"{thing.file}.yaml",
        version.line(thing.file, thing.loc),
        thing.text,
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
    "caption": "caption changed",
    "alt": "alt text changed",
    "image": "image changed",
    "cells": "cells changed",
    "columns": "columns changed",
    "sources": "sources changed",
    "quotes": "quotes changed",
    "credibility": "credibility changed",
    "marking": "marking changed",
    "audiences": "audiences changed",
    "brief": "brief changed",
    "abbreviation": "abbreviation changed",
    "abbreviation-added": "abbreviation added",
    "abbreviation-removed": "abbreviation removed",
    "source-added": "source added",
    "source-removed": "source removed",
    "source-regraded": "source regraded",
    "source-changed": "source changed",
    "brief-added": "brief added",
    "brief-removed": "brief removed",
}


def label(kind: str) -> str:
    return LABELS.get(kind, f"{kind} changed")


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
        lines.append(f"{mark}{_where(c)}: {label(c.kind)}{who}: {c.text}")
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
        out += ["### Changes", "", "| where | change | text | detail |", "|---|---|---|---|"]
        out += [
            f"| `{_where(c)}` | {label(c.kind)} | {_cell(c.text)} | {_cell(c.detail)} |"
            for c in rest
        ]
        out.append("")
    if not changes:
        out += ["No changes.", ""]
    return "\n".join(out)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")
