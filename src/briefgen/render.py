"""Filtered content → HTML through the audience's Jinja templates.

Two forms come from the same templates: `web` (notes listed at the end, linked
both ways) and `print` (each note inline at its call, floated to the page foot
by WeasyPrint).
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import re
import sys
from pathlib import Path
from typing import Any, Literal

import jinja2
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup, escape

from .audience import Audience, builtin_templates, highest_marking
from .citations import NoteBook, csl_locale
from .errors import TemplateError, display_path
from .models import Content
from .provenance import citing_statements, strength
from .timeline import timeline_svg

Medium = Literal["web", "print"]
ENTRY_TEMPLATE = "brief.html.j2"
_EMPHASIS = re.compile(r"\*(?=\S)([^*\n]+?)(?<=\S)\*")
_OPENING_DOUBLE = re.compile(r'(?:(?<=^)|(?<=[\s(\[{—–-]))"')
_OPENING_SINGLE = re.compile(r"(?:(?<=^)|(?<=[\s(\[{“—–-]))'")


def make_environment(audience: Audience) -> SandboxedEnvironment:
    """Templates most specific first: the brief's own, the built-in audience, the shared parts.

    `builtin/<audience>/...` reaches a built-in template even when an override
    of the same name exists, so an override can extend the original.
    """
    return _environment(audience.dirs)


# One environment per template set, so each template is compiled once a
# process, not once per output; Jinja reloads a template whose file changed.
@functools.lru_cache(maxsize=32)
def _environment(dirs: tuple[Path, ...]) -> SandboxedEnvironment:
    builtin = builtin_templates()
    loader = jinja2.ChoiceLoader([
        *(jinja2.FileSystemLoader(d) for d in dirs),
        jinja2.FileSystemLoader(builtin / "_common"),
        jinja2.PrefixLoader({"builtin": jinja2.FileSystemLoader(builtin)}),
    ])
    # Sandboxed: templates in a brief folder are content from many hands.
    env = SandboxedEnvironment(loader=loader, autoescape=True,
                               undefined=jinja2.StrictUndefined,
                               trim_blocks=True, lstrip_blocks=True)
    env.filters["statement"] = statement_html
    env.filters["with_note"] = with_note
    env.filters["smart"] = smart_quotes
    env.filters["long_date"] = long_date
    return env


def statement_html(text: str) -> Markup:
    """Plain text with *emphasis*; everything else is shown literally.

    Straight quotes become typographic ones, as Pandoc's `smart` extension does.
    """
    html = _EMPHASIS.sub(lambda m: f"<em>{m[1]}</em>", str(escape(smart_quotes(text))))
    return Markup(html)


def smart_quotes(text: str) -> str:
    text = _OPENING_DOUBLE.sub("“", text).replace('"', "”")
    return _OPENING_SINGLE.sub("‘", text).replace("'", "’")


def with_note(text: Markup, call: Markup) -> Markup:
    """The statement with its note call, the last word and the call never split by a line end."""
    html = str(text)
    cut = html.rfind(" ")
    while cut != -1 and html[cut:].count("</em>") > html[cut:].count("<em>"):
        cut = html.rfind(" ", 0, cut)  # never split inside an emphasis
    joined = Markup('<span class="nobreak">{}{}</span>').format(Markup(html[cut + 1:]), call)
    return Markup(html[: cut + 1]) + joined


def long_date(value: dt.date | str, lang: str = "en") -> str:
    """'16 January 2025' (or 'January 16, 2025' in US English); partial dates stay partial."""
    parts = value.isoformat().split("-") if isinstance(value, dt.date) else value.split("-")
    year = parts[0]
    if len(parts) == 1:
        return year
    month = dt.date(2000, int(parts[1]), 1).strftime("%B")
    if len(parts) == 2:
        return f"{month} {year}"
    day = str(int(parts[2]))
    return f"{month} {day}, {year}" if csl_locale(lang) == "en-US" else f"{day} {month} {year}"


def created_date(content: Content) -> str:
    """The date written into outputs: SOURCE_DATE_EPOCH when set, else the brief's date,
    never the clock, so that the same input gives the same bytes."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        moment = dt.datetime.fromtimestamp(int(epoch), tz=dt.timezone.utc)
        return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    return content.brief.date.isoformat()


def render_html(content: Content, audience: Audience, medium: Medium) -> str:
    """One audience's brief as HTML; `content` must already be filtered for it."""
    env = make_environment(audience)
    notes = NoteBook(content, show_grades=audience.config.show_grades)
    context: dict[str, Any] = {
        "brief": content.brief,
        "content": content,
        "audience": {"name": audience.name, **audience.config.model_dump()},
        "sections": audience.config.sections,
        "medium": medium,
        "notes": notes,
        "marking": highest_marking(content),
        "strength": lambda name: strength(content, name),
        "cited_by": citing_statements(content),
        "created": created_date(content),
        "fonts_url": (builtin_templates() / "_common" / "fonts").resolve().as_uri() + "/",
        "timeline": lambda: timeline_svg(content.milestones,
                                         lambda d: long_date(d, content.brief.lang)),
    }
    try:
        return env.get_template(ENTRY_TEMPLATE).render(context)
    except jinja2.TemplateSyntaxError as exc:
        where = f"{display_path(Path(exc.filename))}:{exc.lineno}" if exc.filename else ""
        raise TemplateError(f"{where}: template syntax error: {exc.message}") from None
    except jinja2.TemplateError as exc:
        raise TemplateError(f"{_template_frame()}: {exc.message or exc}") from None


def _template_frame() -> str:
    """file:line of the template line that failed; Jinja maps it into the traceback."""
    tb = sys.exc_info()[2]
    where = "template"
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith((".j2", ".html", ".css")):
            where = f"{display_path(Path(filename))}:{tb.tb_lineno}"
        tb = tb.tb_next
    return where
