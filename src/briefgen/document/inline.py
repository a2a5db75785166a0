"""Statement text, captions and table cells → HTML: the inline markup (emphasis, strong,
links), cross-references as "Figure 2", abbreviations spelt out at their first use, and
the language's quotation marks. Everything else is text, escaped."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from markupsafe import Markup, escape

from ..content.markup import REFERENCE, term_pattern, tokens
from .i18n import I18n
from .typography import BREAK, break_long_words, smart_quotes

TAGS = {
    "em_open": "<em>",
    "em_close": "</em>",
    "strong_open": "<strong>",
    "strong_close": "</strong>",
}


@dataclass
class Numbers:
    """The number of each figure and table in one output, in reading order."""

    figures: dict[str, int] = field(default_factory=dict)
    tables: dict[str, int] = field(default_factory=dict)

    def of(self, kind: str, item_id: str) -> int | None:
        return (self.figures if kind == "fig" else self.tables).get(item_id)

    def label(self, kind: str, item_id: str, i18n: I18n) -> str:
        number = self.of(kind, item_id)
        if number is None:  # the build checks every reference first; never show a guess
            raise KeyError(f"{{{kind}:{item_id}}}")
        shown = i18n.number(number)
        if kind == "fig":
            return i18n.pgettext("figure-label", "Figure %(number)s", number=shown)
        return i18n.pgettext("table-label", "Table %(number)s", number=shown)


@dataclass
class Abbreviations:
    """The brief's abbreviations, and which this output has spelt out already."""

    terms: dict[str, str]
    introduced: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        self._pattern = term_pattern(self.terms)

    def mark(self, text: str, i18n: I18n) -> Markup:
        """Text with each term in <abbr>, spelt out the first time this output uses it."""
        if self._pattern is None:
            return Markup(escape(text))
        out, last = Markup(""), 0
        for match in self._pattern.finditer(text):
            term = match[1]
            out += escape(text[last : match.start()])
            abbr = Markup('<abbr title="{}">{}</abbr>').format(self.terms[term], term)
            if term not in self.introduced:
                self.introduced.add(term)
                abbr = self._spelt_out(term, abbr, i18n)
            out += abbr
            last = match.end()
        return out + escape(text[last:])

    def _spelt_out(self, term: str, abbr: Markup, i18n: I18n) -> Markup:
        """ "NATO Security Assistance and Training for Ukraine (NSATU)", as the language
        writes it."""
        pattern = i18n.pgettext(
            "abbreviation-first", "%(expansion)s (%(term)s)", expansion="\0", term="\1"
        )
        out = Markup("")
        for piece in re.split("([\0\1])", pattern):
            out += {"\0": escape(self.terms[term]), "\1": abbr}.get(piece, escape(piece))
        return out


@dataclass
class Inline:
    """What rendering inline text needs from its output."""

    i18n: I18n
    numbers: Numbers
    abbreviations: Abbreviations


def inline_html(text: str, context: Inline) -> Markup:
    """`text` with its markup rendered; anything not markup is shown as written."""
    parts = tokens(text)
    texts = [t.content for t in parts if t.type == "text"]
    quoted = _split_like(smart_quotes("".join(texts), context.i18n), texts)
    html, in_link = Markup(""), False
    for token in parts:
        if token.type == "text":
            html += _text(quoted.pop(0), context, in_link)
        elif token.type in TAGS:
            html += Markup(TAGS[token.type])
        elif token.type == "link_open":
            in_link = True
            html += Markup('<a href="{}">').format(token.attrs["href"])
        elif token.type == "link_close":
            in_link = False
            html += Markup("</a>")
        elif token.type == "softbreak":
            html += Markup(" ")
    return html


def _split_like(joined: str, parts: list[str]) -> list[str]:
    """`joined` cut back into pieces as long as `parts` (quotes change no length)."""
    out, at = [], 0
    for part in parts:
        out.append(joined[at : at + len(part)])
        at += len(part)
    return out


def _text(text: str, context: Inline, in_link: bool) -> Markup:
    html, last = Markup(""), 0
    for match in REFERENCE.finditer(text):
        html += _words(text[last : match.start()], context)
        label = context.numbers.label(match[1], match[2], context.i18n)
        target = f"{'fig' if match[1] == 'fig' else 'tab'}-{match[2]}"
        if in_link:  # no link inside a link
            html += escape(label)
        else:
            html += Markup('<a class="xref" href="#{}">{}</a>').format(target, label)
        last = match.end()
    return html + _words(text[last:], context)


def _words(text: str, context: Inline) -> Markup:
    marked = context.abbreviations.mark(break_long_words(text), context.i18n)
    return Markup(str(marked).replace(BREAK, "<wbr>"))
