"""Audiences: where their templates are found, and the clearance filter.

The filter is a stage of its own and runs before rendering: a template receives
only the statements its audience may see, so no template can leak the rest.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, ValidationError

from .errors import ContentError, TemplateError, UsageError, display_path
from .load import load_yaml
from .manifest import builtin_templates as builtin_templates  # re-exported
from .models import MARKING_ORDER, Content, Marking, Statement, Strict, Text, located_statements

SectionName = Literal["summary", "background", "milestones", "cooperation", "questions", "sources"]
Format = Literal["pdf", "html"]
FORMATS: tuple[Format, ...] = ("pdf", "html")


class AudienceConfig(Strict):
    """audience.yaml."""

    title: Text
    clearance: Marking = Field(description="The highest marking this audience may see.")
    sections: Annotated[list[SectionName], Field(min_length=1)]
    formats: list[Format] = Field(default_factory=lambda: list(FORMATS))
    show_grades: bool = Field(False, description="Show Admiralty grades in every note.")
    max_milestones: Annotated[int, Field(ge=1)] | None = Field(
        None, description="Show only the latest N milestones."
    )
    timeline: bool = Field(True, description="Draw the milestones as a timeline figure.")


@dataclass(frozen=True)
class Audience:
    name: str
    config: AudienceConfig
    dirs: tuple[Path, ...]  # template folders, most specific first
    origin: str  # "built-in", "overridden" or "custom"


def find_audiences(content_dir: Path) -> dict[str, Audience]:
    """Every audience: the content's templates/<name>/ first, then the built-in ones."""
    user_root = content_dir / "templates"
    builtin_root = builtin_templates()
    names = sorted({*_audience_dirs(builtin_root), *_audience_dirs(user_root)})
    return {name: _audience(name, user_root / name, builtin_root / name) for name in names}


def _audience_dirs(root: Path) -> list[str]:
    if not root.is_dir():
        return []
    return [p.name for p in root.iterdir() if p.is_dir() and not p.name.startswith(("_", "."))]


# What an audience needs, from its own folder or the built-in one it overrides.
AUDIENCE_FILES = ("audience.yaml", "brief.html.j2", "style.css")


def _audience(name: str, user_dir: Path, builtin_dir: Path) -> Audience:
    dirs = tuple(d for d in (user_dir, builtin_dir) if d.is_dir())
    origin = "overridden" if len(dirs) == 2 else "custom" if dirs[0] == user_dir else "built-in"
    if origin != "built-in" and not user_dir.resolve().is_relative_to(user_dir.parent.resolve()):
        raise TemplateError(
            f"{display_path(user_dir)}: the audience folder links to "
            f"{user_dir.resolve()}, outside its templates folder: copy it in"
        )
    for needed in AUDIENCE_FILES:
        if not any((d / needed).is_file() for d in dirs):
            raise TemplateError(
                f"{display_path(dirs[0])}: audience '{name}' has no {needed}: "
                f"add one{' (it may be empty)' if needed == 'style.css' else ''}"
            )
    config_file = next(d / "audience.yaml" for d in dirs if (d / "audience.yaml").is_file())
    return Audience(name, _read_config(config_file), dirs, origin)


def _read_config(path: Path) -> AudienceConfig:
    doc = load_yaml(path)
    try:
        return AudienceConfig.model_validate(doc.data)
    except ValidationError as exc:
        from .validate import field_path

        raise ContentError(
            [
                doc.problem(tuple(e["loc"]), field_path("brief", tuple(e["loc"])), e["msg"])
                for e in exc.errors()
            ]
        ) from None


def select_audiences(
    found: dict[str, Audience], names: list[str] | None, content_dir: Path
) -> list[Audience]:
    """The audiences named on the command line (all when none are); unknown names → UsageError."""
    if not names:
        return list(found.values())
    unknown = [n for n in names if n not in found]
    if unknown:
        raise UsageError(
            f"unknown audience '{unknown[0]}' (found: {', '.join(found) or 'none'}; "
            f"looked in {content_dir / 'templates'} and {builtin_templates()})"
        )
    return [found[n] for n in dict.fromkeys(names)]


def visible(statement: Statement, default: Marking, clearance: Marking) -> bool:
    return MARKING_ORDER[statement.marking or default] <= MARKING_ORDER[clearance]


def filter_content(content: Content, config: AudienceConfig) -> Content:
    """The content an audience may see: its sections, its clearance, the sources they cite."""
    default = content.brief.marking

    def keep(statements: list[Statement]) -> list[Statement]:
        return [
            s.model_copy(update={"marking": s.marking or default})
            for s in statements
            if visible(s, default, config.clearance)
        ]

    def shown(name: str) -> bool:
        return name in config.sections

    brief = content.brief.model_copy(
        update={"summary": keep(content.brief.summary) if shown("summary") else []}
    )
    parts = {}
    for name in ("background", "milestones", "cooperation", "questions"):
        items = getattr(content, name) if shown(name) else []
        kept = [item.model_copy(update={"statements": keep(item.statements)}) for item in items]
        # An item whose every statement is hidden goes too: its heading alone
        # would be an unsourced claim, and would hint at what was removed.
        parts[name] = [item for item in kept if item.statements]
    parts["milestones"] = sorted(parts["milestones"], key=lambda m: date_order(m.date))
    if config.max_milestones:
        parts["milestones"] = parts["milestones"][-config.max_milestones :]
    filtered = content.model_copy(update={"brief": brief, **parts})
    cited = {c.source for s in all_statements(filtered) for c in s.sources}
    return filtered.model_copy(update={"sources": [s for s in content.sources if s.id in cited]})


def date_order(partial: str) -> tuple[int, int, int]:
    """Sort key of a partial date: '2025' falls after '2025-01-16', as 'some time in 2025'."""
    parts = [int(p) for p in partial.split("-")]
    return (parts[0], parts[1] if len(parts) > 1 else 13, parts[2] if len(parts) > 2 else 32)


def all_statements(content: Content) -> list[Statement]:
    return [statement for _, _, statement in located_statements(content)]


def highest_marking(content: Content) -> Marking:
    """The highest marking of what the content holds: what every page must show."""
    markings: list[Marking] = [s.marking or content.brief.marking for s in all_statements(content)]
    return max(markings, key=MARKING_ORDER.__getitem__, default="PUBLIC")
