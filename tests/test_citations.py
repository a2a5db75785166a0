"""Note text: the shortcuts taken for speed give what citeproc-py itself gives."""

from __future__ import annotations

import pytest
from citeproc import Citation as CSLCitation
from citeproc import CitationItem, CitationStylesBibliography, Locator, formatter
from citeproc.source.json import CiteProcJSON
from conftest import SAMPLE

from briefgen.content.models import Content, Source
from briefgen.content.styles import DEFAULT_STYLE
from briefgen.content.validate import load_content
from briefgen.render import citations

STYLE = DEFAULT_STYLE


def citeproc_subsequent(source: Source, label: str | None) -> str:
    """Rendered citeproc-py's own way: a first citation, then the one wanted."""
    bibliography = CitationStylesBibliography(
        citations._style(STYLE, "en-US"),
        CiteProcJSON([citations.csl_item(source)]),
        formatter.plain,
    )
    citations._render(bibliography, CSLCitation([CitationItem(source.id)]))
    item = (
        CitationItem(source.id, locator=Locator(label, citations._PLACEHOLDER))
        if label
        else CitationItem(source.id)
    )
    return citations._render(bibliography, CSLCitation([item]))


@pytest.mark.parametrize("label", [None, "paragraph", "page"])
def test_subsequent_form_is_citeprocs_own(label: str | None) -> None:
    content, _ = load_content(SAMPLE)
    citations.csl_reference.cache_clear()
    shorter = 0
    for source in content.sources:
        ours = citations.csl_reference(STYLE, "en-US", source, label, False)
        theirs = citations._drop_repeated_title(citeproc_subsequent(source, label).rstrip("."))
        theirs = theirs.replace("”,", ",”").replace("”.", ".”")
        assert ours == theirs
        shorter += len(ours) < len(citations.csl_reference(STYLE, "en-US", source, label, True))
    assert shorter >= 3  # most sources have a short form distinct from the full one


@pytest.mark.parametrize(
    "style",
    [
        STYLE,
        "chicago-notes-bibliography",
        "apa",
        "modern-language-association",
        "harvard-cite-them-right",
        "ieee",
    ],
)
def test_notes_equal_unpatched_citeprocs(style: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The macro lookup and the citation list shortcut change no note, in any style."""
    content, _ = load_content(SAMPLE)
    citations.csl_reference.cache_clear()
    ours = {
        (s.id, label, first): citations.csl_reference(style, "en-US", s, label, first)
        for s in content.sources
        for label in (None, "paragraph")
        for first in (True, False)
    }
    assert citations.ORIGINAL_GET_MACRO, "the macro lookup patch is not applied"
    from citeproc import model

    monkeypatch.setattr(model.CitationStylesElement, "get_macro", citations.ORIGINAL_GET_MACRO[0])
    monkeypatch.setattr(citations, "_cited_before", citations._render)  # citeproc's own way
    citations.csl_reference.cache_clear()
    citations._style.cache_clear()
    theirs = {key: citations.csl_reference(style, "en-US", *key_args(content, key)) for key in ours}
    citations.csl_reference.cache_clear()
    citations._style.cache_clear()
    assert ours == theirs


def key_args(
    content: Content, key: tuple[str, str | None, bool]
) -> tuple[Source, str | None, bool]:
    source_id, label, first = key
    return (content.source(source_id), label, first)
