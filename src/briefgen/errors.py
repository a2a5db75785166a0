"""The one family of errors briefgen raises; the CLI formats them and picks the exit code."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

# Control characters (C0, DEL, C1) would move the cursor or recolour a terminal, and
# a line end inside a value could forge a line of the report.
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    """Text safe to print on a terminal: control characters shown as escapes (\\x1b)."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m[0]):02x}", text)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the content, at a place a user can open in an editor."""

    file: Path | None
    line: int | None
    column: int | None
    path: str
    message: str
    code: str = "invalid-content"  # stable name of the rule, for reports and CI

    def location(self) -> str:
        if self.file is None:
            return ""
        place = display_path(self.file)
        if self.line is not None:
            place += f":{self.line}"
            if self.column is not None:
                place += f":{self.column}"
        return place

    def __str__(self) -> str:
        parts = [p for p in (self.location(), self.path) if p]
        return printable(": ".join([*parts, self.message]))


def display_path(path: Path) -> str:
    """A path as the user typed it: relative to the working folder when inside it."""
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)


class BriefgenError(Exception):
    """Base of every error meant for the user rather than for a traceback."""

    exit_code = 1

    def lines(self) -> list[str]:
        return [printable(f"error: {self}")]


class ContentError(BriefgenError):
    """The brief's content is wrong; carries every problem found, not just the first."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems, key=_problem_order)
        super().__init__("\n".join(str(p) for p in self.problems))

    def lines(self) -> list[str]:
        return [str(p) for p in self.problems]


class TemplateError(BriefgenError):
    """An audience template or its audience.yaml is wrong."""


class UsageError(BriefgenError):
    """The command line is wrong: an unknown audience, a missing folder."""

    exit_code = 2


class StrictError(BriefgenError):
    """Warnings, with --strict: the build fails as on an error, and writes nothing."""

    def __init__(self, warnings: list[Problem]) -> None:
        self.warnings = warnings
        super().__init__(f"{len(warnings)} warning(s) with --strict")

    def lines(self) -> list[str]:
        count = len(self.warnings)
        return [f"warning: {w}" for w in self.warnings] + [
            f"error: {count} warning{'s' * (count != 1)} and --strict: nothing was written"
        ]


class Interrupted(BaseException):
    """Ctrl-C or SIGTERM, raised by the command's own handler so that no library mistakes
    it for an error of its own (click turns KeyboardInterrupt into "Aborted!", exit 1)."""

    def __init__(self, signum: int = 2) -> None:
        super().__init__(signum)
        self.signum = signum

    @property
    def exit_code(self) -> int:
        """128 + the signal, as shells report it: 130 for Ctrl-C, 143 for SIGTERM."""
        return 128 + self.signum


class PageBudgetError(BriefgenError):
    """PDFs that take more pages than their audience's max_pages; nothing was written."""

    def __init__(self, messages: list[str]) -> None:
        self.messages = messages
        super().__init__("; ".join(messages))

    def lines(self) -> list[str]:
        return [printable(f"error: {m}") for m in self.messages]


class LayoutError(BriefgenError):
    """A PDF whose own check found a defect its repairs could not mend: overlapping
    lines, text over the notes, text past the page's edge. Nothing was written."""


class OutputError(BriefgenError):
    """The outputs could not be written; earlier outputs are left as they were."""


def _problem_order(problem: Problem) -> tuple[str, int, int]:
    return (str(problem.file or ""), problem.line or 0, problem.column or 0)
