"""The template context is the API of custom audiences: the README documents it, and
this keeps the two the same."""

from __future__ import annotations

import dataclasses
import re

from conftest import FIXTURES, ROOT

from briefgen.document import document_for, model
from briefgen.opening import open_brief
from briefgen.render.html import template_context


def readme_table(first_column: str) -> dict[str, str]:
    """A README table whose header starts with `first_column`: its rows, by first cell."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index(f"| {first_column} |")
    rows = {}
    for line in text[start:].splitlines()[2:]:
        if not line.startswith("|"):
            break
        cells = [c.strip() for c in line.strip("|").split("|")]
        rows[cells[0]] = cells[1]
    return rows


def test_every_name_a_template_is_given_is_documented() -> None:
    brief = open_brief(FIXTURES / "canary")
    audience = brief.audiences["analyst"]
    context = template_context(document_for(brief.content, audience), audience, "print")
    documented = set()
    for cell in readme_table("name"):
        names = re.sub(r"\([^)]*\)", "", cell)
        documented |= {n.strip(" `") for n in names.split(",")}
    assert set(context) == documented


def test_every_field_of_the_document_is_documented() -> None:
    rows = readme_table("in the document")
    text = " ".join(rows.values())
    for cls in (model.Header, model.Section, model.Item, model.Marking, model.Note):
        for field in dataclasses.fields(cls):
            assert f"`{field.name}`" in text, f"{cls.__name__}.{field.name} is not in the README"
    for block in (model.Statement, model.Figure, model.Table, model.Row):
        for field in dataclasses.fields(block):
            internal = ("key", "plain", "caption_plain", "cells_plain", "image_digest", "mime")
            if field.name not in internal:
                assert f"`{field.name}`" in text, f"{block.__name__}.{field.name} is not documented"
