"""The sample brief builds for every audience, and the PDF reads back as a brief should."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pypdf
from conftest import SAMPLE
from pdfread import body_text, bookmark_titles, catalog, footnote_marks, info

from briefgen.audiences import find_audiences
from briefgen.clearance import filter_content
from briefgen.content.sections import all_statements
from briefgen.content.validate import load_content

AUDIENCES = ("minister", "analyst", "public")


def pdf_text(path: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout


def squeeze(text: str) -> str:
    """Text without spaces, hyphens, emphasis or quote marks: what typesetting changes."""
    return re.sub(r"[\s\-‐­*\"“”'‘’]", "", text)


def visible_statements(audience: str) -> list[str]:
    content, _ = load_content(SAMPLE)
    config = find_audiences(SAMPLE)[audience].config
    return [s.text for s in all_statements(filter_content(content, config))]


def test_every_audience_and_format_is_written(sample_build: Path) -> None:
    for audience in AUDIENCES:
        assert (sample_build / audience / "brief.pdf").read_bytes().startswith(b"%PDF-")
        html = (sample_build / audience / "brief.html").read_text(encoding="utf-8")
        assert html.startswith("<!DOCTYPE html>")


def test_analyst_pdf_holds_every_statement(sample_build: Path) -> None:
    text = squeeze(body_text(sample_build / "analyst" / "brief.pdf"))
    missing = [s for s in visible_statements("analyst") if squeeze(s) not in text]
    assert not missing


def test_one_footnote_per_statement_numbered_in_order(sample_build: Path) -> None:
    calls, notes, _ = footnote_marks(sample_build / "analyst" / "brief.pdf")
    expected = list(range(1, len(visible_statements("analyst")) + 1))
    assert [c.number for c in calls] == expected
    assert [n.number for n in notes] == expected


def test_notes_sit_at_the_foot_of_the_page_of_their_call(sample_build: Path) -> None:
    calls, notes, body_bottoms = footnote_marks(sample_build / "analyst" / "brief.pdf")
    call_page = {c.number: c.page for c in calls}
    for note in notes:
        assert note.page == call_page[note.number], f"note {note.number} is off its page"
        assert note.top > body_bottoms[note.page - 1], f"note {note.number} is above the text"


def test_first_note_is_full_and_later_ones_short(sample_build: Path) -> None:
    html = (sample_build / "analyst" / "brief.html").read_text(encoding="utf-8")
    notes = re.findall(r'<li id="note-\d+">(.*?)</li>', html)
    items = [i for n in notes for i in re.sub(r"<[^>]+>", "", n).split("; ")]
    notes = [i for i in items if "Longest-standing Partner" in i]
    assert len(notes) > 5
    assert "NATO, 9 December 2013" in notes[0]  # full: title, publisher, date
    assert notes[1].startswith("NATO, ‘Japan: NATO’s")  # short: publisher and title
    assert not any("9 December 2013" in n for n in notes[1:])


def test_analyst_notes_show_grades_and_others_do_not(sample_build: Path) -> None:
    analyst = pdf_text(sample_build / "analyst" / "brief.pdf")
    public = pdf_text(sample_build / "public" / "brief.pdf")
    assert "[A]" in analyst and "[E2]" in analyst
    assert "[A]" not in public


def test_pdf_metadata(sample_build: Path) -> None:
    reader = pypdf.PdfReader(sample_build / "analyst" / "brief.pdf")
    assert reader.metadata is not None
    assert reader.metadata.title == "Japan and NATO, 2007–2025"
    assert reader.metadata.author == "Policy Analysis Unit"
    path = sample_build / "analyst" / "brief.pdf"
    assert info(path, "/CreationDate") == "D:20261120"  # the brief's date, not the clock
    assert catalog(path)["/Lang"] == "en-GB"


SECTION_BOOKMARKS = {
    "minister": {"Bottom line", "Recent milestones", "Open questions"},
    "analyst": {
        "Key judgments",
        "1. Background",
        "2. Milestones",
        "3. Areas of cooperation",
        "4. Open questions",
        "5. Sources and grades",
    },
    "public": {"In brief", "Background", "Timeline", "Areas of cooperation", "Open questions"},
}


def test_every_pdf_is_tagged_with_title_language_and_section_bookmarks(sample_build: Path) -> None:
    for audience, sections in SECTION_BOOKMARKS.items():
        path = sample_build / audience / "brief.pdf"
        info = subprocess.run(
            ["pdfinfo", str(path)], check=True, capture_output=True, text=True
        ).stdout
        assert re.search(r"^Tagged:\s+yes$", info, re.M)
        assert re.search(r"^Title:\s+Japan and NATO, 2007–2025$", info, re.M)
        assert catalog(path)["/Lang"] == "en-GB"
        assert b"pdfuaid:part" in catalog(path)["/Metadata"].get_object().get_data()
        outline = set(bookmark_titles(path))
        assert sections <= outline, sections - outline


def test_minister_note_fits_on_two_pages(sample_build: Path) -> None:
    assert len(pypdf.PdfReader(sample_build / "minister" / "brief.pdf").pages) <= 2


def test_every_page_shows_the_highest_marking(sample_build: Path) -> None:
    for audience, marking in (("analyst", "INTERNAL"), ("public", "PUBLIC")):
        reader = pypdf.PdfReader(sample_build / audience / "brief.pdf")
        for page in reader.pages:
            assert page.extract_text().count(marking) >= 2  # top and bottom


def test_web_page_links_notes_both_ways_and_fetches_nothing(sample_build: Path) -> None:
    html = (sample_build / "public" / "brief.html").read_text(encoding="utf-8")
    calls = re.findall(r'href="#note-(\d+)" id="call-(\d+)"', html)
    backs = re.findall(r'<li id="note-(\d+)">.*?href="#call-(\d+)"', html)
    assert calls and all(a == b for a, b in calls)
    assert [a for a, _ in calls] == [a for a, _ in backs]
    assert not re.search(r"<(link|script|img)\b", html)
    assert 'lang="en-GB"' in html


def test_analyst_shows_evidence_strength_per_section_and_source(sample_build: Path) -> None:
    from briefgen.render.evidence import citing_statements, strength

    content, _ = load_content(SAMPLE)
    visible = filter_content(content, find_audiences(SAMPLE)["analyst"].config)
    html = (sample_build / "analyst" / "brief.html").read_text(encoding="utf-8")
    lines = re.findall(r'<p class="provenance">(\d+) of (\d+) statements', html)
    expected = [
        strength(visible, name)
        for name in ("summary", "background", "milestones", "cooperation", "questions")
    ]
    assert [(int(a), int(b)) for a, b in lines] == [(s.strong, s.total) for s in expected]
    counts = citing_statements(visible)
    cells = re.findall(
        r'<tr id="source-([a-z0-9-]+)">.*?<td class="cited-by">(\d+)</td>', html, re.S
    )
    assert cells and all(counts[source] == int(n) for source, n in cells)
    public = (sample_build / "public" / "brief.html").read_text(encoding="utf-8")
    assert '<p class="provenance">' not in public
