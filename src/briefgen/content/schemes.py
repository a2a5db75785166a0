"""Marking schemes: the levels a house marks its briefs with, lowest first, each with its
portion mark, and the level each audience is cleared for.

Without a scheme a brief is marked PUBLIC < INTERNAL < RESTRICTED, and the built-in
audiences are cleared as their audience.yaml says. A house names a scheme that
ships with briefgen (`marking_scheme: uk`), or writes its own in brief.yaml or,
for every brief of a project, in briefgen.yaml:

    marking_scheme:
      levels:                 # lowest first
        - {name: OFFICIAL, portion: O}
        - {name: OFFICIAL-SENSITIVE, portion: OS}
        - {name: SECRET, portion: S}
      clearance: {public: OFFICIAL, analyst: OFFICIAL-SENSITIVE, minister: SECRET}

A brief in a project may restate its project's scheme, or clear an audience for
less than the project does; never more, and never other levels.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
)

LevelName = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, pattern=r"^[^\x00-\x1f\x7f]+$"),
]


@dataclass(frozen=True)
class Level:
    name: str
    portion: str  # as printed before a statement, without brackets: "OS"


@dataclass(frozen=True)
class Scheme:
    """A house's levels, lowest first, and whom each audience is cleared for."""

    name: str  # a shipped scheme's name, or "house" for one written in the content
    levels: tuple[Level, ...]
    clearance: Mapping[str, str] = field(default_factory=dict)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(level.name for level in self.levels)

    @property
    def lowest(self) -> str:
        return self.levels[0].name

    def knows(self, level: str) -> bool:
        return level in self.names

    def rank(self, level: str) -> int:
        return self.names.index(level)

    def portion(self, level: str) -> str:
        return self.levels[self.rank(level)].portion

    def highest(self, levels: Iterable[str]) -> str:
        return max(levels, key=self.rank, default=self.lowest)

    def suggestion(self, written: str) -> str:
        """What to write instead of an unknown level: the level meant, and all of them."""
        folded = {name.casefold(): name for name in self.names}
        meant = folded.get(written.strip().casefold())
        if meant is None:
            close = difflib.get_close_matches(written.upper(), self.names, n=1, cutoff=0.6)
            meant = close[0] if close else None
        known = ", ".join(self.names)
        return f"did you mean '{meant}'? levels: {known}" if meant else f"levels: {known}"


DEFAULT = Scheme(
    "default",
    (Level("PUBLIC", "P"), Level("INTERNAL", "I"), Level("RESTRICTED", "R")),
)

# Schemes that ship with briefgen, each as the body that defines it sets it out.
SHIPPED: dict[str, Scheme] = {
    "default": DEFAULT,
    # UK Government Security Classifications Policy (Cabinet Office, June 2023): three
    # classifications; OFFICIAL-SENSITIVE is OFFICIAL information marked for more care.
    "uk": Scheme(
        "uk",
        (
            Level("OFFICIAL", "O"),
            Level("OFFICIAL-SENSITIVE", "OS"),
            Level("SECRET", "S"),
            Level("TOP SECRET", "TS"),
        ),
        {"public": "OFFICIAL", "analyst": "OFFICIAL-SENSITIVE", "minister": "SECRET"},
    ),
    # NATO Security Policy, C-M(2002)49 and its directive AC/35-D/2002: NATO
    # UNCLASSIFIED and the four classification levels, with their abbreviations.
    "nato": Scheme(
        "nato",
        (
            Level("NATO UNCLASSIFIED", "NU"),
            Level("NATO RESTRICTED", "NR"),
            Level("NATO CONFIDENTIAL", "NC"),
            Level("NATO SECRET", "NS"),
            Level("COSMIC TOP SECRET", "CTS"),
        ),
        {"public": "NATO UNCLASSIFIED", "analyst": "NATO RESTRICTED", "minister": "NATO SECRET"},
    ),
    # Council Decision 2013/488/EU on the security rules for protecting EU classified
    # information, Article 2: four levels; information that is none of them is not
    # classified.
    "eu": Scheme(
        "eu",
        (
            Level("UNCLASSIFIED", "U"),
            Level("RESTREINT UE/EU RESTRICTED", "R-UE"),
            Level("CONFIDENTIEL UE/EU CONFIDENTIAL", "C-UE"),
            Level("SECRET UE/EU SECRET", "S-UE"),
            Level("TRÈS SECRET UE/EU TOP SECRET", "TS-UE"),
        ),
        {
            "public": "UNCLASSIFIED",
            "analyst": "RESTREINT UE/EU RESTRICTED",
            "minister": "SECRET UE/EU SECRET",
        },
    ),
    # US Executive Order 13526 (classification levels, §1.2) with Controlled
    # Unclassified Information (32 CFR Part 2002) below them; portion marks as the
    # ISOO marking guide writes them.
    "us": Scheme(
        "us",
        (
            Level("UNCLASSIFIED", "U"),
            Level("CUI", "CUI"),
            Level("CONFIDENTIAL", "C"),
            Level("SECRET", "S"),
            Level("TOP SECRET", "TS"),
        ),
        {"public": "UNCLASSIFIED", "analyst": "CUI", "minister": "SECRET"},
    ),
}


class LevelModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: LevelName = Field(description="The level as printed: OFFICIAL-SENSITIVE.")
    portion: LevelName = Field(description="Its portion mark, without brackets: OS.")


class SchemeModel(BaseModel):
    """A house's own scheme, as brief.yaml or briefgen.yaml writes it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    levels: Annotated[list[LevelModel], Field(min_length=2)] = Field(
        description="The levels, lowest first."
    )
    clearance: dict[
        Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]*$")], LevelName
    ] = Field(default_factory=dict, description="The highest level each audience may see.")

    @field_validator("levels")
    @classmethod
    def _unique(cls, levels: list[LevelModel]) -> list[LevelModel]:
        for label, values in (
            ("level", [lv.name for lv in levels]),
            ("portion mark", [lv.portion for lv in levels]),
        ):
            twice = sorted({v for v in values if values.count(v) > 1})
            if twice:
                raise ValueError(f"the {label} '{twice[0]}' is given twice: each must be unique")
        return levels

    @field_validator("clearance")
    @classmethod
    def _known_levels(cls, clearance: dict[str, str], info: ValidationInfo) -> dict[str, str]:
        names = [lv.name for lv in info.data.get("levels", [])]
        scheme = Scheme("house", tuple(Level(n, "") for n in names))
        for audience, level in clearance.items():
            if names and level not in names:
                meant = scheme.suggestion(level)
                raise ValueError(f"'{audience}': '{level}' is no level of the scheme ({meant})")
        return clearance


def scheme_label(scheme: Scheme) -> str:
    """How a message names a scheme: "the 'uk' scheme", "the brief's scheme"."""
    return "brief's" if scheme.name == "house" else f"'{scheme.name}'"


def shipped_names() -> list[str]:
    return sorted(SHIPPED)


def scheme_of(value: Any) -> Scheme:
    """The scheme a validated `marking_scheme` value names or writes out."""
    if value is None:
        return DEFAULT
    if isinstance(value, str):
        return SHIPPED[value]
    assert isinstance(value, SchemeModel)
    levels = tuple(Level(lv.name, lv.portion) for lv in value.levels)
    return Scheme("house", levels, dict(value.clearance))


def loosens(project: Scheme, brief: Scheme) -> str | None:
    """Why a brief's scheme loosens its project's, if it does."""
    if brief.names != project.names:
        return (
            "a brief may not change its project's marking scheme: its levels are "
            f"{', '.join(project.names)}"
        )
    for audience, level in brief.clearance.items():
        allowed = project.clearance.get(audience)
        if allowed is not None and brief.rank(level) > project.rank(allowed):
            return (
                f"a brief may not clear '{audience}' for {level}, above the {allowed} its "
                "project allows"
            )
    return None


def project_scheme(settings: dict[str, Any]) -> Any:
    """The marking scheme a project's settings (load.project_settings) give its briefs
    (a Scheme), or None; errors are reported where the project is opened."""
    if "marking_scheme" not in settings:
        return None
    value, problems = scheme_value(settings["marking_scheme"])
    return scheme_of(value) if not problems else None


def scheme_value(raw: Any) -> tuple[Any, list[Any]]:
    from pydantic import TypeAdapter, ValidationError

    from .models import MarkingSchemeValue

    try:
        return TypeAdapter(MarkingSchemeValue).validate_python(raw), []
    except ValidationError as exc:
        return None, exc.errors()
