"""briefgen new: a brief folder that checks and builds as it is, to edit from."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ..errors import UsageError

SCAFFOLD = Path(__file__).parent / "scaffold"


EXAMPLE_TITLE = "Harbour resilience programme"


def create_brief(
    target: Path,
    today: dt.date | None = None,
    title: str | None = None,
    lang: str | None = None,
) -> list[Path]:
    """Write the example brief into `target`, which must be new or empty: with its own
    title and language when they are given."""
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise UsageError(f"'{target}' already exists and is not empty: name a new folder")
    if lang is not None:
        from ..project import language_problem

        problem = language_problem(lang)
        if problem:
            raise UsageError(f"--lang: {problem}")
    today = today or dt.date.today()
    written = []
    for source in sorted(SCAFFOLD.rglob("*")):
        if source.is_dir() or source.name.startswith((".", "__")):
            continue
        path = target / source.relative_to(SCAFFOLD)
        path.parent.mkdir(parents=True, exist_ok=True)
        # The example's evidence is of this month, so that the new brief is not stale.
        text = source.read_text(encoding="utf-8").replace("{today}", today.isoformat())
        text = text.replace("{this_month}", today.strftime("%Y-%m"))
        if source.name == "brief.yaml":
            text = _own(text, title, lang)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def _own(text: str, title: str | None, lang: str | None) -> str:
    """The scaffold's brief.yaml with the title and language asked for, each written as
    a YAML string whatever it holds (a colon, a quote)."""
    import json

    if title is not None:
        text = text.replace(
            f"title: {EXAMPLE_TITLE}", f"title: {json.dumps(title, ensure_ascii=False)}", 1
        )
    if lang is not None:
        text = text.replace("\nlang: en\n", f"\nlang: {json.dumps(lang)}\n", 1)
    return text


PROJECT_FILE_TEXT = """\
# A project: every folder under this one that holds brief.yaml is a brief.
# `briefgen build .` builds each to OUT/<brief>/<audience>/, and an index of the
# briefs each audience may see to OUT/<audience>/index.html. Beside this file,
# templates/ (audiences shared by every brief) and sources.yaml (a library of
# sources every brief may cite) are optional.
title: {title}     # of the index pages
lang: {lang}       # of the index pages: en (US dates), en-GB, fr, de, ja, ar…
# marking_scheme: uk   # the markings of every brief: default, uk, nato, eu or us
# briefs: [example]    # only these folders (default: every brief found)
"""
EXAMPLE_BRIEF = "example"


def create_project(
    target: Path,
    today: dt.date | None = None,
    title: str | None = None,
    lang: str | None = None,
) -> list[Path]:
    """Write a project into `target` (new or empty): its briefgen.yaml, and the example
    brief in `example/`, in the language asked for."""
    import json

    from ..locate import PROJECT_FILE

    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise UsageError(f"'{target}' already exists and is not empty: name a new folder")
    written = create_brief(target / EXAMPLE_BRIEF, today, lang=lang)
    project = target / PROJECT_FILE
    text = PROJECT_FILE_TEXT.format(
        title=json.dumps(title or "Briefs", ensure_ascii=False), lang=json.dumps(lang or "en")
    )
    project.write_text(text, encoding="utf-8")
    return [project, *written]
