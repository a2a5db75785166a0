"""What a rendered page may load, judged on the HTML itself, whatever template made it.

A web page loads nothing: every image, font and stylesheet is inline (`data:`)
and it runs no script. The print page, which only WeasyPrint reads, may load
files from the template folders and nothing else: no network, no file outside
them after symlinks are resolved, never the brief's YAML. The same rules serve
the PDF engine's URL fetcher, so what `check` passes, the build can fetch.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urljoin, urlparse

from . import html5

# Elements that run code, embed another page, or change where URLs point.
REFUSED_ELEMENTS = {
    "script",
    "iframe",
    "frame",
    "frameset",
    "object",
    "embed",
    "applet",
    "base",
    "portal",
    "link",
    "form",
    "noembed",
    "param",
}
# Attributes whose value the browser fetches (or sends a request to) by itself.
LOADING_ATTRIBUTES = {
    "src",
    "srcset",
    "data",
    "poster",
    "background",
    "lowsrc",
    "dynsrc",
    "manifest",
    "codebase",
    "action",
    "formaction",
    "ping",
    "imagesrcset",
    "archive",
    "profile",
}
# CSS functions whose string arguments are URLs.
URL_FUNCTIONS = {"url", "src", "image", "image-set", "-webkit-image-set", "cross-fade"}
LINK_SCHEMES = {"", "http", "https", "mailto"}
NEVER_FETCHED = {".yaml", ".yml"}  # the brief's content is never an asset


@dataclass(frozen=True)
class Load:
    """A URL the page would fetch, and what asks for it (`<img src>`, `CSS url()`)."""

    url: str
    what: str


class Refused(Exception):
    """A page or an asset that breaks the rules; the message says which and why."""


def scan(html: str) -> tuple[list[Load], list[str]]:
    """Every URL the page would load, and every construct refused outright.

    The page is parsed as a browser parses it (HTML5, by the Lexbor engine), so
    what a browser would find, the scan finds.
    """
    loads: list[Load] = []
    refused: list[str] = []
    for element in elements(html):
        tag = _local(element.tag)
        _scan_element(element.attributes, tag, loads, refused)
        if tag == "style":
            loads += css_loads(element.text(deep=True), "<style>")
    return loads, refused


def elements(html: str) -> Iterator[Any]:
    """Every element of the page as parsed by an HTML5 parser, in document order."""
    stack = [html5.parse(html)]
    while stack:  # a stack, not recursion: a page may nest deeper than Python recurses
        node = stack.pop()
        if node is None or node.tag.startswith("-"):  # -text, -comment, -doctype
            continue
        yield node
        stack.extend(reversed(html5.children(node)))


def _scan_element(
    attributes: dict[str, str | None], tag: str, loads: list[Load], refused: list[str]
) -> None:
    if tag in REFUSED_ELEMENTS:
        refused.append(f"<{tag}>")
    if tag == "meta" and (attributes.get("http-equiv") or "").lower() == "refresh":
        refused.append('<meta http-equiv="refresh">')
    for raw_name, raw_value in attributes.items():
        value = raw_value or ""
        name = _local(raw_name).lower()
        if name.startswith("on"):
            refused.append(f"<{tag} {name}> (a script)")
        elif name == "rel" and "attachment" in value.lower().split():
            refused.append(f'<{tag} rel="attachment">')
        elif name == "style":
            loads += css_loads(value, f"<{tag} style>", declarations=True)
        elif name in LOADING_ATTRIBUTES or (name == "href" and tag != "a"):
            loads.append(Load(value.strip(), f"<{tag} {name}>"))
        elif name == "href" and urlparse(value.strip()).scheme.lower() not in LINK_SCHEMES:
            refused.append(f'<a href="{value.strip()[:60]}">')


def css_loads(css: str, where: str, *, declarations: bool = False) -> list[Load]:
    """The URLs a stylesheet (or a style attribute) fetches, escapes decoded."""
    return list(_css_loads(css, where, declarations))


@functools.lru_cache(maxsize=512)
def _css_loads(css: str, where: str, declarations: bool) -> tuple[Load, ...]:
    """Read once per process for each text: the house style and the fonts are the same
    on every page of every brief, and tokenizing them is most of a page's check."""
    import tinycss2

    if declarations:
        nodes: list[Any] = tinycss2.parse_blocks_contents(css)
    else:
        nodes = tinycss2.parse_stylesheet(css)
    return tuple(_css_urls(nodes, where))


def _css_urls(nodes: Iterable[Any], where: str) -> Iterator[Load]:
    for node in nodes:
        kind = getattr(node, "type", "")
        if kind == "url":
            yield Load(node.value, f"CSS url() in {where}")
        elif kind == "at-rule" and node.lower_at_keyword == "import":
            yield Load(_first_string(node.prelude), f"@import in {where}")
        elif kind == "function" and node.lower_name in URL_FUNCTIONS:
            for arg in node.arguments:
                if getattr(arg, "type", "") == "string":
                    yield Load(arg.value, f"CSS {node.lower_name}() in {where}")
        for child in _children(node):
            yield from _css_urls(child, where)


def _children(node: Any) -> list[Any]:
    kind = getattr(node, "type", "")
    found = []
    if kind in ("qualified-rule", "at-rule"):
        found += [node.prelude, node.content or []]
    elif kind == "declaration":
        found.append(node.value)
    elif kind == "function":
        found.append(node.arguments)
    elif kind in ("() block", "[] block", "{} block"):
        found.append(node.content)
    return found


def _first_string(tokens: list[Any]) -> str:
    for token in tokens:
        if getattr(token, "type", "") in ("string", "url"):
            return str(token.value)
    return ""


def _local(name: str) -> str:
    """`{namespace}href` → `href`; `xlink:href` → `href`."""
    return name.rsplit("}", 1)[-1].rsplit(":", 1)[-1]


def inline(url: str) -> bool:
    """A URL that fetches nothing: inline data, or a place in the page itself."""
    return url.startswith("#") or urlparse(url).scheme.lower() == "data"


def web_page_problems(html: str) -> list[str]:
    """Why a web page is not self-contained: each thing it would load or run."""
    loads, refused = scan(html)
    problems = [f"{what}: web pages run no script and embed nothing" for what in refused]
    problems += [
        f"{load.what} loads '{load.url[:80]}': web pages must be self-contained; "
        "embed it as data: or remove it"
        for load in loads
        if not inline(load.url)
    ]
    return problems


def print_page_problems(html: str, base: Path, roots: Sequence[Path]) -> list[str]:
    """Why the PDF engine could not fetch what the print page asks for."""
    loads, refused = scan(html)
    problems = [
        f"{what}: a PDF embeds nothing briefgen did not put there itself"
        for what in refused
        if "attachment" in what
    ]
    for load in loads:
        try:
            asset_path(urljoin(base.resolve().as_uri() + "/", load.url), roots)
        except Refused as exc:
            problems.append(f"{load.what}: {exc}")
    return problems


def asset_path(url: str, roots: Sequence[Path]) -> Path | None:
    """The file an absolute URL names, if the PDF engine may read it; None for `data:`.

    Only files inside `roots`, after symlinks are resolved, and never YAML.
    """
    parsed = urlparse(url)
    scheme = parsed.scheme.lower()
    if scheme == "data":
        return None
    if scheme == "file":
        path = Path(unquote(parsed.path)).resolve()
        inside = any(path.is_relative_to(root.resolve()) for root in roots)
        if inside and path.suffix.lower() not in NEVER_FETCHED:
            if not path.is_file():
                raise Refused(
                    f"{path} not found: a template or stylesheet refers to it; "
                    "add the file or fix the name"
                )
            return path
    raise Refused(
        f"refused to fetch {url[:120]}: only files inside the template folders may be used"
    )
