"""The milestones as a timeline figure: years on an axis, labels stacked so that none collide.

Drawn in code, so a build needs neither a browser nor the network; the same
figure is inlined in the web page and in the PDF. The lines are SVG; the labels
are HTML laid over them, because the PDF engine sets SVG text a letter at a
time, which breaks right-to-left and joined scripts. Dates, years and the title
are in the brief's language, and in a right-to-left language time runs from
right to left.
"""

from __future__ import annotations

import textwrap
import unicodedata
from dataclasses import dataclass

from markupsafe import Markup

from ..content.models import Milestone
from ..document.i18n import I18n
from ..document.typography import smart_quotes
from .fonts import font_stacks

WIDTH = 680
MARGIN = 16
AXIS_GAP = 26  # space under the axis for the year labels
LANE_HEIGHT = 40  # a lane holds the date and two lines of title; more lines, more height
LINE_HEIGHT = 12
MAX_LINES = 3
CHAR_WIDTH = 5.6  # average advance of the 10 px label font, enough to keep labels apart
LABEL_CHARS = 26  # a line of a label, in narrow characters; a CJK character counts two
# Presentation attributes rather than CSS classes: WeasyPrint does not apply
# the page's stylesheet inside an inline SVG.
INK, MUTED, RULE, ACCENT = "#1b1f24", "#5b6470", "#c9ced6", "#0b3d62"


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


def timeline_svg(milestones: list[Milestone], i18n: I18n) -> Markup:
    """The figure for `milestones` (already filtered for the audience), or nothing if none."""
    if not milestones:
        return Markup("")
    first = int(position(milestones[0].date))
    last = int(position(milestones[-1].date)) + 1
    span = max(last - first, 1)

    def x_of(date: str) -> float:
        return MARGIN + (position(date) - first) / span * (WIDTH - 2 * MARGIN)

    labels = _place([(x_of(m.date), m) for m in milestones], i18n)
    if i18n.direction == "rtl":
        labels = [_mirrored(label) for label in labels]
    lanes = max(label.lane for label in labels) + 1
    lane = lane_height(labels)
    axis_y = MARGIN + lanes * lane
    height = axis_y + AXIS_GAP
    lines = [_axis(first, last, span, axis_y, i18n)]
    lines += [_stem(label, axis_y, lane) for label in labels]
    summary = "; ".join(f"{i18n.date(m.date)}: {smart_quotes(m.title, i18n)}" for m in milestones)
    title = i18n.pgettext(
        "timeline-title",
        "Timeline of milestones, %(first)s–%(last)s",
        first=i18n.number(first),
        last=i18n.number(last - 1),
    )
    return Markup(
        '<div class="timeline-figure" role="img" aria-label="{title}. {d}" '
        'style="padding-top: {ratio:.2f}%">'
        '<svg class="timeline-lines" xmlns="http://www.w3.org/2000/svg" aria-hidden="true" '
        'font-family="{family}" font-size="10" viewBox="0 0 {w} {h}" width="{w}" height="{h}">'
        # The PDF tags the drawing as a figure, described by its <title> (PDF/UA 7.3).
        "<title>{title}. {d}</title>{lines}</svg>{labels}</div>"
    ).format(
        title=title,
        d=summary,
        ratio=height / WIDTH * 100,
        family=font_stacks(i18n.locale).sans.replace('"', "'"),
        w=WIDTH,
        h=height,
        lines=Markup("").join(lines),
        labels=Markup("").join(_label(label, axis_y, height, lane) for label in labels),
    )


def _width(text: str) -> float:
    """Text's width in the label font: CJK and other wide characters count two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text) * CHAR_WIDTH


def _lines(title: str) -> tuple[str, ...]:
    """A title in at most two lines of LABEL_CHARS narrow characters."""
    wide = sum(unicodedata.east_asian_width(c) in "WF" for c in title)
    chars = LABEL_CHARS if wide * 2 < len(title) else LABEL_CHARS // 2
    # Three lines: a title of up to three lines of a label is shown whole.
    return tuple(textwrap.wrap(title, chars, max_lines=MAX_LINES, placeholder="…"))


def _place(points: list[tuple[float, Milestone]], i18n: I18n) -> list[Label]:
    """Greedy lanes: each label goes in the lowest lane where it clears the labels there.

    Positions are measured from the edge where reading starts: a right-to-left
    figure is placed the same way, then mirrored.
    """
    lane_ends: list[float] = []
    labels = []
    for x, milestone in points:
        lines = _lines(smart_quotes(milestone.title, i18n))
        date = i18n.date(milestone.date)
        width = max(_width(line) for line in (*lines, date)) + 8
        anchor = "start" if x + width <= WIDTH - MARGIN / 2 else "end"
        left = x if anchor == "start" else x - width
        lane = next((i for i, end in enumerate(lane_ends) if left > end), len(lane_ends))
        if lane == len(lane_ends):
            lane_ends.append(0.0)
        lane_ends[lane] = left + width
        labels.append(Label(x, lane, lines, date, anchor, width))
    return labels


def _mirrored(label: Label) -> Label:
    """A label placed from the left edge, placed from the right: its point mirrored and its
    text extending the other way."""
    anchor = "end" if label.anchor == "start" else "start"
    return Label(WIDTH - label.x, label.lane, label.lines, label.date, anchor, label.width)


def _axis(first: int, last: int, span: int, y: float, i18n: I18n) -> Markup:
    step = 1 if span <= 12 else 2 if span <= 24 else 5
    ticks = []
    for year in range(first, last + 1):
        x = MARGIN + (year - first) / span * (WIDTH - 2 * MARGIN)
        if i18n.direction == "rtl":
            x = WIDTH - x
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
                ).format(x=x, y=y + 16, year=i18n.number(year), c=MUTED)
            )
    return Markup(
        '<line x1="{a}" y1="{y}" x2="{b}" y2="{y}" stroke="{c}" stroke-width="1.2"/>'
    ).format(a=MARGIN, b=WIDTH - MARGIN, y=y, c=INK) + Markup("").join(ticks)


def lane_height(labels: list[Label]) -> float:
    """Room for the date and the longest title of any label."""
    most = max((len(label.lines) for label in labels), default=2)
    return LANE_HEIGHT + max(most - 2, 0) * LINE_HEIGHT


def _top(label: Label, axis_y: float, lane: float) -> float:
    return axis_y - (label.lane + 1) * lane + 8


def _stem(label: Label, axis_y: float, lane: float) -> Markup:
    return Markup(
        '<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{axis}" stroke="{rule}"/>'
        '<circle cx="{x:.1f}" cy="{axis}" r="3.5" fill="{accent}"/>'
    ).format(x=label.x, top=_top(label, axis_y, lane) - 9, axis=axis_y, rule=RULE, accent=ACCENT)


def _label(label: Label, axis_y: float, height: float, lane: float) -> Markup:
    """The date and title, in HTML over the lines, on a white backing so that a stem
    passing behind stays legible. Placed in percentages of the figure, which scales."""
    top = (_top(label, axis_y, lane) - 9) / height * 100
    if label.anchor == "start":
        side = f"left: {(label.x + 2) / WIDTH * 100:.2f}%"
    else:
        side = f"right: {(WIDTH - label.x + 2) / WIDTH * 100:.2f}%"
    lines = Markup("").join(Markup("<br>{}").format(line) for line in label.lines)
    return Markup(
        '<span class="timeline-label" aria-hidden="true" style="{side}; top: {top:.2f}%">'
        '<span class="timeline-date">{date}</span>{lines}</span>'
    ).format(side=side, top=top, date=label.date, lines=lines)
