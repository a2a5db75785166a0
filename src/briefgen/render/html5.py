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
