"""Every output reads one document: the Word file holds the web page's blocks in the
same order, with the same note numbers and texts, for every built-in audience.

Read back from the files themselves (the web page's HTML, the .docx's XML), so that
a writer that drifts from the document is caught here, not by a reader.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from blockbrief import write_brief
from conftest import FIXTURES
from lxml import etree
from selectolax.lexbor import LexborHTMLParser

from briefgen.pipeline import build

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
WORD_AUDIENCES = ("minister", "analyst")


def _squashed(text: str) -> str:
    return re.sub(r"[\s\u200b\u2060\u00ad]+", "", text)


def web_sequence(path: Path) -> tuple[list[str], list[tuple[int, str]]]:
    """The web page's headings, and each note call with the text that leads to it."""
    tree = LexborHTMLParser(path.read_text(encoding="utf-8"))
    main = tree.css_first("main")
    assert main is not None
    for preview in main.css(".note-preview, nav.contents"):
        preview.decompose()
    headings = [_squashed(h.text()) for h in main.css("h2, h3")]
    calls: list[tuple[int, str]] = []
    text = ""
    for node in main.traverse(include_text=True):
        if node.tag == "-text":
            text += node.text_content or ""
        elif node.tag == "a" and (node.attributes.get("id") or "").startswith("call-"):
            number = int((node.attributes.get("id") or "").removeprefix("call-"))
            calls.append((number, _squashed(text)))
            text = ""
        elif node.tag in ("p", "li", "h2", "h3", "td", "th", "figcaption", "caption"):
            text = ""
    return headings, calls


def word_sequence(path: Path) -> tuple[list[str], list[tuple[int, str]]]:
    """The .docx's headings, and each footnote reference with the text before it."""
    xml = zipfile.ZipFile(path).read("word/document.xml")
    body = etree.fromstring(xml).find(f"{W}body")
    headings, calls = [], []
    for paragraph in body.iter(f"{W}p"):
        style = paragraph.find(f"{W}pPr/{W}pStyle")
        name = style.get(f"{W}val") if style is not None else ""
        if name in ("Heading1", "Heading2"):
            # A status follows an area's title after a dash in Word, as a badge on the web.
            headings.append(_squashed("".join(paragraph.itertext()).replace(" — ", "")))
        text = ""
        for element in paragraph.iter(f"{W}t", f"{W}footnoteReference"):
            if element.tag == f"{W}t":
                text += element.text or ""
            else:
                calls.append((int(element.get(f"{W}id")), _squashed(text)))
                text = ""
    return headings, calls


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    from conftest import SAMPLE

    root = tmp_path_factory.mktemp("one-document")
    blocks = write_brief(root / "blocks", seed=7, rows=12)
    out = {}
    for name, folder in (("sample", SAMPLE), ("canary", FIXTURES / "canary"), ("blocks", blocks)):
        out[name] = root / f"out-{name}"
        # The generated brief cites its figure in a key judgment the minister's page
        # cannot show with it: built for the analyst only.
        audiences = ["analyst"] if name == "blocks" else None
        build(folder, out_dir=out[name], formats=["html", "docx"], audiences=audiences)
    return out


@pytest.mark.parametrize("brief", ["sample", "canary", "blocks"])
@pytest.mark.parametrize("audience", WORD_AUDIENCES)
def test_word_holds_the_web_pages_blocks_in_order(
    builds: dict[str, Path], brief: str, audience: str
) -> None:
    folder = builds[brief] / audience
    if not (folder / "brief.docx").exists():
        pytest.skip(f"{audience} sees nothing of the {brief} brief")
    web_headings, web_calls = web_sequence(folder / "brief.html")
    word_headings, word_calls = word_sequence(folder / "brief.docx")
    assert word_headings == web_headings
    assert [n for n, _ in word_calls] == [n for n, _ in web_calls]
    assert [n for n, _ in web_calls] == list(range(1, len(web_calls) + 1))
    for (number, web_text), (_, word_text) in zip(web_calls, word_calls, strict=True):
        # The text since the previous call: the same words, whatever the layout.
        assert word_text.endswith(web_text[-40:]) or web_text.endswith(word_text[-40:]), number


def test_print_notes_carry_the_documents_numbers(builds: dict[str, Path]) -> None:
    """The PDF's notes are numbered from the document (data-note), not by the engine."""
    from briefgen.document import document_for
    from briefgen.opening import open_brief
    from briefgen.render.html import render_html

    brief = open_brief(FIXTURES / "canary")
    audience = brief.audiences["analyst"]
    doc = document_for(brief.content, audience)
    html = render_html(doc, audience, "print")
    labels = re.findall(r'class="footnote" data-note="([^"]+)"', html)
    assert labels == [note.label for note in doc.notes]
