"""Projects: many brief folders under one root, sharing templates and a source library.

A project is either a folder holding `briefgen.yaml` or, without one, any folder
of brief folders (each holding `brief.yaml`, found at any depth). Beside
`briefgen.yaml` sit the shared `templates/` (searched after a brief's own) and an
optional `sources.yaml`, a library of sources every brief may cite. A brief
inside a project finds them by walking up from its folder, as git finds `.git`
(the rules are in locate.py), so `briefgen build briefs/energy` reads what
`briefgen build .` reads.

Light on purpose: an up-to-date build finds its project without loading pydantic.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import ContentError, Problem, UsageError
from .locate import PROJECT_FILE, is_brief

PROJECT_KEYS = ("briefs", "title", "lang", "marking_scheme", "output_name")
# Folders that are never briefs, nor hold any: a brief's own parts and tool folders.
NOT_BRIEFS = frozenset({"templates", "snapshots", "node_modules", "__pycache__"})


@dataclass(frozen=True)
class BriefRef:
    """One brief of a project: its name (the folder, relative to the project root, with
    forward slashes) and where it is."""

    name: str
    folder: Path


@dataclass(frozen=True)
class Project:
    root: Path
    briefs: tuple[BriefRef, ...]
    file: Path | None = None  # briefgen.yaml, when there is one
    title: str | None = None  # of the index pages; else the catalogue's label
    lang: str | None = None  # of the index pages; else the briefs' one language, or en

    @property
    def templates(self) -> Path:
        return self.root / "templates"

    def brief(self, name: str) -> BriefRef:
        for ref in self.briefs:
            if ref.name == name.strip("/"):
                return ref
        known = ", ".join(r.name for r in self.briefs)
        raise UsageError(f"no brief '{name}' in the project at '{self.root}' (briefs: {known})")


def open_project(folder: Path, out_dir: Path | None = None) -> Project | None:
    """The project at `folder`, or None when `folder` is one brief.

    A folder with no brief.yaml and no brief folder under it is a usage error.
    """
    if is_brief(folder):
        return None
    if (folder / PROJECT_FILE).is_file():
        return _read_project(folder)
    briefs = tuple(found_briefs(folder, out_dir))
    if not briefs:
        raise UsageError(
            f"no brief at '{folder}': name a folder holding brief.yaml, a folder of such "
            f"folders, or one holding {PROJECT_FILE} (or run 'briefgen new DIR')"
        )
    return Project(folder, briefs)


def found_briefs(root: Path, out_dir: Path | None) -> list[BriefRef]:
    """Every folder under root holding brief.yaml, in name order. A brief's own subfolders
    are not searched, nor hidden folders, nor the output folder."""
    skip = out_dir.resolve() if out_dir is not None else None
    found = []
    for folder, dirs, _ in os.walk(root):
        here = Path(folder)
        if here != root and is_brief(here):
            found.append(BriefRef(here.relative_to(root).as_posix(), here))
            dirs[:] = []
            continue
        dirs[:] = sorted(
            d
            for d in dirs
            if not d.startswith(".") and d not in NOT_BRIEFS and (here / d).resolve() != skip
        )
    return sorted(found, key=lambda ref: ref.name)


def _read_project(root: Path) -> Project:
    """briefgen.yaml: `briefs:` (folders, relative to it; default every brief found),
    `title:` and `lang:` of the index pages. Any other key is an error at its line."""
    from .content.load import load_yaml

    doc = load_yaml(root / PROJECT_FILE, root)
    data: Any = doc.data if doc.data is not None else {}
    problems: list[Problem] = []
    if not isinstance(data, dict):
        raise ContentError(
            [doc.problem((), "", f"{PROJECT_FILE} holds a mapping: briefs, title, lang")]
        )
    for key in data:
        if key not in PROJECT_KEYS:
            problems.append(
                doc.problem(
                    (key,),
                    str(key),
                    f"unknown key '{key}' (known: {', '.join(PROJECT_KEYS)})",
                    key=True,
                )
            )
    if "marking_scheme" in data:
        problems += _scheme_problems(doc, data["marking_scheme"])
    for key in ("title", "lang", "output_name"):
        if key in data and not (isinstance(data[key], str) and data[key].strip()):
            problems.append(doc.problem((key,), key, f"'{key}' is text, and not empty"))
        elif key in ("lang", "output_name") and key in data:
            problem = setting_problem(key, data[key])
            if problem:
                problems.append(doc.problem((key,), key, problem))
    briefs = _listed_briefs(root, data.get("briefs"), doc, problems)
    if problems:
        raise ContentError(problems)
    return Project(root, briefs, root / PROJECT_FILE, data.get("title"), data.get("lang"))


def _scheme_problems(doc: Any, raw: Any) -> list[Problem]:
    from .content.schemes import scheme_value
    from .content.validate import field_path

    _, errors = scheme_value(raw)
    problems = []
    for err in errors:
        loc = ("marking_scheme", *(p for p in err["loc"] if not str(p).startswith("<")))
        message = err["msg"].removeprefix("Value error, ")
        problems.append(doc.problem(loc, field_path("brief", loc), message))
    return problems


def setting_problem(key: str, value: str) -> str | None:
    """What is wrong with a project's `lang` or `output_name`, by the brief's own rule."""
    if key == "lang":
        return language_problem(value)
    from .content.naming import NamingError, check_pattern

    try:
        check_pattern(value)
    except NamingError as exc:
        return str(exc)
    return None


def language_problem(tag: str) -> str | None:
    """What is wrong with a language tag, if anything: the brief's own rule."""
    from pydantic_core import PydanticCustomError

    from .content.models import _known_language

    try:
        _known_language(tag)
    except PydanticCustomError as exc:
        return exc.message()
    return None


def _listed_briefs(
    root: Path, listed: Any, doc: Any, problems: list[Problem]
) -> tuple[BriefRef, ...]:
    if listed is None:
        return tuple(found_briefs(root, None))
    if not isinstance(listed, list) or not listed:
        problems.append(doc.problem(("briefs",), "briefs", "'briefs' lists brief folders"))
        return ()
    refs: dict[str, BriefRef] = {}
    top = root.resolve()
    for i, entry in enumerate(listed):
        where = ("briefs", i)
        if not isinstance(entry, str) or not entry.strip():
            problems.append(doc.problem(where, f"briefs[{i}]", "a brief folder, as text"))
            continue
        folder = root / entry
        real = folder.resolve()
        if not real.is_relative_to(top) or real == top:
            problems.append(
                doc.problem(where, f"briefs[{i}]", f"'{entry}' is not a folder inside the project")
            )
            continue
        # Its name is where it really is in the project: outputs go to OUT/<name>, and a
        # name that climbs ("../x") would write outside OUT.
        name = real.relative_to(top).as_posix()
        folder = root / name
        if not is_brief(folder):
            problems.append(
                doc.problem(where, f"briefs[{i}]", f"no brief.yaml in '{entry}': fix the path")
            )
        elif name in refs:
            problems.append(doc.problem(where, f"briefs[{i}]", f"'{entry}' is listed twice"))
        else:
            refs[name] = BriefRef(name, folder)
    return tuple(refs.values())
