"""Filtered content → HTML through the audience's Jinja templates.

Two forms come from the same templates: `web` (notes listed at the end, linked
both ways) and `print` (each note inline at its call, floated to the page foot
by WeasyPrint).
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Literal

import jinja2
from jinja2.runtime import Context
from markupsafe import Markup

from ..audiences import Audience
from ..content.models import Content
from ..content.sections import located_statements, with_items
from ..document.i18n import I18n
from ..document.model import Document
from ..document.typography import typeset
from ..errors import BriefgenError, TemplateError, display_path
from ..template_search import builtin_templates
from .assets import print_page_problems, web_page_problems
from .fonts import Gap, Place, font_stacks, glyph_gaps, width_in_em
from .html5 import visible_text
from .sandbox import TemplateSandbox
from .timeline import timeline_svg

Medium = Literal["web", "print"]
ENTRY_TEMPLATE = "brief.html.j2"


def make_environment(audience: Audience) -> TemplateSandbox:
    """Templates most specific first: the audience's own, those of the audiences it
    inherits from, the shared parts.

    `<audience>/brief.html.j2` reaches the template of an audience it inherits from
    (for an override, the one it overrides), and `builtin/<audience>/…` a built-in
    one, so a template can extend the one it replaces. `level-<i>/…` reaches the
    i-th folder of the chain: the stylesheets cascade through it.
    """
    return _environment(audience.dirs, audience.lineage)


# One environment per template set, so each template is compiled once a
# process, not once per output; Jinja reloads a template whose file changed.
@functools.lru_cache(maxsize=32)
def _environment(dirs: tuple[Path, ...], lineage: tuple[str, ...]) -> TemplateSandbox:
    builtin = builtin_templates()
    by_name = {name: ConfinedLoader(d) for name, d in zip(lineage[1:], dirs[1:], strict=True)}
    levels = {f"level-{i}": ConfinedLoader(d) for i, d in enumerate(dirs)}
    loader = jinja2.ChoiceLoader(
        [
            *(ConfinedLoader(d) for d in dirs),
            ConfinedLoader(builtin / "_common"),
            jinja2.PrefixLoader({**by_name, **levels, "builtin": ConfinedLoader(builtin)}),
        ]
    )
    # Sandboxed: templates in a brief folder are content from many hands. Compiled
    # once a machine (Jinja's bytecode cache, checked against each file's source): a
    # check on save need not compile forty templates again.
    env = TemplateSandbox(
        loader=loader,
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.i18n"],
    )
    # Labels go through gettext's callables, which each render puts in its
    # context (see I18n): keyword variables, as in `{% trans %}`, new style.
    env.newstyle_gettext = True  # type: ignore[attr-defined]  # set by the i18n extension
    env.filters["with_note"] = with_note
    env.filters["with_citation"] = with_citation
    env.filters["smart"] = smart_text
    env.filters["date"] = _date
    env.filters["number"] = _number
    env.filters["css_string"] = css_string
    env.filters["css_raw"] = css_raw
    # What compiled code depends on besides the source: the options and the filters.
    signature = f"{sorted(env.filters)}{env.trim_blocks}{env.lstrip_blocks}{sorted(env.extensions)}"
    env.bytecode_cache = _compiled_templates(signature)
    return env


@functools.cache
def _compiled_templates(signature: str) -> jinja2.BytecodeCache | None:
    import hashlib

    from .. import __version__
    from ..user_cache import cache_folder

    key = hashlib.sha256(f"{__version__}{jinja2.__version__}{signature}".encode()).hexdigest()
    folder = cache_folder(f"templates-{key[:16]}")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return jinja2.FileSystemBytecodeCache(str(folder))


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


@jinja2.pass_context
def smart_text(context: Context, text: str) -> str:
    """A title or heading: the language's quotes, and break opportunities in a long run."""
    return typeset(text, context["i18n"])


# WORD JOINER: no line break on either side. It keeps a note call with the word before
# it; a `white-space: nowrap` span around the two made WeasyPrint break the lines
# before it at hyphenation points, leaving a fragment ("vis-") on a line of its own.
WORD_JOINER = "\u2060"


def with_note(text: Any, call: Markup) -> Markup:
    """The statement with its note call, never split from its last character by a line
    end, in any script."""
    return Markup(text) + Markup(WORD_JOINER) + call


# A statement's closing punctuation, with a closing quote or emphasis after it.
_CLOSING = re.compile(r"[.!?。！？]+(?:</em>|[”’»」』])*$")


@jinja2.pass_context
def with_citation(context: Context, text: Any, citation: Any) -> Markup:
    return cited_in_text(Markup(text), Markup(citation), context["i18n"])


def cited_in_text(text: Markup, citation: Markup, i18n: I18n) -> Markup:
    """The statement with its in-text citation before its closing punctuation, as
    author-date and numeric styles place it: `… in 2013 (NATO, 2013).`"""
    html = str(text)
    closing = _CLOSING.search(html)
    cut = closing.start() if closing else len(html)
    space = i18n.pgettext("statement-separator", " ")
    return (
        Markup(html[:cut])
        + Markup('{}<span class="citation">{}</span>').format(space, citation)
        + Markup(html[cut:])
    )


@jinja2.pass_context
def _date(context: Context, value: dt.date | str) -> str:
    """A date in the output's language, at the precision it was given."""
    i18n: I18n = context["i18n"]
    return i18n.date(value)


@jinja2.pass_context
def _number(context: Context, value: int) -> str:
    i18n: I18n = context["i18n"]
    return i18n.number(value)


_CSS_UNSAFE = re.compile(r'[\\"<>&\x00-\x1f\x7f]')


def css_string(text: str) -> Markup:
    """Text as a CSS string, for `content:` in the page's <style>: quoted, with what could
    end the string or the style element escaped (HTML escaping would not be decoded)."""
    return Markup('"{}"'.format(_CSS_UNSAFE.sub(lambda m: f"\\{ord(m[0]):x} ", text)))


def css_raw(text: str) -> Markup:
    """A value briefgen itself made (a font list) into the <style>, never content."""
    return Markup(text.replace("<", "").replace("{", "").replace("}", ""))


def css_content(template: str, values: dict[str, str]) -> Markup:
    """A label with %(name)s placeholders as a CSS `content` value, each placeholder
    replaced by a CSS value (`counter(page)`), the text between as strings."""
    parts = re.split(r"%\((\w+)\)s", template)
    tokens = [
        values.get(part, "") if i % 2 else css_string(part) for i, part in enumerate(parts) if part
    ]
    return Markup(" ".join(tokens))


WEB_FONTS = "/* briefgen: the web fonts */"


def render_html(
    doc: Document, audience: Audience, medium: Medium, *, web_fonts: bool = True
) -> str:
    """One audience's document as HTML, through the audience's templates. A web page gets
    the PDF's typefaces, cut down to its characters, inline where the layout asks
    (`check`, which looks at what a page loads, leaves out these data: URLs of
    briefgen's own making, and the seconds that cutting fonts takes)."""
    env = make_environment(audience)
    html = _render(env, ENTRY_TEMPLATE, template_context(doc, audience, medium))
    if medium == "web" and web_fonts and WEB_FONTS in html:
        from .webfonts import font_faces

        html = html.replace(WEB_FONTS, font_faces(visible_text(html)), 1)
    return html


def template_context(doc: Document, audience: Audience, medium: Medium) -> dict[str, Any]:
    """What a template is given: the API of custom audiences (README, "Templates and
    the document")."""
    i18n = doc.i18n

    def around(key: str, english: str, name: str) -> tuple[str, str]:
        """A label's text before and after its one placeholder, for markup in between."""
        before, _, after = i18n.pgettext(key, english, **{name: "\0"}).partition("\0")
        return before, after

    counter = i18n.counter_style
    page_number = css_content(
        i18n.pgettext("page-of", "Page %(page)s of %(pages)s"),
        {"page": f"counter(page, {counter})", "pages": f"counter(pages, {counter})"},
    )
    return {
        "doc": doc,
        "medium": medium,
        "audience": {"name": audience.name, **audience.config.model_dump()},
        "stylesheets": [f"level-{i}/style.css" for i in audience.stylesheets],
        "around": around,
        "page_number": page_number,
        "fonts_url": (builtin_templates() / "_common" / "fonts").resolve().as_uri() + "/",
        "fonts": font_stacks(i18n.locale),
        "web_fonts": Markup(WEB_FONTS),
        "timeline": lambda timeline: timeline_svg(list(timeline.items), i18n),
        "date_column": lambda items: date_column([item.date_label or "" for item in items]),
        "i18n": i18n,
        "gettext": i18n.gettext,
        "_": i18n.gettext,
        "ngettext": i18n.ngettext,
        "pgettext": i18n.pgettext,
        "npgettext": i18n.npgettext,
    }


def template_text(doc: Document, audience: Audience, block: str) -> str | None:
    """The text an audience's templates give one of the page's blocks (`kicker`), as
    plain text: what a house sets in a template reaches Word as it reaches the PDF."""
    env = make_environment(audience)
    template = env.get_template(ENTRY_TEMPLATE)
    render_block = template.blocks.get(block)
    if render_block is None:
        return None
    context = template.new_context({"doc": doc, "medium": "print", **_labels(doc)})
    try:
        html = "".join(render_block(context))
    except jinja2.TemplateError as exc:
        raise TemplateError(f"{_template_frame()}: {exc.message or exc}") from None
    return " ".join(visible_text(html).split())


def _labels(doc: Document) -> dict[str, Any]:
    i18n = doc.i18n
    return {"pgettext": i18n.pgettext, "gettext": i18n.gettext, "i18n": i18n}


def _render(env: TemplateSandbox, name: str, context: dict[str, Any]) -> str:
    try:
        return env.get_template(name).render(context)
    except jinja2.TemplateSyntaxError as exc:
        where = f"{display_path(Path(exc.filename))}:{exc.lineno}" if exc.filename else ""
        raise TemplateError(f"{where}: template syntax error: {exc.message}") from None
    except jinja2.TemplateError as exc:
        raise TemplateError(f"{_template_frame()}: {exc.message or exc}") from None
    except BriefgenError:
        raise
    except (Exception, RecursionError) as exc:  # raised by what a template line asked for
        raise TemplateError(f"{_template_frame()}: {type(exc).__name__}: {exc}") from None


def glyph_gaps_of(print_html: str, content: Content) -> list[Gap]:
    """The characters of a print page that no font draws, with where they stand."""
    return glyph_gaps(visible_text(print_html, figures=True), text_places(content))


def text_places(content: Content) -> Iterator[Place]:
    """Every text of a brief a reader sees, named as a user would look for it."""
    brief = content.brief
    yield Place("the title", brief.title, "brief", ("title",))
    yield Place("the subtitle", brief.subtitle or "", "brief", ("subtitle",))
    yield Place("the authors", " ".join(brief.authors), "brief", ("authors",))
    for found in located_statements(content):
        named = f"the statement “{_excerpt(found.statement.text)}”"
        yield Place(named, found.statement.text, found.file, (*found.loc, "text"))
        quotes = " ".join(c.quote or "" for c in found.statement.sources)
        yield Place(f"a quote in the notes of {named}", quotes, found.file, found.loc)
    for section in with_items():
        for i, item in enumerate(content.items(section.name)):
            for name, value in item:
                if isinstance(value, str):
                    named = f"the {name} “{_excerpt(value)}”"
                    yield Place(named, value, section.name, (i, name))
    for i, source in enumerate(content.sources):
        text = " ".join(str(v) for _, v in source if v)
        yield Place(f"the source '{source.id}'", text, "sources", (i,))


def _excerpt(text: str) -> str:
    return text if len(text) <= 40 else text[:39] + "…"


def attributed(warning: str, audience: Audience) -> str:
    """An engine's warning, prefixed with the template file that holds what it quotes."""
    holder = _holder(audience, warning)
    return f"{holder}: {warning}" if holder else warning


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


# The milestone list's dates: set in the sans face, bold, at 0.85rem (base.css).
DATE_SIZE_REM = 0.85
DATE_GAP_REM = 1.0
DATE_COLUMN_MAX_REM = 16.0  # past this (a third of the page), a date wraps in its column


def date_column(dates: list[str]) -> str:
    """The width of the milestone list's date column: its longest date, as set, and a
    gap, so that no date in any language runs into the title beside it."""
    longest = max((width_in_em(date) for date in dates), default=0.0)
    rem = min(longest * DATE_SIZE_REM + DATE_GAP_REM, DATE_COLUMN_MAX_REM)
    return f"{math.ceil(rem * 10) / 10:.1f}rem"


def asset_base(audience: Audience) -> Path:
    """Where the print page's relative URLs point: the audience's own folder."""
    return audience.dirs[0]


def asset_roots(audience: Audience) -> list[Path]:
    """The folders the PDF engine may read files from: the templates, nothing else."""
    return [*audience.dirs, builtin_templates()]


def _culprit(audience: Audience, problem: str) -> str:
    """The template file that holds what a problem quotes ('…', `…` or <tag), else the
    audience's folder."""
    return (
        _holder(audience, problem)
        or f"{display_path(audience.dirs[0])} (audience '{audience.name}')"
    )


def _holder(audience: Audience, problem: str) -> str | None:
    """The template file that holds what a problem quotes ('…', `…` or <tag), if any."""
    quoted = re.findall(r"'([^']{4,})'|`([^`]{4,})`|<([a-z]+)", problem)
    needles = [(q[0] or q[1])[:60] or f"<{q[2]}" for q in quoted]
    for folder in (*audience.dirs, builtin_templates() / "_common"):
        for path in sorted(folder.rglob("*")):
            inside = path.resolve().is_relative_to(folder.resolve())
            if path.suffix in (".j2", ".css", ".html") and path.is_file() and inside:
                text = path.read_text(encoding="utf-8", errors="replace")
                if any(needle in text for needle in needles):
                    return display_path(path)
    return None


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
