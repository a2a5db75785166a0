"""The sample brief builds for every audience, and the PDF reads back as a brief should."""

from __future__ import annotations

import re
import subprocess
from collections import Counter
from pathlib import Path
from typing import Any

import pypdf
import yaml
from conftest import ROOT, SAMPLE
from pdfread import body_text, bookmark_titles, catalog, footnote_marks, info, pdf_text

AUDIENCES = ("minister", "analyst", "public")
RANK = {"PUBLIC": 0, "INTERNAL": 1, "RESTRICTED": 2}


def squeeze(text: str) -> str:
    """Text without spaces, hyphens, emphasis or quote marks: what typesetting changes."""
    return re.sub(r"[\s\-‐­*\"“”'‘’]", "", text)


def raw(name: str) -> Any:
    return yaml.safe_load((SAMPLE / f"{name}.yaml").read_text(encoding="utf-8"))


def sample_statements(audience: str) -> dict[str, list[dict[str, Any]]]:
    """What an audience may see of the sample, by section, read from the YAML here and
    not through briefgen: the sections it shows, statements at or under its clearance."""
    config = yaml.safe_load((ROOT / "templates" / audience / "audience.yaml").read_text())
    default = raw("brief").get("marking", "PUBLIC")

    def cleared(
        statements: list[dict[str, Any]], aimed: list[str] | None = None
    ) -> list[dict[str, Any]]:
        """The statements shown, and each table row shown as a statement of its cells;
        `aimed` is their item's `audiences`, which a statement's own replaces."""
        shown = []
        for s in statements:
            if "table" in s:
                table = s["table"]
                rows = [{"text": " ".join(map(str, r["cells"])), **r} for r in table["rows"]]
                marking = table.get("marking", default)
                shown += [r for r in rows if RANK[marking] <= RANK[config["clearance"]]]
            elif "figure" in s:
                shown.append({"text": s["figure"]["caption"], **s["figure"]})
            else:
                shown.append(s)
        return [
            s
            for s in shown
            if RANK[s.get("marking", default)] <= RANK[config["clearance"]]
            and audience in s.get("audiences", aimed or [audience])
        ]

    shown: dict[str, list[dict[str, Any]]] = {}
    for section in config["sections"]:
        if section == "summary":
            shown[section] = cleared(raw("brief")["summary"])
        elif section not in ("sources", "references", "glossary"):
            items = [cleared(item["statements"], item.get("audiences")) for item in raw(section)]
            if section == "milestones" and config.get("max_milestones"):
                # '2025' reads as "some time in 2025": after every dated day of it.
                dated = sorted(raw(section), key=lambda m: (str(m["date"]) + "-99-99")[:10])
                kept = [cleared(m["statements"], m.get("audiences")) for m in dated]
                items = [i for i in kept if i][-config["max_milestones"] :]
            shown[section] = [s for item in items for s in item]
    return shown


def visible_statements(audience: str) -> list[str]:
    """The texts of what stands on sources: statements, figure captions, table rows."""
    return [s["text"] for found in sample_statements(audience).values() for s in found]


def spelt_out(text: str) -> str:
    """Squeezed text with each abbreviation's first use, "Expansion (TERM)", back to "TERM"."""
    for term, expansion in raw("abbreviations").items():
        text = text.replace(squeeze(f"{expansion} ({term})"), term)
    return text


def test_every_audience_and_format_is_written(sample_build: Path) -> None:
    for audience in AUDIENCES:
        assert (sample_build / audience / "brief.pdf").read_bytes().startswith(b"%PDF-")
        html = (sample_build / audience / "brief.html").read_text(encoding="utf-8")
        assert html.startswith("<!DOCTYPE html>")


def test_analyst_pdf_holds_every_statement(sample_build: Path) -> None:
    text = spelt_out(squeeze(body_text(sample_build / "analyst" / "brief.pdf")))
    statements = [
        s["text"]
        for found in sample_statements("analyst").values()
        for s in found
        if "cells" not in s and "image" not in s  # set in the sans face, not body text
    ]
    # A cross-reference reads "Table 1": each piece of text around it is there.
    pieces = [p for s in statements for p in re.split(r"\{(?:fig|tab):[\w-]+\}", s) if p]
    missing = [p for p in pieces if squeeze(p) not in text]
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
    notes = re.findall(r'<li id="note-\d+"[^>]*>(.*?)</li>', html)
    items = [i for n in notes for i in re.sub(r"<[^>]+>", "", n).split("; ")]
    notes = [i for i in items if "Longest-standing Partner" in i]
    assert len(notes) > 5
    assert "NATO, 9 December 2013" in notes[0]  # full: title, publisher, date
    assert notes[1].startswith("NATO, ‘Japan: NATO’s")  # short: publisher and title
    assert not any("9 December 2013" in n for n in notes[1:])


def test_analyst_notes_show_grades_and_others_do_not(sample_build: Path) -> None:
    analyst = pdf_text(sample_build / "analyst" / "brief.pdf")
    public = pdf_text(sample_build / "public" / "brief.pdf")
    assert "[A]" in analyst and "[E]" in analyst
    assert "[A]" not in public and "[E]" not in public
    # Each source's grade after it, the statement's credibility once at the end.
    notes = (sample_build / "analyst" / "brief.html").read_text(encoding="utf-8")
    note = re.sub(r"<[^>]+>", "", re.findall(r'<li id="note-1"[^>]*>(.*?)</li>', notes)[0])
    # Two sources, the mission report (two cites made one) and NATO's 2013 text, then
    # the key judgment's credibility, in a form no numeric style uses.
    assert re.findall(r"\[\w+\]", note) == ["[C]", "[A]"]
    assert note.rstrip(" ↩").endswith("[A]. cred. 2")


def test_pdf_metadata(sample_build: Path) -> None:
    reader = pypdf.PdfReader(sample_build / "analyst" / "brief.pdf")
    assert reader.metadata is not None
    assert reader.metadata.title == "Japan and NATO, 2007–2025"
    assert reader.metadata.author == "Policy Analysis Unit"
    path = sample_build / "analyst" / "brief.pdf"
    assert info(path, "/CreationDate") == "D:20250131"  # the brief's date, not the clock
    assert catalog(path)["/Lang"] == "en-GB"


SECTION_BOOKMARKS = {
    "minister": {"Bottom line", "Recent milestones", "Open questions"},
    "analyst": {
        "Key judgments",
        "1. Background",
        "2. Milestones",
        "3. Areas of cooperation",
        "4. Open questions",
        "5. Abbreviations",
        "6. Sources and grades",
    },
    "public": {
        "In brief",
        "Background",
        "Timeline",
        "Areas of cooperation",
        "Open questions",
        "Abbreviations",
    },
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
    backs = re.findall(r'<li id="note-(\d+)"[^>]*>.*?href="#call-(\d+)"', html)
    assert calls and all(a == b for a, b in calls)
    assert [a for a, _ in calls] == [a for a, _ in backs]
    assert not re.search(r"<(link|script|img)\b", html)
    assert 'lang="en-GB"' in html


def test_analyst_shows_evidence_strength_per_section_and_source(sample_build: Path) -> None:
    grade = {source["id"]: source["reliability"] for source in raw("sources")}

    def cited(statement: dict[str, Any]) -> set[str]:
        return {c if isinstance(c, str) else c["source"] for c in statement["sources"]}

    shown = sample_statements("analyst")
    expected = [
        (sum(any(grade[c] in "AB" for c in cited(s)) for s in found), len(found))
        for name, found in shown.items()
        if name != "sources"
    ]
    html = (sample_build / "analyst" / "brief.html").read_text(encoding="utf-8")
    lines = re.findall(r'<p class="provenance">(\d+) of (\d+) statements', html)
    assert [(int(a), int(b)) for a, b in lines] == expected
    counts = Counter(c for found in shown.values() for s in found for c in cited(s))
    cells = re.findall(r'<tr id="ref-([a-z0-9-]+)">.*?<td class="cited-by">(\d+)</td>', html, re.S)
    assert cells and sorted(source for source, _ in cells) == sorted(counts)
    assert all(counts[source] == int(n) for source, n in cells)
    public = (sample_build / "public" / "brief.html").read_text(encoding="utf-8")
    assert '<p class="provenance">' not in public
