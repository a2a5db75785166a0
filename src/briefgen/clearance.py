"""The clearance filter: what an audience may see, and nothing else.

It runs before rendering, as a stage of its own: a template receives only the
statements its audience may see, so no template, built-in or custom, can leak
the rest. A statement is kept when its marking (the brief's default if it has
none) is at or below the audience's clearance, it is aimed at the audience
(its `audiences`, else its item's, else every audience), and its section is
one the audience shows. An item whose every statement is hidden goes too, and
so does a source that no kept statement cites.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .content.models import MARKING_ORDER, Content, Marking, Statement
from .content.sections import all_statements, with_items

if TYPE_CHECKING:
    from .audiences import Audience


def visible(statement: Statement, default: Marking, clearance: Marking) -> bool:
    return MARKING_ORDER[statement.marking or default] <= MARKING_ORDER[clearance]


def aimed_at(statement: Statement, default: list[str] | None, audience: str) -> bool:
    """Whether the statement is for this audience: its own `audiences`, else its item's."""
    names = statement.audiences or default
    return names is None or audience in names


def filter_content(content: Content, audience: Audience) -> Content:
    """The content an audience may see: its sections, its clearance, the statements aimed
    at it, the sources they cite.

    Every kept statement carries its marking explicitly, so later stages never
    look up a default; whom else it was aimed at is dropped.
    """
    default = content.brief.marking
    config = audience.config

    def keep(statements: list[Statement], aimed: list[str] | None = None) -> list[Statement]:
        return [
            s.model_copy(update={"marking": s.marking or default, "audiences": None})
            for s in statements
            if visible(s, default, config.clearance) and aimed_at(s, aimed, audience.name)
        ]

    summary = keep(content.brief.summary) if "summary" in config.sections else []
    sections: dict[str, list[Any]] = {}
    for kind in with_items():
        items = content.items(kind.name) if kind.name in config.sections else []
        kept = [
            item.model_copy(
                update={"statements": keep(item.statements, item.audiences), "audiences": None}
            )
            for item in items
        ]
        # An item whose every statement is hidden goes too: its heading alone
        # would be an unsourced claim, and would hint at what was removed.
        sections[kind.name] = [item for item in kept if item.statements]
        if kind.order is not None:
            sections[kind.name].sort(key=kind.order)
    if config.max_milestones:
        sections["milestones"] = sections["milestones"][-config.max_milestones :]
    filtered = content.model_copy(
        update={
            "brief": content.brief.model_copy(update={"summary": summary}),
            "sections": sections,
        }
    )
    cited = {c.source for s in all_statements(filtered) for c in s.sources}
    return filtered.model_copy(update={"sources": [s for s in content.sources if s.id in cited]})


def highest_marking(content: Content) -> Marking:
    """The highest marking of what the content holds: what every page must show."""
    markings: list[Marking] = [s.marking or content.brief.marking for s in all_statements(content)]
    return max(markings, key=MARKING_ORDER.__getitem__, default="PUBLIC")
