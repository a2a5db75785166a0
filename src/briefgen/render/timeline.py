"""The milestones as an SVG timeline: years on an axis, labels stacked so that none collide.

Drawn in code, so a build needs neither a browser nor the network; the same
SVG is inlined in the web page and in the PDF.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from dataclasses import dataclass

from markupsafe import Markup, escape

from ..content.models import Milestone

WIDTH = 680
MARGIN = 16
AXIS_GAP = 26  # space under the axis for the year labels
LANE_HEIGHT = 40
CHAR_WIDTH = 5.6  # average advance of the 10 px label font, enough to keep labels apart
LABEL_CHARS = 26
# Presentation attributes rather than CSS classes: WeasyPrint does not apply
# the page's stylesheet inside an inline SVG.
INK, MUTED, RULE, ACCENT = "#1b1f24", "#5b6470", "#c9ced6", "#0b3d62"
FONT = 'font-family="Inter, \'DejaVu Sans\', Arial, sans-serif" font-size="10"'


@dataclass(frozen=True)
class Label:
    x: float
    lane: int
    lines: tuple[str, ...]
    date: str
    anchor: str  # "start" or "end"
    width: float


def position(date: str) -> float:
    """A partial date as a fractional year: '2013-04' → 2013.25."""
    parts = [int(p) for p in date.split("-")]
    month = parts[1] - 1 if len(parts) > 1 else 0
    day = parts[2] - 1 if len(parts) > 2 else 0
    return parts[0] + month / 12 + day / 365


def timeline_svg(milestones: list[Milestone], date_label: Callable[[str], str]) -> Markup:
    """The figure for `milestones` (already filtered for the audience), or nothing if none."""
    if not milestones:
        return Markup("")
    first = int(position(milestones[0].date))
    last = int(position(milestones[-1].date)) + 1
    span = max(last - first, 1)

    def x_of(date: str) -> float:
        return MARGIN + (position(date) - first) / span * (WIDTH - 2 * MARGIN)

    labels = _place([(x_of(m.date), m) for m in milestones], date_label)
    lanes = max(label.lane for label in labels) + 1
    axis_y = MARGIN + lanes * LANE_HEIGHT
    height = axis_y + AXIS_GAP
    parts = [_axis(first, last, span, axis_y)]
    parts += [_stem(label, axis_y) for label in labels]
    parts += [_label(label, axis_y) for label in labels]
    summary = "; ".join(f"{date_label(m.date)}: {m.title}" for m in milestones)
    return Markup(
        '<svg class="timeline-figure" xmlns="http://www.w3.org/2000/svg" role="img" {font} '
        'viewBox="0 0 {w} {h}" width="{w}" height="{h}" '
        'aria-labelledby="timeline-title timeline-desc">'
        '<title id="timeline-title">Timeline of milestones, {a}–{b}</title>'
        '<desc id="timeline-desc">{d}</desc>{body}</svg>'
    ).format(
        w=WIDTH,
        h=height,
        a=first,
        b=last - 1,
        d=summary,
        body=Markup("").join(parts),
        font=Markup(FONT),
    )


def _place(points: list[tuple[float, Milestone]], date_label: Callable[[str], str]) -> list[Label]:
    """Greedy lanes: each label goes in the lowest lane where it clears the labels there."""
    lane_ends: list[float] = []
    labels = []
    for x, milestone in points:
        lines = tuple(textwrap.wrap(milestone.title, LABEL_CHARS, max_lines=2, placeholder="…"))
        date = str(date_label(milestone.date))
        width = max(len(line) for line in (*lines, date)) * CHAR_WIDTH + 8
        anchor = "start" if x + width <= WIDTH - MARGIN / 2 else "end"
        left = x if anchor == "start" else x - width
        lane = next((i for i, end in enumerate(lane_ends) if left > end), len(lane_ends))
        if lane == len(lane_ends):
            lane_ends.append(0.0)
        lane_ends[lane] = left + width
        labels.append(Label(x, lane, lines, date, anchor, width))
    return labels


def _axis(first: int, last: int, span: int, y: float) -> Markup:
    step = 1 if span <= 12 else 2 if span <= 24 else 5
    ticks = []
    for year in range(first, last + 1):
        x = MARGIN + (year - first) / span * (WIDTH - 2 * MARGIN)
        ticks.append(
            Markup(
                '<line x1="{x:.1f}" y1="{y}" x2="{x:.1f}" y2="{y2}" stroke="{c}" '
                'stroke-width="0.8"/>'
            ).format(x=x, y=y, y2=y + 4, c=INK)
        )
        if (year - first) % step == 0 and year < last:
            ticks.append(
                Markup(
                    '<text x="{x:.1f}" y="{y}" fill="{c}" text-anchor="middle">{year}</text>'
                ).format(x=x, y=y + 16, year=year, c=MUTED)
            )
    return Markup(
        '<line x1="{a}" y1="{y}" x2="{b}" y2="{y}" stroke="{c}" stroke-width="1.2"/>'
    ).format(a=MARGIN, b=WIDTH - MARGIN, y=y, c=INK) + Markup("").join(ticks)


def _top(label: Label, axis_y: float) -> float:
    return axis_y - (label.lane + 1) * LANE_HEIGHT + 8


def _stem(label: Label, axis_y: float) -> Markup:
    return Markup(
        '<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{axis}" stroke="{rule}"/>'
        '<circle cx="{x:.1f}" cy="{axis}" r="3.5" fill="{accent}"/>'
    ).format(x=label.x, top=_top(label, axis_y) - 9, axis=axis_y, rule=RULE, accent=ACCENT)


def _label(label: Label, axis_y: float) -> Markup:
    """The date and title, on a white backing so that a stem passing behind stays legible."""
    top = _top(label, axis_y)
    dx = 4 if label.anchor == "start" else -4
    left = label.x + 2 if label.anchor == "start" else label.x - label.width - 2
    lines = Markup("").join(
        Markup('<tspan x="{x:.1f}" dy="{dy}">{t}</tspan>').format(x=label.x + dx, dy=12, t=line)
        for line in label.lines
    )
    return Markup(
        '<rect x="{left:.1f}" y="{rt:.1f}" width="{w:.1f}" height="{h}" fill="#ffffff"/>'
        '<text text-anchor="{anchor}" fill="{ink}"><tspan x="{tx:.1f}" y="{top}" '
        'font-weight="700" fill="{accent}">{date}</tspan>{lines}</text>'
    ).format(
        left=left,
        rt=top - 9,
        w=label.width,
        h=12 * (len(label.lines) + 1) + 2,
        anchor=label.anchor,
        tx=label.x + dx,
        top=top,
        date=escape(label.date),
        lines=lines,
        accent=ACCENT,
        ink=INK,
    )
