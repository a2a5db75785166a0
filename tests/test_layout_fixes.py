"""The changes to WeasyPrint's footnote layout and tagging: they apply, and they do what
they claim."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import weasyprint
from conftest import SAMPLE

from briefgen.audiences import find_audiences
from briefgen.content.validate import validate_brief
from briefgen.document import document_for
from briefgen.render import layout_fixes
from briefgen.render.html import render_html
from briefgen.render.pdf import ConfinedFetcher, first_stray_note
from briefgen.template_search import builtin_templates

ALL = set(layout_fixes.FIXES)

# Nine lines and a note fill the page but for one line; the next paragraph's
# first line fits only if the note leaves the page.
CROWDED_PAGE = (
    """<style>@page { size: 100mm 60mm; margin: 5mm; }
body { font: 10pt/12pt sans-serif; margin: 0; orphans: 1; widows: 1 }
.footnote { float: footnote; footnote-policy: line }
p { margin: 0 }</style>
<p>"""
    + "line<br>" * 8
    + """last line<span class="footnote">The note.</span></p>
<p>first line<br>second line</p>"""
)


def without(fix: str, monkeypatch: pytest.MonkeyPatch) -> None:
    owner, name, original = layout_fixes.ORIGINALS[fix]
    monkeypatch.setattr(owner, name, original)


def test_every_fix_applies_to_the_installed_weasyprint() -> None:
    # Fails when a WeasyPrint release changes the code a fix replaces: look
    # again at layout_fixes.py before raising the version bound.
    assert layout_fixes.apply() == ALL


def test_a_placed_note_keeps_its_page_and_the_next_paragraph_moves_on(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    layout_fixes.apply()
    document = weasyprint.HTML(string=CROWDED_PAGE).render()
    assert first_stray_note(document)[0] is None
    assert "first line" not in page_text(document, 0)

    without("placed-notes-keep-their-page", monkeypatch)
    document = weasyprint.HTML(string=CROWDED_PAGE).render()
    assert first_stray_note(document)[0] is not None  # what WeasyPrint does on its own


def test_page_references_listed_once_change_no_byte_of_the_pdf(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    layout_fixes.apply()
    once = public_pdf(pdf_variant="pdf/ua-1")  # tagged: what the fix is for
    without("page-references-once", monkeypatch)
    assert public_pdf(pdf_variant="pdf/ua-1") == once


def test_note_heights_by_sum_change_no_byte_of_the_pdf(monkeypatch: pytest.MonkeyPatch) -> None:
    layout_fixes.apply()
    fast = public_pdf()
    without("note-area-height-by-sum", monkeypatch)
    assert public_pdf() == fast


# A footnote area with a height limit: notes that overflow it are moved on by
# WeasyPrint's own code, which must then run.
LIMITED_AREA = """<style>@page { size: 100mm 80mm; margin: 5mm;
  @footnote { border-top: 1px solid black; max-height: 18mm } }
body { font: 10pt/12pt sans-serif; margin: 0 }
.footnote { float: footnote; footnote-policy: line }
p { margin: 0 0 6pt }</style>""" + "".join(
    f"<p>Paragraph {i} cites<span class='footnote'>Note {i}, which runs over "
    f"{'two lines ' * (i % 4 * 3)}as notes do.</span> and goes on.</p>"
    for i in range(40)
)


def test_a_limited_footnote_area_is_left_to_weasyprint(monkeypatch: pytest.MonkeyPatch) -> None:
    layout_fixes.apply()
    fixed = weasyprint.HTML(string=LIMITED_AREA).render().write_pdf()
    without("note-area-height-by-sum", monkeypatch)
    assert weasyprint.HTML(string=LIMITED_AREA).render().write_pdf() == fixed


def page_text(document: object, number: int) -> str:
    page = document.pages[number]._page_box  # type: ignore[attr-defined]  # WeasyPrint's own page box
    return " ".join(box.text for box in page.descendants() if getattr(box, "text", None))


def public_pdf(**options: str) -> bytes:
    brief, _ = validate_brief(SAMPLE)
    audience = find_audiences(SAMPLE)["public"]
    html = render_html(document_for(brief, audience), audience, "print")
    roots: list[Path] = [SAMPLE, *audience.dirs, builtin_templates()]
    source = weasyprint.HTML(
        string=html, base_url=SAMPLE.as_uri() + "/", url_fetcher=ConfinedFetcher(roots)
    )
    pdf = source.render(**options).write_pdf(**options)
    assert isinstance(pdf, bytes)
    return pdf


def test_a_fix_that_does_not_apply_is_a_warning_naming_it(
    brief_dir: Callable[..., Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from briefgen.pipeline import build

    layout_fixes.apply()
    monkeypatch.setattr(
        layout_fixes,
        "APPLIED",
        {
            "note-area-height-by-sum",
            "notes-tagged-as-notes",
            "split-tables-tagged-once",
            "page-references-once",
        },
    )
    result = build(brief_dir(), out_dir=tmp_path, audiences=["public"], formats=["pdf"], jobs=1)
    (warning,) = result.warnings
    assert warning.message.startswith(
        "layout fix 'placed-notes-keep-their-page' does not apply to WeasyPrint "
    )


LONG_TABLE = (
    """<html lang="en"><head><title>Rows</title><style>@page { size: 100mm 80mm; margin: 5mm }
body { font: 10pt/12pt sans-serif }</style></head><body>
<table><thead><tr><th>Year</th><th>Item</th></tr></thead><tbody>"""
    + "".join(f"<tr><td>{2000 + i}</td><td>Row {i}</td></tr>" for i in range(30))
    + "</tbody></table></body></html>"
)


def tagged(pdf_bytes: bytes) -> tuple[list[Any], int]:
    """The /Table elements of a tagged PDF, and how many artifacts its page 2 marks."""
    import io

    import pikepdf

    pdf = pikepdf.open(io.BytesIO(pdf_bytes))
    found: list[Any] = []

    def walk(element: Any) -> None:
        if element.get("/S") == "/Table":
            found.append([str(kid.get("/S")) for kid in element.K])
            header = element.K[0].K[0].K[0]  # THead → TR → TH
            found[-1].append(str(header.A.Scope))
        kids = element.get("/K")
        for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
            if isinstance(kid, pikepdf.Dictionary):
                walk(kid)

    walk(pdf.Root.StructTreeRoot)
    artifacts = 0
    for instruction in pikepdf.parse_content_stream(pdf.pages[1]):
        operands = getattr(instruction, "operands", [])
        if str(instruction.operator) == "BMC" and [str(o) for o in operands] == ["/Artifact"]:
            artifacts += 1
    return found, artifacts


def test_a_table_over_a_page_break_is_one_table_with_one_header(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    layout_fixes.apply()
    (table,), artifacts = tagged(
        weasyprint.HTML(string=LONG_TABLE).write_pdf(pdf_variant="pdf/ua-1")
    )
    assert table[:3] == ["/THead", "/TBody", "/TBody"] and "/THead" not in table[1:]
    assert table[-1] == "/Column"  # the header cell says which cells it heads

    without("split-tables-tagged-once", monkeypatch)
    tables, before = tagged(weasyprint.HTML(string=LONG_TABLE).write_pdf(pdf_variant="pdf/ua-1"))
    assert len(tables) > 1  # what WeasyPrint does on its own: a table a page
    assert artifacts == before + 2  # page 2's repeated header (two cells) is an artifact
