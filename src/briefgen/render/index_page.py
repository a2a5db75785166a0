"""The HTML of an audience's index page (see build/index.py), from the built-in
`_common/index.html.j2` and its stylesheet."""

from __future__ import annotations

import datetime as dt
import unicodedata
from typing import TYPE_CHECKING, Any

import jinja2
from jinja2.sandbox import SandboxedEnvironment

from ..template_search import builtin_templates

if TYPE_CHECKING:
    from ..document.i18n import I18n
    from ..project import Project

TYPESET = ("title", "subtitle", "bottom_line")  # quotes as the brief's language writes them
TYPES = {
    "pdf": "application/pdf",
    "html": "text/html",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def index_html(
    project: Project,
    audience: str,
    entries: list[dict[str, Any]],
    i18n: I18n,
    script: str,
    script_hash: str,
) -> str:
    from ..document.i18n import I18n
    from ..document.typography import smart_quotes
    from .html import css_string

    env = SandboxedEnvironment(
        loader=jinja2.FileSystemLoader(builtin_templates() / "_common"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    shown = []
    for entry in entries:
        own = I18n(entry["lang"])
        text = " ".join(
            (entry["title"], entry["subtitle"], entry["bottom_line"], entry["date"], entry["brief"])
        )
        shown.append(
            {
                **entry,
                **{key: smart_quotes(entry[key], own) for key in TYPESET},
                "dir": own.direction,
                "date_shown": i18n.date(dt.date.fromisoformat(entry["date"])),
                "search": unicodedata.normalize("NFKC", text).lower(),
            }
        )
    page = page_marking(entries)
    formats = [
        ("html", i18n.pgettext("format-html", "Web page")),
        ("pdf", i18n.pgettext("format-pdf", "PDF")),
        ("docx", i18n.pgettext("format-docx", "Word")),
    ]
    return env.get_template("index.html.j2").render(
        lang=i18n.lang,
        dir=i18n.direction,
        title=project.title,
        audience_title=entries[0]["audience_title"] if entries else audience,
        entries=shown,
        formats=formats,
        types=TYPES,
        number=i18n.number,
        pgettext=i18n.pgettext,
        npgettext=i18n.npgettext,
        script=script,
        script_hash=script_hash,
        marking=page,
        marking_label=i18n.pgettext("marking", page),
        marking_css=css_string(i18n.pgettext("marking", page)),
    )


def page_marking(entries: list[dict[str, Any]]) -> str:
    """The highest marking of what the index shows: each entry's bottom line at its
    own marking, the rest (titles, dates) at their brief's lowest level."""
    shown = [entry["bottom_line_marking"] for entry in entries if entry["bottom_line"]]
    if not shown:
        return str(entries[0]["bottom_line_marking"]["level"]) if entries else ""
    return str(max(shown, key=lambda m: int(m["rank"]))["level"])
