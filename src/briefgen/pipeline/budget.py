"""Page budgets: a PDF over its audience's `max_pages` fails the build, or, with
`allow_overflow: true`, warns; either way the message shows where the pages go."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import PageBudgetError, Problem, display_path

if TYPE_CHECKING:
    from .make import Rendered
    from .plan import Job


def over_budget(jobs: list[Job], outputs: dict[Path, Rendered]) -> list[Problem]:
    """Warnings for PDFs over budget that may overflow; PageBudgetError for the others."""
    errors, warnings = [], []
    for job in jobs:
        limit = job.audience.config.max_pages
        rendered = outputs.get(job.target)
        if job.fmt != "pdf" or limit is None or rendered is None or rendered.pages <= limit:
            continue
        message = budget_message(job, rendered, limit)
        if job.audience.config.allow_overflow:
            warnings.append(Problem(job.target, None, None, "", message, "over-page-budget"))
        else:
            errors.append(f"{display_path(job.target)}: {message}")
    if errors:
        raise PageBudgetError(errors)
    return warnings


def budget_message(job: Job, rendered: Rendered, limit: int) -> str:
    audience = job.audience
    by_size = sorted(rendered.sections, key=lambda s: -s[1])
    space = ", ".join(f"{name} {pages:.1f}" for name, pages in by_size)
    rest = rendered.pages - sum(pages for _, pages in rendered.sections)
    message = (
        f"the {audience.name} PDF takes {rendered.pages} pages, over its max_pages of {limit}. "
        f"Pages by section: {space}; title, notes and margins {rest:.1f}. "
    )
    if audience.config.allow_overflow:
        return message + "Kept, as its audience allows (allow_overflow: true)"
    return message + f"Cut statements where the most space goes, or {_how_to_allow(job)}"


def _how_to_allow(job: Job) -> str:
    audience = job.audience
    if audience.root.builtin and job.content.folder is not None:
        # A built-in is not the user's to edit: an override of one setting is.
        own = job.content.folder / "templates" / audience.name / "audience.yaml"
        where = f" in {display_path(own)} (a file of that line alone inherits the rest)"
    else:
        where = f" in {display_path(audience.dirs[0] / 'audience.yaml')}"
    return f"set allow_overflow: true{where}"
