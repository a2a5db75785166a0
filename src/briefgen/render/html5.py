"""HTML read as a browser reads it: the HTML5 parsing algorithm, by the Lexbor engine
(selectolax), some fifty times faster than a parser in pure Python."""

from __future__ import annotations

from typing import Any


def parse(html: str) -> Any:
    """The document's root node."""
    from selectolax.lexbor import LexborHTMLParser

    return LexborHTMLParser(html).root


def children(node: Any) -> list[Any]:
    """A node's children in order: elements, and text (`-text`) and comment nodes."""
    found = []
    child = node.child
    while child is not None:
        found.append(child)
        child = child.next
    return found


# Text inside these is not shown to a reader; `head` holds the title and metadata.
_HIDDEN = {"script", "style", "template", "noscript", "head", "title", "math"}
_BLOCKS = {
    "p",
    "div",
    "br",
    "li",
    "tr",
    "td",
    "th",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "section",
    "article",
    "blockquote",
    "header",
    "footer",
    "ul",
    "ol",
    "table",
    "main",
    "nav",
    "aside",
    "figure",
    "figcaption",
    "dd",
    "dt",
    "pre",
}


def visible_text(html: str, *, figures: bool = False) -> str:
    """The text a browser shows, parsed as browsers parse (HTML5): a page that omits
    `</head>` or nests badly reads as it would on screen. The text of inline SVG
    figures counts only with `figures`."""
    parts: list[str] = []
    # Walked with a stack, not recursion: a hostile page may nest thousands deep.
    stack: list[tuple[Any, bool]] = [(parse(html), False)]
    while stack:
        node, closing = stack.pop()
        if node is None:
            continue
        if node.tag == "-text":
            parts.append(node.text_content or "")
            continue
        if node.tag.startswith("-") or _hidden(node) or (node.tag == "svg" and not figures):
            continue
        if node.tag in _BLOCKS:
            parts.append("\n")
        if closing:
            continue
        stack.append((node, True))
        stack.extend((child, False) for child in reversed(children(node)))
    return "".join(parts)


def _hidden(node: Any) -> bool:
    attributes = node.attributes
    style = (attributes.get("style") or "").replace(" ", "").lower()
    return node.tag in _HIDDEN or "hidden" in attributes or "display:none" in style
