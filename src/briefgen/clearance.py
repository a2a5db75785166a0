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

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from .content.load import Document, Loc
from .content.markup import references, terms_used
from .content.models import (
    Content,
    FigureBlock,
    Handling,
    Marking,
    Table,
    TableBlock,
)
from .content.schemes import Scheme
from .content.sections import (
    all_cited,
    located_blocks,
    located_cited,
    marked_texts,
    reader_texts,
    with_items,
)
from .content.validate import field_path
from .errors import Problem, TemplateError

H = TypeVar("H", bound=Handling)

if TYPE_CHECKING:
    from .audiences import Audience


def visible(thing: Handling, default: Marking, clearance: Marking, scheme: Scheme) -> bool:
    """Whether its marking (its own, else `default`) is at or below the clearance. A
    level the scheme does not know is never visible: validation refuses it first."""
    level = thing.marking or default
    if not (scheme.knows(level) and scheme.knows(clearance)):
        return False
    return scheme.rank(level) <= scheme.rank(clearance)


def aimed_at(thing: Handling, default: list[str] | None, audience: str) -> bool:
    """Whether it is for this audience: its own `audiences`, else its item's (or table's)."""
    names = thing.audiences or default
    return names is None or audience in names


@dataclass(frozen=True)
class Reader:
    """Who a filter keeps content for: an audience's name and clearance, and the
    brief's default marking."""

    name: str
    clearance: Marking
    default: Marking
    scheme: Scheme

    def __post_init__(self) -> None:
        if not self.scheme.knows(self.clearance):  # fail closed: never guess a level
            raise TemplateError(
                f"audience '{self.name}' is cleared for '{self.clearance}', which is not a "
                f"level of the marking scheme ({self.scheme.suggestion(self.clearance)})"
            )

    def sees(self, thing: Handling, marking: Marking, aimed: list[str] | None) -> bool:
        return visible(thing, marking, self.clearance, self.scheme) and aimed_at(
            thing, aimed, self.name
        )

    def keep(self, blocks: list[Any], aimed: list[str] | None = None) -> list[Any]:
        """The blocks it sees, each with its marking made explicit and its audiences
        dropped; of a table, the rows it sees (none: no table)."""
        kept: list[Any] = []
        for block in blocks:
            if isinstance(block, TableBlock):
                table = self.table(block.table, aimed)
                kept += [block.model_copy(update={"table": table})] if table else []
            elif isinstance(block, FigureBlock):
                if self.sees(block.figure, self.default, aimed):
                    kept.append(block.model_copy(update={"figure": self.cleared(block.figure)}))
            elif self.sees(block, self.default, aimed):
                kept.append(self.cleared(block))
        return kept

    def table(self, table: Table, aimed: list[str] | None) -> Table | None:
        if not self.sees(table, self.default, aimed):
            return None
        marking, rows_aimed = table.marking or self.default, table.audiences or aimed
        rows = [
            self.cleared(row, marking).model_copy(
                update={"credibility": row.credibility or table.credibility}
            )
            for row in table.rows
            if self.sees(row, marking, rows_aimed)
        ]
        return self.cleared(table).model_copy(update={"rows": rows}) if rows else None

    def cleared(self, thing: H, marking: Marking | None = None) -> H:
        return thing.model_copy(
            update={"marking": thing.marking or marking or self.default, "audiences": None}
        )


def filter_content(content: Content, audience: Audience) -> Content:
    """The content an audience may see: its sections, its clearance, the statements,
    figures and table rows aimed at it, the sources they cite.

    Everything kept carries its marking explicitly, so later stages never look up
    a default; whom else it was aimed at is dropped.
    """
    config = audience.config
    reader = Reader(audience.name, config.clearance, content.default_marking, content.scheme)
    summary = reader.keep(content.brief.summary) if "summary" in config.sections else []
    sections: dict[str, list[Any]] = {}
    for kind in with_items():
        items = content.items(kind.name) if kind.name in config.sections else []
        kept = [
            item.model_copy(
                update={
                    "statements": reader.keep(item.statements, item.audiences),
                    "audiences": None,
                }
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
    cited = {c.source for thing in all_cited(filtered) for c in thing.sources}
    # Only the abbreviations its texts use: a term may say what a hidden statement was about.
    used = terms_used((text for _, _, text in reader_texts(filtered)), content.abbreviations)
    return filtered.model_copy(
        update={
            "sources": [s for s in content.sources if s.id in cited],
            "abbreviations": {t: e for t, e in content.abbreviations.items() if t in used},
        }
    )


def hidden_references(
    content: Content, documents: dict[str, Document], audiences: Iterable[Audience]
) -> list[Problem]:
    """Each {fig:ID} or {tab:ID} in a text an audience sees that names a figure or table it
    does not: the reader would meet "Figure 2" with nothing to find, or a number that
    tells of what was withheld."""
    problems: dict[tuple[str, Loc, str], Problem] = {}
    for audience in audiences:
        filtered = filter_content(content, audience)
        shown = {(placed.kind, placed.block.id) for placed in located_blocks(filtered)}
        seen = {text for _, _, text in marked_texts(filtered)}
        for file, loc, text in marked_texts(content):
            if text not in seen:
                continue
            for kind, ref in references(text):
                if (kind, ref) in shown or (file, loc, ref) in problems:
                    continue
                name = "figure" if kind == "fig" else "table"
                problems[file, loc, ref] = documents[file].problem(
                    loc,
                    field_path(file, loc),
                    f"{{{kind}:{ref}}} names a {name} that audience '{audience.name}' does not "
                    f"see, though it sees this text: mark or aim the text as the {name} is, "
                    f"or show the {name} to that audience",
                    code="hidden-reference",
                )
    return list(problems.values())


def highest_marking(content: Content) -> Marking:
    """The highest marking of what the content holds: what every page must show."""
    default = content.default_marking
    markings: list[Marking] = [
        found.cited.marking or found.default_marking or default for found in located_cited(content)
    ]
    markings += [p.block.marking or default for p in located_blocks(content)]
    return content.scheme.highest(markings)
