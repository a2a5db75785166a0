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
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

import jinja2
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup, escape

from ..audiences import Audience
from ..clearance import highest_marking
from ..content.models import Content
from ..content.sections import kind
from ..errors import TemplateError, display_path
from ..templates import builtin_templates
from .assets import print_page_problems, web_page_problems
from .citations import NoteBook, csl_locale
from .evidence import citing_statements, strength
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
    loader = jinja2.ChoiceLoader(
        [
            *(ConfinedLoader(d) for d in dirs),
            ConfinedLoader(builtin / "_common"),
            jinja2.PrefixLoader({"builtin": ConfinedLoader(builtin)}),
        ]
    )
    # Sandboxed: templates in a brief folder are content from many hands.
    env = SandboxedEnvironment(
        loader=loader,
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["statement"] = statement_html
    env.filters["with_note"] = with_note
    env.filters["smart"] = smart_text
    env.filters["long_date"] = long_date
    return env


class ConfinedLoader(jinja2.FileSystemLoader):
    """A template folder whose files must really be inside it: a template that is a
    symlink to /etc/passwd or to the brief's YAML is refused, naming the file."""

    def __init__(self, folder: Path) -> None:
        super().__init__(folder)
        self.folder = folder.resolve()

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        source, filename, uptodate = super().get_source(environment, template)
        real = Path(filename).resolve()
        if not real.is_relative_to(self.folder):
            raise TemplateError(
                f"{display_path(Path(filename))}: the template links to "
                f"{real}, outside its folder: copy the file into the folder"
            )
        return source, filename, uptodate


def statement_html(text: str) -> Markup:
    """Plain text with *emphasis*; everything else is shown literally.

    Straight quotes become typographic ones, as Pandoc's `smart` extension does.
    """
    text = break_long_words(smart_quotes(text))
    html = _EMPHASIS.sub(lambda m: f"<em>{m[1]}</em>", str(escape(text)))
    return Markup(html.replace(_BREAK, "<wbr>"))


# A run of letters longer than a line gets a break opportunity every few
# characters: the PDF engine otherwise takes minutes to break a pasted string
# of 100,000 characters. CJK text already breaks between any two characters.
_LONG_WORD = re.compile(r"[^\s\u3000-\u9fff\uac00-\ud7af\uff00-\uffef]{60,}")
_BREAK = "\u200b"


def break_long_words(text: str) -> str:
    return _LONG_WORD.sub(lambda m: _BREAK.join(re.findall(".{1,30}", m[0], re.S)), text)


def smart_text(text: str) -> str:
    """A title or heading: typographic quotes, and break opportunities in a long run."""
    return break_long_words(smart_quotes(text))


def smart_quotes(text: str) -> str:
    text = _OPENING_DOUBLE.sub("“", text).replace('"', "”")
    return _OPENING_SINGLE.sub("‘", text).replace("'", "’")


def with_note(text: Markup, call: Markup) -> Markup:
    """The statement with its note call, the last word and the call never split by a line end."""
    html = str(text)
    cut = html.rfind(" ")
    while cut != -1 and html[cut:].count("</em>") > html[cut:].count("<em>"):
        cut = html.rfind(" ", 0, cut)  # never split inside an emphasis
    joined = Markup('<span class="nobreak">{}{}</span>').format(Markup(html[cut + 1 :]), call)
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
        "default_heading": lambda name: kind(name).heading,
        "medium": medium,
        "notes": notes,
        "marking": highest_marking(content),
        "strength": lambda name: strength(content, name),
        "cited_by": citing_statements(content),
        "created": created_date(content),
        "fonts_url": (builtin_templates() / "_common" / "fonts").resolve().as_uri() + "/",
        "timeline": lambda: timeline_svg(
            content.items("milestones"), lambda d: long_date(d, content.brief.lang)
        ),
    }
    try:
        html = env.get_template(ENTRY_TEMPLATE).render(context)
    except jinja2.TemplateSyntaxError as exc:
        where = f"{display_path(Path(exc.filename))}:{exc.lineno}" if exc.filename else ""
        raise TemplateError(f"{where}: template syntax error: {exc.message}") from None
    except jinja2.TemplateError as exc:
        raise TemplateError(f"{_template_frame()}: {exc.message or exc}") from None
    return html


def attributed(warning: str, audience: Audience) -> str:
    """An engine's warning, prefixed with the template file that holds what it quotes."""
    return f"{_culprit(audience, warning)}: {warning}"


def check_loads(html: str, audience: Audience, medium: Medium) -> None:
    """Refuse a page that would load what it may not (see assets), naming the template.

    A web page loads nothing; a print page only files of the template folders.
    """
    if medium == "web":
        problems = web_page_problems(html)
    else:
        problems = print_page_problems(html, asset_base(audience), asset_roots(audience))
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise TemplateError(f"{_culprit(audience, problems[0])}: {problems[0]}{more}")


def asset_base(audience: Audience) -> Path:
    """Where the print page's relative URLs point: the audience's own folder."""
    return audience.dirs[0]


def asset_roots(audience: Audience) -> list[Path]:
    """The folders the PDF engine may read files from: the templates, nothing else."""
    return [*audience.dirs, builtin_templates()]


def _culprit(audience: Audience, problem: str) -> str:
    """The template file that holds what a problem quotes ('…', `…` or <tag), else the
    audience's folder."""
    quoted = re.findall(r"'([^']{4,})'|`([^`]{4,})`|<([a-z]+)", problem)
    needles = [(q[0] or q[1])[:60] or f"<{q[2]}" for q in quoted]
    for folder in (*audience.dirs, builtin_templates() / "_common"):
        for path in sorted(folder.rglob("*")):
            if path.suffix in (".j2", ".css", ".html") and path.is_file():
                text = path.read_text(encoding="utf-8", errors="replace")
                if any(needle in text for needle in needles):
                    return display_path(path)
    return f"{display_path(audience.dirs[0])} (audience '{audience.name}')"


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
