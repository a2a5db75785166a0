"""Citations: one cite per source in a statement, case as each source's language allows,
and the shortcuts taken for speed giving what citeproc-py itself gives."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import FIXTURES, SAMPLE

from briefgen.content.models import Content, Source, Statement
from briefgen.content.validate import validate_brief
from briefgen.document import citeproc_fixes, csl
from briefgen.document.citations import NoteBook
from briefgen.document.i18n import I18n

# Each test formats notes afresh: a patch reverted in one must not leave cached notes.
pytestmark = pytest.mark.usefixtures("fresh_citation_caches")


def notes_of(content: Content, style: str | None = None) -> list[str]:
    if style:
        brief = content.brief.model_copy(update={"citation_style": style})
        content = content.model_copy(update={"brief": brief})
    book = NoteBook(content, I18n(content.brief.lang), show_grades=False)
    return [html.unescape(str(book.note(s).html)) for s in content.brief.summary]


def two_quotes_of_one_source(style: str, show_grades: bool = False) -> str:
    """The note (or in-text citation) of a statement quoting one source twice, the
    later paragraph first, in the given style."""
    content, _ = validate_brief(FIXTURES / "styles")
    statement = Statement.model_validate(
        {
            "text": "Two quotes.",
            "credibility": 3,
            "sources": [
                {"source": "miller-2024", "locator": "para 3", "quote": "the later words"},
                {"source": "miller-2024", "locator": "para 2", "quote": "the earlier words"},
            ],
        }
    )
    brief = content.brief.model_copy(update={"summary": [statement], "citation_style": style})
    content = content.model_copy(update={"brief": brief})
    book = NoteBook(content, I18n(content.brief.lang), show_grades=show_grades)
    return html.unescape(re.sub(r"<[^>]+>", "", str(book.note(statement).html)))


def test_two_quotes_of_one_source_in_locator_order_as_the_style_separates_cites() -> None:
    note = two_quotes_of_one_source("chicago-notes-bibliography")
    assert note.count("Deterrence in the Indo-Pacific") == 1
    assert (
        "paras. 2–3, https://www.rand.org/pubs/research_reports/RR1234.html "
        "(“the earlier words”; “the later words”)." in note
    ), note
    assert "”: “" not in note  # never a colon between two quotes


def test_two_citations_of_one_source_in_an_author_date_style() -> None:
    citation = two_quotes_of_one_source("apa")
    assert citation.startswith("(Miller, 2024, paras. 2–3)"), citation


def test_a_credibility_grade_does_not_read_as_a_reference_number() -> None:
    citation = two_quotes_of_one_source("ieee", show_grades=True)
    assert citation.endswith("cred. 3"), citation
    assert not re.search(r"\[\d\]\s*$", citation)  # "[3]" would be reference 3


def one_source(title: str, language: str | None = None) -> Content:
    content, _ = validate_brief(FIXTURES / "styles")
    source = content.source("miller-2024").model_copy(
        update={"title": title, "language": language, "type": "report"}
    )
    statement = content.brief.summary[2]
    brief = content.brief.model_copy(update={"summary": [statement]})
    return content.model_copy(update={"brief": brief, "sources": [source]})


def test_title_case_only_for_english_sources() -> None:
    english = notes_of(one_source("the limits of deterrence in the pacific"))[0]
    assert "The Limits of Deterrence in the Pacific" in english
    french = notes_of(one_source("les limites de la dissuasion", language="fr"))[0]
    assert "les limites de la dissuasion" in french


def test_words_written_in_capitals_and_nocase_spans_keep_their_case() -> None:
    title = 'can japan join NATO: the <span class="nocase">eu and iPhone</span> question'
    note = notes_of(one_source(title))[0]
    assert "Can Japan Join NATO: The eu and iPhone Question" in note
    assert "span" not in note


@pytest.mark.parametrize("style", ["chicago-notes-bibliography", "apa"])
def test_a_title_in_square_brackets_is_a_description_never_quoted(style: str) -> None:
    """An untitled source is described ("[Report on …]"): in its case as written, and
    without the quotation marks that would pass it off as the source's own title."""
    content = one_source("[report on the mission's opening]")
    note = notes_of(content, style)[0] if style.startswith("chicago") else ""
    book = NoteBook(content, I18n("en"), show_grades=False)
    entry = html.unescape(str(book.references()[0].html))
    for text in filter(None, (note, entry)):
        assert "[report on the mission's opening]" in text
        assert not re.search(r"[“‘]\[|\][,.]?[”’]", text)


def test_a_nocase_span_is_the_only_markup_a_title_takes() -> None:
    with pytest.raises(ValueError, match="the only markup a title takes"):
        Source.model_validate({"id": "x", "title": "A <b>bold</b> claim", "reliability": "B"})


def test_in_text_citations_link_to_their_reference() -> None:
    content, _ = validate_brief(FIXTURES / "styles")
    notes = notes_of(content, "apa")
    assert notes[0] == '(<a href="#ref-who-2023">World Health Organization, 2023, p. 12</a>)'


def test_plain_author_reads_as_one_organisation() -> None:
    source = Source.model_validate(
        {"id": "x", "title": "T", "author": "World Health Organization", "reliability": "A"}
    )
    assert [a.literal for a in source.authors] == ["World Health Organization"]


def test_a_person_written_as_text_is_refused_with_what_to_write() -> None:
    with pytest.raises(ValueError, match="write an author as family: and given:"):
        Source.model_validate(
            {"id": "x", "title": "T", "authors": ["Pia Holm"], "reliability": "A"}
        )


@pytest.mark.parametrize("label", [None, "paragraph", "page"])
def test_sample_notes_equal_citeproc_pys_own(
    label: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On the sample's sources (several without an author): the macro lookup and the
    citation-list shortcut change no note, full or short."""
    content, _ = validate_brief(SAMPLE)
    style = csl.style(content.brief.citation_style, SAMPLE)

    def all_notes() -> list[str]:
        return [
            csl.note_reference(style.path, "en-GB", s.model_dump_json(), "en-GB", label, position)
            for s in content.sources
            for position in ("first", "subsequent")
        ]

    ours = all_notes()
    for owner, attribute, original in citeproc_fixes.ORIGINALS["macro-lookup"]:
        monkeypatch.setattr(owner, attribute, original)
    monkeypatch.setattr(csl, "cited_before", csl.render)
    csl.forget_formatted()
    assert all_notes() == ours
    shorter = sum(len(ours[i + 1]) < len(ours[i]) for i in range(0, len(ours), 2))
    assert shorter >= 3  # most sources have a short form distinct from the full one
    assert not any(re.search(r"‘([^’]+)’, ‘\1’", note) for note in ours)  # no title twice


IBID_BRIEF = """
title: Ibid
date: 2026-11-20
lang: en-GB
citation_style: oscola
authors: [Test Unit]
summary:
  - {text: One., sources: [{source: miller-2024, locator: p. 12}]}
  - {text: Two., sources: [{source: miller-2024, locator: p. 12}]}
  - {text: Three., sources: [{source: miller-2024, locator: p. 14}]}
  - text: Four.
    sources: [{source: miller-2024, locator: p. 14}, {source: holm-2025, locator: p. 3}]
  - {text: Five., sources: [{source: miller-2024, locator: p. 14}]}
"""


def test_ibid_only_after_a_note_citing_that_source_alone(brief_dir: Callable[..., Path]) -> None:
    content, _ = validate_brief(brief_dir("styles", brief=IBID_BRIEF))
    notes = [re.sub(r"<[^>]+>", "", n) for n in notes_of(content)]
    assert notes[0].startswith(
        "Anne Miller, ‘Deterrence in the Indo-Pacific’ (RAND Corporation 2024) 12"
    )
    assert notes[1] == "ibid."  # the same page
    assert notes[2] == "ibid 14."  # another page
    assert notes[3].startswith("ibid; Pia Holm and Kenji Sato")
    assert notes[4] == "Miller (n 1) 14."  # after a note of two sources: the short form


def apa_reference_list() -> list[str]:
    content, _ = validate_brief(SAMPLE)
    brief = content.brief.model_copy(update={"citation_style": "apa"})
    content = content.model_copy(update={"brief": brief})
    book = NoteBook(content, I18n(content.brief.lang), show_grades=False)
    return [html.unescape(re.sub(r"<[^>]+>", "", str(r.html))) for r in book.references()]


def test_works_without_an_author_sort_by_title_and_print_it_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Compared with unpatched citeproc-py: the substituted-variables and sort-keys fixes."""
    ours = apa_reference_list()
    assert ours == [
        # A description in square brackets sorts before the letters, as its "[" does.
        "[Report on Japan’s independent mission to NATO, courtesy of Arirang News]. "
        "(2025, January).",
        "Akasaka Azabu. (2024, April 29). can japan join NATO.",
        "Japan Enhances Security Ties with NATO. (n.d.).",
        "Japanese Prime Minister made a historical visit to NATO. (n.d.).",
        "NATO. (n.d.). NATO member countries. Retrieved "
        "https://www.nato.int/cps/en/natohq/topics_52044.htm",
        "NATO. (2013, December 9). Japan: NATO’s longest-standing partner in the Asia-Pacific.",
    ]
    for fix in ("substituted-variables", "sort-keys-plain-text"):
        for owner, attribute, original in citeproc_fixes.ORIGINALS[fix]:
            monkeypatch.setattr(owner, attribute, original)
    csl.forget_formatted()
    theirs = apa_reference_list()
    unpatched = next(t for t in theirs if t.startswith("Japan Enhances"))
    assert unpatched.startswith("Japan Enhances Security Ties with NATO. (n.d.). Japan Enhances")
    assert theirs[-1] == ours[-1] + " NATO."  # the publisher again, after the author


def test_ibid_at_the_same_page_against_unpatched(
    brief_dir: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    content, _ = validate_brief(brief_dir("styles", brief=IBID_BRIEF))
    assert re.sub(r"<[^>]+>", "", notes_of(content)[1]) == "ibid."
    for owner, attribute, original in citeproc_fixes.ORIGINALS["locator-equality"]:
        monkeypatch.setattr(owner, attribute, original)
    csl.forget_formatted()
    assert re.sub(r"<[^>]+>", "", notes_of(content)[1]) == "ibid 12."  # citeproc-py's own
