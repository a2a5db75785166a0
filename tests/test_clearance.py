"""A statement above an audience's clearance appears nowhere in its outputs."""

from __future__ import annotations

import base64
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from pdfread import everything_in_pdf

from briefgen.pipeline import build

CLEARANCE = {"minister": "RESTRICTED", "analyst": "INTERNAL", "public": "PUBLIC"}
ORDER = ["PUBLIC", "INTERNAL", "RESTRICTED"]


def canaries(text: str) -> set[str]:
    return set(re.findall(r"CANARY(INTERNAL|RESTRICTED)", text))


def with_images(html: str) -> str:
    """The page and, decoded, every image it carries: a canary in an image's bytes counts."""
    images = re.findall(r"data:image/[\w+]+;base64,([A-Za-z0-9+/=]+)", html)
    return html + "".join(base64.b64decode(data).decode("latin-1") for data in images)


@pytest.mark.parametrize("audience", list(CLEARANCE))
@pytest.mark.parametrize("fmt", ["pdf", "html"])
def test_canaries_above_clearance_are_absent(canary_build: Path, audience: str, fmt: str) -> None:
    path = canary_build / audience / f"brief.{fmt}"
    text = everything_in_pdf(path) if fmt == "pdf" else with_images(path.read_text("utf-8"))
    allowed = set(ORDER[1 : ORDER.index(CLEARANCE[audience]) + 1])
    assert canaries(text) == allowed


def test_source_cited_only_by_restricted_statements_is_not_listed(canary_build: Path) -> None:
    for audience in ("analyst", "public"):
        html = (canary_build / audience / "brief.html").read_text(encoding="utf-8")
        assert "restricted-source" not in html
        assert "CANARYRESTRICTEDURL" not in html


def test_section_emptied_by_the_filter_disappears(canary_build: Path) -> None:
    html = (canary_build / "public" / "brief.html").read_text(encoding="utf-8")
    assert "CANARYINTERNALHEADING" not in html
    assert "Open background" in html


def test_banner_shows_highest_marking_of_what_is_shown(canary_build: Path) -> None:
    for audience, marking in CLEARANCE.items():
        html = (canary_build / audience / "brief.html").read_text(encoding="utf-8")
        assert f'class="marking-banner marking-{marking.lower()}"' in html


def test_statement_text_is_escaped_not_interpreted(canary_build: Path) -> None:
    html = (canary_build / "public" / "brief.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(2)&gt;" in html
    assert "<script" not in html and "<img src=x" not in html
    assert "<em>emphasis</em>" in html and "<strong>strong</strong>" in html
    assert '<a href="https://example.org/open">a link</a>' in html
    text = " ".join(everything_in_pdf(canary_build / "public" / "brief.pdf").split())
    assert "<script>alert(1)</script>" in text
    assert "<img src=x onerror=alert(2)>" in text


@pytest.mark.parametrize("style", ["apa", "ieee", "chicago-notes-bibliography"])
def test_reference_list_holds_only_what_the_audience_may_see(
    style: str, brief_dir: Callable[..., Path], tmp_path: Path
) -> None:
    """A source cited only by RESTRICTED statements is in the minister's reference list
    and in no other audience's, whatever the style. In-text citations always lead to a
    list; with a note style, the minister's two pages have none."""
    content = brief_dir()
    brief = content / "brief.yaml"
    brief.write_text(brief.read_text(encoding="utf-8") + f"citation_style: {style}\n")
    build(content, out_dir=tmp_path / "out", formats=("html",))
    lists = {}
    for audience in CLEARANCE:
        html = (tmp_path / "out" / audience / "brief.html").read_text(encoding="utf-8")
        lists[audience] = re.findall(r'id="ref-([\w-]+)"', html)
    in_text = style != "chicago-notes-bibliography"
    assert sorted(lists["minister"]) == (["public-source", "restricted-source"] if in_text else [])
    assert lists["analyst"] == ["public-source"]
    assert lists["public"] == ["public-source"]
