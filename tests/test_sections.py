"""A new kind of section is one declaration and one template: validated, filtered,
footnoted and drawn like the built-in ones."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from briefgen.cli import app
from briefgen.content import sections
from briefgen.content.models import Group, SourceId, Text
from briefgen.pipeline import build

RISKS = """\
- id: supply
  risk: Supply lines
  statements:
    - text: The toy risk is public.
      sources: [public-source]
    - text: CANARYRESTRICTEDRISK stays with ministers.
      marking: RESTRICTED
      sources: [restricted-source]
- id: hidden
  risk: CANARYRESTRICTEDRISKHEADING
  statements:
    - text: Only restricted words here.
      marking: RESTRICTED
      sources: [restricted-source]
"""

# The one template: how a risk is drawn. The shared macros come with it.
RISKS_TEMPLATE = """\
{% import "macros.html.j2" as s with context %}
<section class="risks" id="{{ section.anchor }}">
  {{ s.heading(section) }}
  {% for item in section.items %}
  <h3>{{ item.title }}</h3>
  {{ s.blocks(item.blocks) }}
  {% endfor %}
</section>
"""


class Risk(Group):
    id: SourceId
    risk: Text


@pytest.fixture
def risks_declared(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The one declaration, taken back after the test."""
    kind = sections.SectionKind("risks", "Risks", Risk, ids=True)
    monkeypatch.setitem(sections._KINDS, "risks", kind)
    yield


def with_risks(brief_dir: Callable[..., Path], risks: str = RISKS) -> Path:
    content = brief_dir()
    (content / "risks.yaml").write_text(risks)
    public = content / "templates" / "public"
    (public / "sections").mkdir(parents=True)
    (public / "sections" / "risks.html.j2").write_text(RISKS_TEMPLATE)
    # The public audience shows the new section, between the summary and the rest.
    (public / "audience.yaml").write_text(
        "title: Policy brief\nclearance: PUBLIC\nsections: [summary, risks, questions]\n"
    )
    return content


@pytest.mark.usefixtures("risks_declared")
def test_a_toy_section_is_built_filtered_and_footnoted(
    brief_dir: Callable[..., Path], tmp_path: Path
) -> None:
    content = with_risks(brief_dir)
    build(content, out_dir=tmp_path, audiences=["public"], formats=["html"])
    html = (tmp_path / "public" / "brief.html").read_text(encoding="utf-8")
    assert '<h2 id="risks-heading">Risks</h2>' in html and "<h3>Supply lines</h3>" in html
    assert re.search(r"The toy risk is public\.\u2060<", html)
    assert "CANARYRESTRICTED" not in html  # the statement and the emptied item's heading
    calls = re.findall(r'id="call-(\d+)"', html)
    assert calls == [str(n) for n in range(1, len(calls) + 1)]  # notes numbered in order
    risk_call = re.search(r"The toy risk is .*?id=\"call-(\d+)\"", html, re.S)
    assert risk_call and int(risk_call[1]) == 2  # after the one public key judgment


@pytest.mark.usefixtures("risks_declared")
def test_a_toy_section_reaches_every_output_and_diff(
    brief_dir: Callable[..., Path], tmp_path: Path, runner: CliRunner
) -> None:
    """One declaration and one template: the PDF and the Word file hold the section in
    the same place as the web page, and `diff` sees its statements, with no change to
    either writer or to the review."""
    import docx
    from pdfread import pdf_text

    content = with_risks(brief_dir)
    (content / "templates" / "public" / "audience.yaml").write_text(
        "title: Policy brief\nclearance: PUBLIC\nsections: [summary, risks, questions]\n"
        "formats: [pdf, html, docx]\n"
    )
    assert runner.invoke(app, ["check", str(content)]).exit_code == 0
    out = tmp_path / "out"
    build(content, out_dir=out, audiences=["public"])
    text = " ".join(pdf_text(out / "public" / "brief.pdf").split())
    assert "Risks" in text and "Supply lines" in text and "The toy risk is public." in text
    assert "CANARYRESTRICTED" not in text
    word = docx.Document(str(out / "public" / "brief.docx"))
    paragraphs = [p.text for p in word.paragraphs]
    assert "Risks" in paragraphs and "Supply lines" in paragraphs
    assert paragraphs.index("Risks") < paragraphs.index("Supply lines")
    assert not any("CANARYRESTRICTED" in p for p in paragraphs)
    # A restricted risk made public is newly visible to the public audience.
    new = tmp_path / "new"
    import shutil

    shutil.copytree(content, new)
    risks = new / "risks.yaml"
    risks.write_text(
        risks.read_text().replace(
            "stays with ministers.\n      marking: RESTRICTED",
            "stays with ministers.\n      marking: PUBLIC",
        )
    )
    done = runner.invoke(app, ["diff", str(content), str(new), "-f", "json"])
    assert done.exit_code == 3, done.output
    first = json.loads(done.output)[0]
    assert first["file"] == "risks.yaml" and first["line"] == 6 and "public" in first["audiences"]


@pytest.mark.usefixtures("risks_declared")
def test_a_toy_section_is_validated_like_the_others(
    brief_dir: Callable[..., Path], runner: CliRunner
) -> None:
    content = with_risks(brief_dir, RISKS.replace("  risk: Supply", "  rsik: Supply"))
    result = runner.invoke(app, ["check", str(content)])
    assert result.exit_code == 1
    assert "risks.yaml:2:3: error[invalid-content]: risks[0].rsik: unknown key 'rsik'" in (
        result.output
    )
    (content / "risks.yaml").write_text(RISKS.replace("id: hidden", "id: supply"))
    result = runner.invoke(app, ["check", str(content)])
    assert "risks.yaml:9:7: error[duplicate-id]: risks[1].id: duplicate id 'supply'" in (
        result.output
    )


def test_an_unknown_section_in_audience_yaml_names_the_known_ones(
    brief_dir: Callable[..., Path], runner: CliRunner
) -> None:
    content = brief_dir()
    public = content / "templates" / "public"
    public.mkdir(parents=True)
    (public / "audience.yaml").write_text(
        "title: Policy brief\nclearance: PUBLIC\nsections: [summary, risks]\n"
    )
    result = runner.invoke(app, ["check", str(content)])
    assert result.exit_code == 1
    assert "unknown section 'risks' (known: summary, background, milestones" in result.output
