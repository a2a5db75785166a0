"""The timeline figure: labels that never overlap, a text alternative, nothing filtered out."""

from __future__ import annotations

import re
from pathlib import Path

from briefgen.content.models import Milestone
from briefgen.document.i18n import I18n
from briefgen.render.timeline import _place, position, timeline_svg

ENGLISH = I18n("en")


def milestone(date: str, title: str) -> Milestone:
    return Milestone.model_validate(
        {"date": date, "title": title, "statements": [{"text": "x", "sources": ["s"]}]}
    )


def test_fractional_positions() -> None:
    assert position("2013") == 2013
    assert position("2013-04") == 2013.25


def test_labels_in_one_lane_never_overlap() -> None:
    dates = ["2025-01", "2025-01", "2025", "2025", "2024", "2007", "2007", "2009"]
    points = [
        (100 + i * 3.0, milestone(d, f"A fairly long milestone title {i}"))
        for i, d in enumerate(dates)
    ]
    labels = _place(points, ENGLISH)
    for a in labels:
        for b in labels:
            if a is not b and a.lane == b.lane:
                a_left = a.x if a.anchor == "start" else a.x - a.width
                b_left = b.x if b.anchor == "start" else b.x - b.width
                assert a_left + a.width <= b_left or b_left + b.width <= a_left


def test_figure_has_a_text_alternative_and_escapes_titles() -> None:
    figure = str(
        timeline_svg(
            [milestone("2007", "Abe <visits> NATO"), milestone("2025-01", "Mission opens")],
            ENGLISH,
        )
    )
    assert figure.startswith('<div class="timeline-figure" role="img" aria-label="Timeline of ')
    assert "2007: Abe &lt;visits&gt; NATO; January 2025: Mission opens" in figure
    assert "<visits>" not in figure
    assert '<svg class="timeline-lines"' in figure and 'aria-hidden="true"' in figure


def test_a_right_to_left_figure_runs_from_the_right() -> None:
    dates = [milestone("2007", "First"), milestone("2025", "Last")]
    ltr = str(timeline_svg(dates, ENGLISH))
    rtl = str(timeline_svg(dates, I18n("ar")))
    first_ltr = re.search(r'<span class="timeline-label"[^>]*style="(\w+): ([\d.]+)%', ltr)
    first_rtl = re.search(r'<span class="timeline-label"[^>]*style="(\w+): ([\d.]+)%', rtl)
    assert first_ltr and first_ltr[1] == "left" and float(first_ltr[2]) < 10
    assert first_rtl and first_rtl[1] == "right" and float(first_rtl[2]) < 10


def test_restricted_milestone_is_not_in_lower_figures(canary_build: Path) -> None:
    for audience in ("analyst", "public"):
        html = (canary_build / audience / "brief.html").read_text(encoding="utf-8")
        figure = re.search(r'<div class="timeline-figure".*?</div>', html, re.S)
        assert figure and "A public milestone" in figure[0]
        assert "CANARY" not in figure[0]
    minister = (canary_build / "minister" / "brief.html").read_text(encoding="utf-8")
    assert 'class="timeline-figure"' not in minister  # timeline: false in its audience.yaml
