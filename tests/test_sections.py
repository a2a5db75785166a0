"""A new kind of section is one declaration and one template: validated, filtered,
footnoted and drawn like the built-in ones."""

from __future__ import annotations

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
{% if content.items("risks") %}
<section class="risks" id="risks">
  <h2>{{ heading }}</h2>
  {% for r in content.items("risks") %}
  <h3>{{ r.risk }}</h3>
  <p>{{ s.statements(r.statements) }}</p>
  {% endfor %}
</section>
{% endif %}
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
    assert "<h2>Risks</h2>" in html and "<h3>Supply lines</h3>" in html
    assert re.search(r"The toy risk is public\.\u2060<", html)
    assert "CANARYRESTRICTED" not in html  # the statement and the emptied item's heading
    calls = re.findall(r'id="call-(\d+)"', html)
    assert calls == [str(n) for n in range(1, len(calls) + 1)]  # notes numbered in order
    risk_call = re.search(r"The toy risk is .*?id=\"call-(\d+)\"", html, re.S)
    assert risk_call and int(risk_call[1]) == 2  # after the one public key judgment


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
