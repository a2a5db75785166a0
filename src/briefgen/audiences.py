"""Audiences: what audience.yaml says, and where each audience's templates are found.

What an audience may see is decided elsewhere, by the clearance filter
(clearance.py), before any template runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, ValidationError

from .content.load import load_yaml
from .content.models import Labels, Marking, Strict, Text
from .content.sections import kinds
from .errors import ContentError, TemplateError, UsageError, display_path
from .templates import builtin_templates

Format = Literal["pdf", "html"]
FORMATS: tuple[Format, ...] = ("pdf", "html")


def _known_section(name: str) -> str:
    known = [k.name for k in kinds()]
    if name not in known:
        raise ValueError(f"unknown section '{name}' (known: {', '.join(known)})")
    return name


class AudienceConfig(Strict):
    """audience.yaml."""

    title: Text
    clearance: Marking = Field(description="The highest marking this audience may see.")
    sections: Annotated[list[Annotated[str, AfterValidator(_known_section)]], Field(min_length=1)]
    formats: list[Format] = Field(default_factory=lambda: list(FORMATS))
    show_grades: bool = Field(False, description="Show Admiralty grades in every note.")
    max_milestones: Annotated[int, Field(ge=1)] | None = Field(
        None, description="Show only the latest N milestones."
    )
    timeline: bool = Field(True, description="Draw the milestones as a timeline figure.")
    labels: Labels = Field(
        default_factory=dict,
        description="Labels of this audience, by key; translated when a catalogue knows them.",
    )


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


def list_audiences(content_dir: Path) -> dict[str, Audience]:
    """The audiences a brief folder has, for `briefgen audiences`."""
    if not content_dir.is_dir():
        raise UsageError(f"no brief folder at '{content_dir}'")
    return find_audiences(content_dir)


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
        from .content.validate import field_path

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
