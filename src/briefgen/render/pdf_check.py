"""What briefgen checks of its own PDF before writing it, reading the laid-out boxes back:
no two lines of text overlap, nothing is drawn over the notes at the foot of a
page, no text runs past the page's edge, and no label of a figure leaves it.

Every note on its call's page and the page budget are checked in pdf.py and
budget.py. A problem names its page and what stands there, so that a user
learns of a defect from the build, not from the minister.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

TOLERANCE = 1.5  # points: antialiasing, italic overhang, line-height under font-size
# What is drawn over the text on purpose: a draft's mark across every page.
DECORATIONS = {"draft-mark"}


@dataclass(frozen=True)
class Ink:
    """A line of text (or a picture) on a page, and where it is."""

    x: float
    y: float
    right: float
    bottom: float
    text: str
    in_notes: bool
    figure: Any  # the figure box it is drawn in, for labels laid over a figure
    element: Any = None  # the element it belongs to

    def overlaps(self, other: Ink) -> bool:
        return (
            min(self.right, other.right) - max(self.x, other.x) > TOLERANCE
            and min(self.bottom, other.bottom) - max(self.y, other.y) > TOLERANCE
        )


def over_notes(document: Any) -> list[Any]:
    """The elements drawn over the notes of a page: a layout pass can push each to the
    next page."""
    from weasyprint.formatting_structure.boxes import FootnoteAreaBox

    found = []
    for page in document.pages:
        box = page._page_box
        area = next((c for c in box.children if isinstance(c, FootnoteAreaBox)), None)
        if area is None or not area.children:
            continue
        inks: list[Ink] = []
        for child in box.children:
            if not isinstance(child, FootnoteAreaBox):
                _collect(child, False, None, False, inks)
        top = area.position_y
        for ink in inks:
            if ink.bottom > top + TOLERANCE and ink.element is not None:
                found.append(ink.element)
                break  # one a page a pass
    return found


def layout_problems(document: Any) -> list[str]:
    """Each defect of the laid-out document, as a message naming its page."""
    problems: list[str] = []
    for number, page in enumerate(document.pages, start=1):
        problems += _page_problems(number, page._page_box)
    return problems


def _page_problems(number: int, page: Any) -> list[str]:
    from weasyprint.formatting_structure.boxes import FootnoteAreaBox

    inks: list[Ink] = []
    area = None
    for child in page.children:
        if isinstance(child, FootnoteAreaBox):
            area = child
        _collect(child, isinstance(child, FootnoteAreaBox), None, False, inks)
    problems = []
    left = page.margin_left if isinstance(page.margin_left, (int, float)) else 0
    right_edge = page.margin_width() - (
        page.margin_right if isinstance(page.margin_right, (int, float)) else 0
    )
    for ink in inks:
        if ink.right > right_edge + TOLERANCE or ink.x < left - TOLERANCE:
            problems.append(f"page {number}: “{_shown(ink.text)}” runs past the edge of the page")
    if area is not None and area.children:
        top = area.position_y
        for ink in inks:
            if (
                not ink.in_notes
                and ink.bottom > top + TOLERANCE
                and ink.y < top + area.margin_height()
            ):
                problems.append(
                    f"page {number}: “{_shown(ink.text)}” is drawn over the notes at the foot "
                    "of the page"
                )
    body = [ink for ink in inks if not ink.in_notes]
    for i, first in enumerate(body):
        for second in body[i + 1 :]:
            if first.overlaps(second) and first.text.strip() and second.text.strip():
                problems.append(
                    f"page {number}: “{_shown(first.text)}” and “{_shown(second.text)}” overlap"
                )
    for ink in inks:
        if ink.figure is not None and not _inside(ink, ink.figure):
            problems.append(f"page {number}: the label “{_shown(ink.text)}” leaves its figure")
    return list(dict.fromkeys(problems))


def _collect(box: Any, in_notes: bool, figure: Any, label: bool, inks: list[Ink]) -> None:
    """The lines of text and the pictures under `box`, with where each is drawn; a line
    of a label laid over a figure is kept with the figure it must stay in."""
    from weasyprint.formatting_structure import boxes

    element = getattr(box, "element", None)
    classes = (element.get("class") or "").split() if element is not None else []
    if DECORATIONS & set(classes):  # drawn across the page on purpose
        return
    if "timeline-figure" in classes:
        figure = box
    label = label or "timeline-label" in classes
    if isinstance(box, boxes.LineBox):
        text = "".join(t.text for t in box.descendants() if isinstance(t, boxes.TextBox))
        if text.strip():
            ink = _ink(box, text, in_notes, figure if label else None)
            inks.append(replace(ink, element=_owner(figure, box)))
        return
    if isinstance(box, boxes.ReplacedBox):
        inks.append(replace(_ink(box, "(a figure)", in_notes, None), element=_owner(figure, box)))
        return
    for child in getattr(box, "children", ()):
        _collect(child, in_notes, figure, label, inks)


def _owner(figure: Any, box: Any) -> Any:
    """What a pass would move: the figure a label belongs to, else the box's element."""
    return (figure if figure is not None else box).element


def _ink(box: Any, text: str, in_notes: bool, figure: Any) -> Ink:
    """Where a line's text (or a picture) is drawn: from its leftmost to its rightmost
    piece of text, whichever way the line runs."""
    from weasyprint.formatting_structure import boxes

    pieces = [t for t in box.descendants() if isinstance(t, boxes.TextBox) and t.text.strip()]
    if isinstance(box, boxes.LineBox) and pieces:
        x = min(p.position_x for p in pieces)
        right = max(p.position_x + p.width for p in pieces)
    else:
        x, right = box.position_x, box.position_x + box.margin_width()
    return Ink(x, box.position_y, right, box.position_y + box.height, text, in_notes, figure)


def _inside(ink: Ink, figure: Any) -> bool:
    left, top = figure.position_x, figure.position_y
    right = left + figure.margin_width()
    bottom = top + figure.margin_height() + figure.padding_top
    return bool(
        ink.x >= left - TOLERANCE
        and ink.right <= right + TOLERANCE
        and ink.y >= top - TOLERANCE
        and ink.bottom <= bottom + TOLERANCE
    )


def _shown(text: str) -> str:
    text = " ".join(text.replace("\u200b", "").replace("\u2060", "").split())
    return text if len(text) <= 50 else text[:49] + "…"
