"""Figures and tables among a section's statements, as the templates draw them: runs of
statements (a paragraph each) between them, figure and table numbers in reading order,
images as `data:` URLs, and numeric columns aligned on the decimal point."""

from __future__ import annotations

import base64
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from ..content.markup import plain
from ..content.models import Content, Figure, FigureBlock, Statement, Table, TableBlock
from ..content.sections import located_blocks
from .inline import Numbers

RunKind = Literal["statements", "figure", "table"]


@dataclass(frozen=True)
class Run:
    """Statements that follow one another (a paragraph), or one figure, or one table."""

    kind: RunKind
    statements: tuple[Statement, ...] = ()
    figure: Figure | None = None
    table: Table | None = None


def runs(blocks: Sequence[Any]) -> list[Run]:
    """A section item's blocks, with consecutive statements gathered into one run."""
    out: list[Run] = []
    for block in blocks:
        if isinstance(block, FigureBlock):
            out.append(Run("figure", figure=block.figure))
        elif isinstance(block, TableBlock):
            out.append(Run("table", table=block.table))
        elif out and out[-1].kind == "statements":
            out[-1] = Run("statements", (*out[-1].statements, block))
        else:
            out.append(Run("statements", (block,)))
    return out


def numbering(content: Content, sections: Sequence[str]) -> Numbers:
    """Figures and tables numbered in the order this output shows them. `content` is
    filtered: what an audience does not see takes no number."""
    numbers = Numbers()
    placed = list(located_blocks(content))
    for name in sections:
        for found in placed:
            if found.section != name:
                continue
            counted = numbers.figures if found.kind == "fig" else numbers.tables
            counted[found.block.id] = len(counted) + 1
    return numbers


def image_url(content: Content, figure: Figure) -> str:
    """The figure's image as a `data:` URL: both forms carry it, so neither loads a file."""
    from ..content.images import read_image

    if content.folder is None:
        raise ValueError("the brief folder is needed to read a figure's image")
    image = read_image(content.folder, figure.image)
    return f"data:{image.mime};base64,{base64.b64encode(image.data).decode('ascii')}"


# A figure space is as wide as a digit in tabular figures, a punctuation space as a
# full stop: padding with them lines up the decimal points of a right-aligned column.
FIGURE_SPACE = "\u2007"
PUNCTUATION_SPACE = "\u2008"


@dataclass(frozen=True)
class Column:
    """How a table column is set: numbers right-aligned on the decimal point."""

    numeric: bool
    decimals: int = 0  # the most digits after the decimal point in the column

    def padding(self, cell: str, decimal: str) -> str:
        """What to add after a numeric cell so that its decimal point lines up."""
        if not self.numeric or not self.decimals:
            return ""
        number = _number_part(plain(cell))
        if decimal in number:
            return FIGURE_SPACE * (self.decimals - len(number.rsplit(decimal, 1)[1]))
        return PUNCTUATION_SPACE + FIGURE_SPACE * self.decimals


_NUMBER = re.compile(r"^[-−+]?[0-9][0-9 \u00a0\u202f.,'’]*(\s?%)?$")


def _number_part(text: str) -> str:
    return re.sub(r"\s?%$", "", text.strip())


def columns(table: Table, decimal: str) -> list[Column]:
    """Each column of the table: numeric when every filled cell is a number as written
    (1,234.5 or 1 234,5 by the brief's language), with how many decimals it shows."""
    out = []
    for c in range(len(table.columns)):
        cells = [plain(row.cells[c]).strip() for row in table.rows]
        filled = [cell for cell in cells if cell not in ("", "–", "—", "-")]
        numeric = bool(filled) and all(_NUMBER.match(cell) for cell in filled)
        decimals = max(
            (
                len(_number_part(cell).rsplit(decimal, 1)[1])
                for cell in filled
                if decimal in _number_part(cell)
            ),
            default=0,
        )
        out.append(Column(numeric, decimals if numeric else 0))
    return out


def note_column(cols: Sequence[Column]) -> int:
    """The column whose cell holds a row's note call: the last one of text, else the last."""
    return max((i for i, col in enumerate(cols) if not col.numeric), default=len(cols) - 1)
