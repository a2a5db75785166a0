"""Figures, tables, links and abbreviations: sourced, numbered and cleared like statements,
and laid out so that a row's note stays on its row's page."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pdfplumber
import pypdf
import pytest
from blockbrief import write_brief
from pdfread import footnote_marks, pdf_text, strings_in

from briefgen.content.images import ImageError, read_image
from briefgen.content.markup import link_problem, plain
from briefgen.pipeline import build

SEEDS = (1, 2, 3, 4, 5)


@pytest.fixture(scope="module")
def block_pdfs(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Generated briefs whose long table crosses pages at a different point each."""
    out = []
    for seed in SEEDS:
        folder = write_brief(tmp_path_factory.mktemp(f"blocks{seed}") / "brief", seed)
        target = folder.parent / "out"
        build(folder, out_dir=target, audiences=["public"])
        out.append(target / "public" / "brief.pdf")
    return out


def test_every_table_row_note_is_on_its_rows_page(block_pdfs: list[Path]) -> None:
    for pdf in block_pdfs:
        calls, notes, _ = footnote_marks(pdf)
        assert [c.number for c in calls] == list(range(1, len(calls) + 1))
        assert {c.number: c.page for c in calls} == {n.number: n.page for n in notes}, pdf
        assert len(calls) > 40  # the rows' notes are there


def test_a_long_table_repeats_its_header_on_every_page(block_pdfs: list[Path]) -> None:
    for pdf in block_pdfs:
        pages = pdf_text(pdf).split("\f")
        with_rows = [p for p in pages if re.search(r"^\s*20[0-3]\d\s", p, re.M)]
        assert len(with_rows) >= 2
        assert all("AMOUNT" in page for page in with_rows)


def test_numbers_align_on_the_decimal_point(block_pdfs: list[Path]) -> None:
    """The full stops of the Amount column stand one above the other, though the
    numbers have one, two or no decimals."""
    with pdfplumber.open(block_pdfs[0]) as pdf:
        page = pdf.pages[1]
        points = [
            c["x0"]
            for c in page.chars
            if c["text"] == "." and c["x0"] > page.width * 0.82 and 7.5 < c["size"] < 8.5
        ]
    assert len(points) > 5
    assert max(points) - min(points) < 0.5


def test_figures_and_headers_are_tagged_for_assistive_technology(block_pdfs: list[Path]) -> None:
    strings = strings_in(pypdf.PdfReader(block_pdfs[0]))
    assert "A bar chart of three bars, each taller than the one before." in strings  # /Alt
    assert "/TH" in strings and "/Figure" in strings


def test_numbering_follows_each_outputs_own_figures(canary_build: Path) -> None:
    """A hidden figure takes no number: the public's second figure is the minister's
    second too, but its first is another."""
    numbered = {}
    for audience in ("public", "analyst", "minister"):
        html = (canary_build / audience / "brief.html").read_text(encoding="utf-8")
        numbered[audience] = re.findall(r'<figure class="figure" id="fig-([\w-]+)">', html)
        labels = re.findall(r'class="figure-label">Figure (\d+)<', html)
        assert labels == [str(i) for i in range(1, len(labels) + 1)]
        xrefs = re.findall(r'<a class="xref" href="#fig-([\w-]+)">Figure (\d+)</a>', html)
        for target, number in xrefs:
            assert numbered[audience][int(number) - 1] == target
    assert numbered["public"] == ["open-chart", "open-photo"]
    assert numbered["minister"] == ["restricted-chart", "open-photo"]


def test_hidden_rows_are_dropped_and_visible_ones_keep_their_notes(canary_build: Path) -> None:
    rows = {}
    for audience in ("public", "analyst"):
        html = (canary_build / audience / "brief.html").read_text(encoding="utf-8")
        table = html[html.index('id="tab-work"') : html.index("</table>", html.index("tab-work"))]
        rows[audience] = table.count("<tr>") - 1  # less the header row
        assert table.count('role="doc-noteref"') == rows[audience]
        assert '<th scope="col" class="numeric">Share (%)</th>' in table
    assert rows == {"public": 2, "analyst": 3}


def test_links_are_live_in_both_forms(canary_build: Path) -> None:
    html = (canary_build / "public" / "brief.html").read_text(encoding="utf-8")
    assert '<a href="https://example.org/open">a link</a>' in html
    reader = pypdf.PdfReader(canary_build / "public" / "brief.pdf")
    uris = [
        annot.get_object()["/A"].get("/URI")
        for page in reader.pages
        for annot in page.get("/Annots", [])
        if "/A" in annot.get_object()
    ]
    assert "https://example.org/open" in uris


def test_an_abbreviation_is_spelt_out_once_per_output_and_listed(tmp_path: Path) -> None:
    folder = write_brief(tmp_path / "brief", seed=7, rows=3)
    build(folder, out_dir=tmp_path / "out", audiences=["public"])
    html = (tmp_path / "out" / "public" / "brief.html").read_text(encoding="utf-8")
    expansion = "Individually Tailored Partnership Programme"
    abbr = f'<abbr title="{expansion}">ITPP</abbr>'
    assert html.count(f"{expansion} ({abbr})") == 1
    assert html.count(abbr) == 3  # the summary, the caption, a statement
    assert "<dt><abbr>ITPP</abbr></dt><dd>Individually Tailored Partnership Programme</dd>" in html
    text = " ".join(pdf_text(tmp_path / "out" / "public" / "brief.pdf", layout=False).split())
    assert text.count(f"{expansion} (ITPP)") == 1


def test_glossary_lists_only_what_the_audience_reads(canary_build: Path) -> None:
    public = (canary_build / "public" / "brief.html").read_text(encoding="utf-8")
    public = re.sub(r"data:[\w/+.-]+;base64,[A-Za-z0-9+/=]+", "data:", public)  # fonts, images
    assert "<dt><abbr>TBD</abbr></dt>" in public and "CRX" not in public
    minister = (canary_build / "minister" / "brief.html").read_text(encoding="utf-8")
    assert 'CANARYRESTRICTEDEXPANSION (<abbr title="CANARYRESTRICTEDEXPANSION">CRX</abbr>)' in (
        minister
    )


@pytest.mark.parametrize(
    ("text", "refused"),
    [
        ("[x](javascript:alert(1))", True),
        ("[x](JavaScript:alert(1))", True),
        ("[x](data:text/html,hi)", True),
        ("[x](//example.org)", True),
        ("[x](page.html)", True),
        ("[x](https://example.org/a_(b))", False),
        ("<https://example.org>", False),  # autolinks are off: shown as written
    ],
)
def test_only_web_links_are_accepted(text: str, refused: bool) -> None:
    assert (link_problem(text) is not None) == refused


def test_anything_but_emphasis_strong_and_links_is_shown_as_written() -> None:
    written = "`code`, <b>bold</b>, # not a heading, &amp; and \\* stay"
    assert plain(written) == written


SVG = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1">{}</svg>'


@pytest.mark.parametrize(
    "inner",
    [
        "<script>alert(1)</script>",
        '<rect onclick="alert(1)"/>',
        '<image href="https://tracker.example/p.png"/>',
        '<use href="other.svg#a"/>',
        "<style>@import url(https://x.example/a.css);</style>",
        '<rect style="fill: url(https://x.example/p)"/>',
        "<foreignObject><div/></foreignObject>",
    ],
)
def test_an_svg_that_runs_or_loads_anything_is_refused(inner: str, tmp_path: Path) -> None:
    (tmp_path / "f.svg").write_text(SVG.format(inner), encoding="utf-8")
    with pytest.raises(ImageError, match="f.svg"):
        read_image(tmp_path, "f.svg")


def test_an_svg_with_an_entity_is_refused(tmp_path: Path) -> None:
    svg = '<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]><svg>&x;</svg>'
    (tmp_path / "f.svg").write_text(svg, encoding="utf-8")
    with pytest.raises(ImageError, match="entity"):
        read_image(tmp_path, "f.svg")


def test_a_raster_over_the_pixel_limit_is_refused(tmp_path: Path) -> None:
    from PIL import Image

    Image.new("1", (9000, 5000)).save(tmp_path / "big.png")
    with pytest.raises(ImageError, match="9000 × 5000 pixels"):
        read_image(tmp_path, "big.png")


def test_a_clean_svg_with_local_references_is_accepted(tmp_path: Path) -> None:
    inner = '<defs><linearGradient id="g"/></defs><rect fill="url(#g)"/><use href="#g"/>'
    (tmp_path / "f.svg").write_text(SVG.format(inner), encoding="utf-8")
    assert read_image(tmp_path, "f.svg").mime == "image/svg+xml"


def test_notes_are_numbered_in_reading_order_across_blocks(canary_build: Path) -> None:
    html = (canary_build / "analyst" / "brief.html").read_text(encoding="utf-8")
    calls = [int(n) for n in re.findall(r'id="call-(\d+)"', html)]
    assert calls == list(range(1, len(calls) + 1))
    assert Counter(calls).most_common(1)[0][1] == 1


def test_a_changed_image_rebuilds_only_the_outputs_that_show_it(
    brief_dir: Callable[..., Path], tmp_path: Path
) -> None:
    content, out = brief_dir(), tmp_path / "out"
    build(content, out_dir=out, formats=["html"])
    chart = content / "figures" / "restricted-chart.svg"
    chart.write_text(chart.read_text(encoding="utf-8").replace("#fbeaea", "#fff"), "utf-8")
    result = build(content, out_dir=out, formats=["html"])
    assert [p.parent.name for p in result.written] == ["minister"]
