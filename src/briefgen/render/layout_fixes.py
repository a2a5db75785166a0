"""Narrow changes to WeasyPrint's footnotes, applied once before any PDF is made.

1. **Placed notes keep their page.** When the first line of a paragraph does
   not fit at the foot of a page, WeasyPrint moves notes already placed on
   that page to the next one to make room, whatever their `footnote-policy`
   says. A brief must never show a note away from its call, so notes whose
   policy is `line` or `block` stay where they are and the line moves on
   instead, as CSS GCPM describes for those policies.
2. **Note-area height by sum.** Each time a note is added, WeasyPrint lays
   out the page's whole footnote area again to learn its height: quadratic in
   the notes on a page, and about 40 % of the layout time of a brief. When
   the area's height can only be the sum of its notes' heights (height auto,
   no max-height, notes as blocks with no vertical margins), each note is laid
   out once a page and the heights are added. The PDF is byte-for-byte the
   same (tested); in any other case WeasyPrint's own code runs.
3. **Notes tagged as notes.** WeasyPrint tags a footnote as the element it was
   made from, a /Span; PDF/UA wants a /Note with an /ID, which a screen reader
   announces as a note (its call already links to it).
4. **A split table tagged once.** WeasyPrint builds the tag tree page by page,
   so a table that runs over a page break becomes a /Table on each page, each
   with the header row it repeats as a /THead. A screen reader then announces
   two tables. The later pages' parts are moved into the first /Table (one
   /THead, a /TBody for each page), and the header row repeated on a later page
   is marked as an /Artifact, as repeated headers are in PDF/UA.
5. **Page references listed once.** pydyf makes the list of page references
   anew each time it is asked, and the tagging asks for every element it tags:
   quadratic in the pages, a few per cent of a long brief's time. While the
   tags are built, when no page is added any more, the list is made once. The
   PDF is byte-for-byte the same (tested).

Each patch checks what it replaces. If a WeasyPrint release changes that
code, the patch is left out (see `APPLIED`), and `pdf.py`'s check of every
note's page still guarantees the result, at the cost of more layout passes.
"""

from __future__ import annotations

import inspect
from math import inf
from typing import Any

FIXES = (
    "placed-notes-keep-their-page",
    "note-area-height-by-sum",
    "notes-tagged-as-notes",
    "split-tables-tagged-once",
    "page-references-once",
)
# What is lost while a fix does not apply: said in its warning.
WITHOUT = {
    "placed-notes-keep-their-page": "notes are still kept on their page, by more layout passes",
    "note-area-height-by-sum": "notes are still kept on their page, by more layout passes",
    "notes-tagged-as-notes": "footnotes are tagged as spans, not /Note",
    "split-tables-tagged-once": "a table over a page break is tagged as one table a page",
    "page-references-once": "tagging a long brief takes longer",
}
APPLIED: set[str] = set()
# What each applied fix replaced, (owner, attribute, original), so tests can compare.
ORIGINALS: dict[str, tuple[Any, str, Any]] = {}

_REPORT = "report = not context.in_column and can_break_now and not could_break_before"
_KEEP_PLACED = (
    " and all(note.style['footnote_policy'] == 'auto' for note in context.current_page_footnotes)"
)


def apply() -> set[str]:
    """Apply both fixes (once); the names of those that apply to this WeasyPrint."""
    if not APPLIED:
        if _keep_placed_notes():
            APPLIED.add("placed-notes-keep-their-page")
        if _sum_note_heights():
            APPLIED.add("note-area-height-by-sum")
        if _tag_notes():
            APPLIED.add("notes-tagged-as-notes")
            if _join_split_tables():
                APPLIED.add("split-tables-tagged-once")
                if _page_references_once():
                    APPLIED.add("page-references-once")
    return APPLIED


def missing_warnings() -> list[str]:
    """A warning for each fix that does not apply to the installed WeasyPrint: never
    skipped in silence, since the layout then takes more passes (and is untested)."""
    from importlib.metadata import version

    return [
        f"layout fix '{name}' does not apply to WeasyPrint {version('weasyprint')}: "
        f"{WITHOUT[name]}; install a WeasyPrint release briefgen supports (see pyproject.toml)"
        for name in FIXES
        if name not in apply()
    ]


def _keep_placed_notes() -> bool:
    from weasyprint.layout import block

    try:
        source = inspect.getsource(block._linebox_layout)
    except (AttributeError, OSError, TypeError):
        return False
    if source.count(_REPORT) != 1:
        return False
    # Recompiled in the module's own namespace, so that its callers pick it up
    # and it sees the same helpers.
    code = compile(source.replace(_REPORT, _REPORT + _KEEP_PLACED), block.__file__, "exec")
    ORIGINALS["placed-notes-keep-their-page"] = (block, "_linebox_layout", block._linebox_layout)
    exec(code, block.__dict__)
    return True


def _sum_note_heights() -> bool:
    from weasyprint.layout import LayoutContext

    original: Any = getattr(LayoutContext, "_update_footnote_area", None)
    try:
        source = inspect.getsource(original)
    except (OSError, TypeError):
        return False
    # What the replacement takes over: the area's height and the page bottom.
    if not all(
        name in source
        for name in ("current_page_footnotes", "page_bottom", "current_footnote_area.height")
    ):
        return False

    def update_footnote_area(context: Any) -> bool:
        area, notes = context.current_footnote_area, context.current_page_footnotes
        if not notes or context.in_column or not _stacks_by_sum(area, notes):
            return bool(original(context))
        if area.height != "auto":  # give back the height reserved for the old notes
            context.page_bottom += area.margin_height()
        area.children = notes
        total, overhead = 0.0, 0.0
        for note in notes:
            height, overhead = _note_height(context, area, note)
            total += height
        area.height = total
        context.page_bottom -= total + overhead
        return False  # no max-height, so the notes cannot overflow the area

    ORIGINALS["note-area-height-by-sum"] = (LayoutContext, "_update_footnote_area", original)
    LayoutContext._update_footnote_area = update_footnote_area
    return True


def _stacks_by_sum(area: Any, notes: list[Any]) -> bool:
    """True when the area's content height is exactly the sum of its notes' heights.

    The area must have no height limits: with a max-height, WeasyPrint moves
    the notes that overflow it on, and that is its code's job. The notes must
    be blocks of inline content without vertical margins, as briefgen's are:
    the case the byte-for-byte test covers. Anything else goes to WeasyPrint.
    """
    if (
        area.style["height"] != "auto"
        or area.max_height != inf
        or area.min_height not in (0, "auto")
    ):
        return False
    return all(
        note.style["footnote_display"] == "block"
        and note.style["margin_top"].value == 0
        and note.style["margin_bottom"].value == 0
        and _inline_only(note)
        for note in notes
    )


def _inline_only(note: Any) -> bool:
    from weasyprint.formatting_structure.boxes import BlockLevelBox

    return not any(isinstance(box, BlockLevelBox) for box in note.descendants() if box is not note)


def _note_height(context: Any, area: Any, note: Any) -> tuple[float, float]:
    """The note's height alone in the area, and the area's own margins, borders and padding.

    Cached per layout and page width: a note that moves to the next page is
    not laid out again.
    """
    from weasyprint.formatting_structure import build
    from weasyprint.layout import block_level_layout

    cache = context.__dict__.setdefault("_briefgen_note_heights", {})
    key = (id(note), area.page.width)
    if key not in cache:
        others, area.children = area.children, [note]
        try:
            laid = block_level_layout(
                context, build.create_anonymous_boxes(area.deepcopy()), -inf, None, area.page
            )[0]
        finally:
            area.children = others
        # The note is kept in the entry so that its id cannot be reused.
        cache[key] = (note, laid.height, laid.margin_height() - laid.height)
    _, height, overhead = cache[key]
    return height, overhead


def _tag_notes() -> bool:
    """Wrap the tag tree's builder: the element made for a footnote becomes a /Note."""
    import pydyf
    from weasyprint.pdf import tags

    original: Any = getattr(tags, "_build_box_tree", None)
    if original is None or not inspect.isgeneratorfunction(original):
        return False
    parameters = list(inspect.signature(original).parameters)
    if parameters[:2] != ["box", "parent"]:
        return False

    areas: list[set[int]] = []  # the notes of each footnote area being tagged

    def build_box_tree(box: Any, parent: Any, *args: Any) -> Any:
        note = bool(areas) and id(box) in areas[-1]
        area = type(box).__name__ == "FootnoteAreaBox"
        if area:
            areas.append({id(child) for child in box.children})
        try:
            for element in original(box, parent, *args):
                if element.get("S") == "/TH" and "A" in element:
                    # Which cells a header cell heads, as its HTML scope says (else
                    # its column): a screen reader need not infer it from positions.
                    row = box.element is not None and box.element.get("scope") == "row"
                    element["A"]["Scope"] = "/Row" if row else "/Column"
                if element.get("S") == "/Table" and box.element is not None:
                    # Its HTML element, the same on every page the table runs over.
                    args[0].__dict__.setdefault("_briefgen_tables", []).append(
                        (element, box.element)
                    )
                if note and element.get("S") in ("/Span", "/NonStruct", "/P", "/Div"):
                    pdf = args[0]  # numbered per document, so the same input gives the same bytes
                    number = getattr(pdf, "_briefgen_notes", 0) + 1
                    pdf._briefgen_notes = number
                    element["S"] = "/Note"
                    element["ID"] = pydyf.String(f"note-{number}")
                yield element
        finally:
            if area:
                areas.pop()

    ORIGINALS["notes-tagged-as-notes"] = (tags, "_build_box_tree", original)
    tags._build_box_tree = build_box_tree
    return True


def _join_split_tables() -> bool:
    """Wrap the tagging of a document: after it, each table's parts on later pages join
    the /Table of its first page (see the module's fourth fix)."""
    import weasyprint.pdf as pdf_module

    original: Any = getattr(pdf_module, "add_tags", None)
    if original is None or list(inspect.signature(original).parameters) != [
        "pdf",
        "document",
        "pdf_version",
        "page_streams",
    ]:
        return False

    def add_tags(pdf: Any, document: Any, pdf_version: Any, page_streams: Any) -> Any:
        # Every page is in the PDF by now: its references can be listed once.
        pdf._briefgen_page_references = pdf.page_references
        try:
            result = original(pdf, document, pdf_version, page_streams)
            first: dict[Any, Any] = {}
            for element, html in pdf.__dict__.pop("_briefgen_tables", []):
                if html in first:
                    _join_table(pdf, first[html], element, page_streams)
                else:
                    first[html] = element
        finally:
            del pdf._briefgen_page_references
        return result

    ORIGINALS["split-tables-tagged-once"] = (pdf_module, "add_tags", original)
    pdf_module.add_tags = add_tags
    return True


def _page_references_once() -> bool:
    """While the tag tree is built (see `_join_split_tables`'s wrapper), the pages'
    references are the list made when it began (see the module's fifth fix)."""
    import pydyf

    made = getattr(pydyf.PDF, "page_references", None)
    if not isinstance(made, property) or made.fget is None:
        return False
    original = made.fget

    def page_references(self: Any) -> Any:
        listed = self.__dict__.get("_briefgen_page_references")
        return listed if listed is not None else original(self)

    ORIGINALS["page-references-once"] = (pydyf.PDF, "page_references", made)
    pydyf.PDF.page_references = property(page_references)
    return True


def _object(pdf: Any, reference: bytes) -> Any:
    return pdf.objects[int(reference.split()[0])]


def _join_table(pdf: Any, head: Any, tail: Any, page_streams: Any) -> None:
    """Move the parts of `tail` (a later page's /Table) into `head`; the header row it
    repeats becomes an artifact, its cells' headers those of `head`."""
    page = pdf.page_references.index(tail["Pg"])
    has_head = any(_object(pdf, ref)["S"] == "/THead" for ref in head["K"] if _is_ref(ref))
    for ref in list(tail["K"]):
        child = _object(pdf, ref) if _is_ref(ref) else None
        if child is None or "S" not in child:
            continue
        if child["S"] == "/THead" and has_head:
            _as_artifact(pdf, page, page_streams[page], _mcids(pdf, child))
            continue
        child["P"] = head.reference
        head["K"].append(ref)
        _retarget_headers(pdf, child, f"{tail.number}-", f"{head.number}-")
    parent = _object(pdf, tail["P"])
    parent["K"] = type(parent["K"])(r for r in parent["K"] if r != tail.reference)


def _is_ref(item: Any) -> bool:
    return isinstance(item, bytes) and item.endswith(b" R")


def _mcids(pdf: Any, element: Any) -> list[int]:
    """The marked-content ids under a structure element."""
    found: list[int] = []
    for kid in element.get("K", ()):
        if isinstance(kid, int):
            found.append(kid)
        elif _is_ref(kid):
            found += _mcids(pdf, _object(pdf, kid))
    return found


def _as_artifact(pdf: Any, page: int, stream: Any, mcids: list[int]) -> None:
    """Mark the content of these ids as an artifact, and take them out of the page's
    entry in the parent tree."""
    import pydyf

    wanted = set(mcids)
    items = stream.stream
    for i in range(len(items) - 1, 0, -1):
        item = items[i]
        marked = isinstance(item, pydyf.Dictionary) and item.get("MCID") in wanted
        if marked and items[i + 1] == b"BDC":  # "/TH <</MCID 7>> BDC" → "/Artifact BMC"
            items[i - 1 : i + 2] = ["/Artifact", b"BMC"]
    root = _object(pdf, pdf.catalog["StructTreeRoot"])
    numbers = _object(pdf, root["ParentTree"])["Nums"]
    slots = numbers[numbers.index(page) + 1]
    for mcid in wanted:
        slots[mcid] = b"null"


def _retarget_headers(pdf: Any, element: Any, old: str, new: str) -> None:
    """Cells whose headers were the repeated row's: the first page's header cells."""
    import pydyf

    attributes = element.get("A")
    headers = attributes.get("Headers") if isinstance(attributes, dict) else None
    if headers is not None:
        attributes["Headers"] = pydyf.Array(
            pydyf.String(new + h.string.removeprefix(old)) if h.string.startswith(old) else h
            for h in headers
        )
    for kid in element.get("K", ()):
        if _is_ref(kid):
            _retarget_headers(pdf, _object(pdf, kid), old, new)
