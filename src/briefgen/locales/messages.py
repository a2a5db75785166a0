"""Every label briefgen prints, found where it is used: what the catalogues must translate.

A label is a gettext message with a context, its key: `pgettext(key, English)`.
They are found in the templates (by Jinja's extractor) and in the code (by
Babel's), and a few the templates build at run time are listed from their
source: the headings of the kinds of section, the markings, statuses and kinds
of source, and the titles and labels of the built-in audiences. Used by
`scripts/catalogues.py` and by the test that every catalogue is complete.
"""

from __future__ import annotations

import functools
import typing
from collections.abc import Iterator
from pathlib import Path

import yaml

PACKAGE = Path(__file__).resolve().parents[1]

Message = tuple[str, str | tuple[str, str]]  # (key, English or (singular, plural))


def collect() -> dict[Message, list[str]]:
    """Each message, with where it is used (file:line), in a stable order."""
    found: dict[Message, list[str]] = {}
    for message, where in [*_templates(), *_code(), *_declared()]:
        found.setdefault(message, []).append(where)
    return dict(sorted(found.items(), key=lambda item: (item[0][0], str(item[0][1]))))


def _templates() -> Iterator[tuple[Message, str]]:
    from jinja2.ext import babel_extract

    from ..template_search import builtin_templates

    options = {"extensions": "jinja2.ext.i18n", "trim_blocks": "true", "lstrip_blocks": "true"}
    root = builtin_templates()
    for path in sorted(root.rglob("*.j2")):
        with path.open("rb") as handle:
            functions = ["pgettext", "npgettext", "around"]
            for line, func, args, _ in babel_extract(handle, functions, [], options):
                arguments = args if isinstance(args, tuple) else (args,)
                message = _message("pgettext" if func == "around" else func, arguments)
                if message:
                    yield message, f"templates/{path.relative_to(root).as_posix()}:{line}"


def _code() -> Iterator[tuple[Message, str]]:
    from babel.messages.extract import extract_python

    keywords = {"pgettext": ((1, "c"), 2), "npgettext": ((1, "c"), 2, 3)}
    for path in sorted(PACKAGE.rglob("*.py")):
        with path.open("rb") as handle:
            for line, func, args, _ in extract_python(handle, keywords, [], {}):
                message = _message(str(func), args if isinstance(args, tuple) else (args,))
                if message:
                    yield message, f"{path.relative_to(PACKAGE.parent).as_posix()}:{line}"


def _message(func: str, args: tuple[object, ...]) -> Message | None:
    """(key, English) from a call's arguments, when they are literal strings."""
    if func == "npgettext" and all(isinstance(a, str) for a in args[:3]) and len(args) >= 3:
        return (str(args[0]), (str(args[1]), str(args[2])))
    if func == "pgettext" and all(isinstance(a, str) for a in args[:2]) and len(args) >= 2:
        return (str(args[0]), str(args[1]))
    return None


def _declared() -> Iterator[tuple[Message, str]]:
    from ..content import models
    from ..content.sections import kinds
    from ..template_search import builtin_templates

    for kind in kinds():
        yield (f"section-{kind.name}", kind.heading), "briefgen/content/sections.py"
    from ..content.schemes import DEFAULT

    for level in DEFAULT.names:
        yield ("marking", level), "briefgen/content/schemes.py"
    for name, literal in (("status", models.Status), ("source-kind", models.Kind)):
        for value in typing.get_args(literal):
            yield (name, value), "briefgen/content/models.py"
    for marking in ("INTERNAL", "RESTRICTED"):  # public statements carry no mark
        yield (f"portion-{marking}", f"({marking[0]})"), "briefgen/render/html.py"
    for path in sorted(builtin_templates().glob("*/audience.yaml")):
        config = yaml.safe_load(path.read_text(encoding="utf-8"))
        where = f"templates/{path.parent.name}/audience.yaml"
        yield ("audience-title", config["title"]), where
        for key, text in (config.get("labels") or {}).items():
            yield (key, text), where


@functools.cache
def known_keys() -> frozenset[str]:
    """The keys of the labels briefgen prints, from the catalogue template it ships."""
    from babel.messages.pofile import read_po

    with (Path(__file__).parent / "briefgen.pot").open("rb") as handle:
        return frozenset(m.context for m in read_po(handle) if m.context)
