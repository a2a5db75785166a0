"""The one way a brief is opened: every command that reads a brief (build, check, serve,
diff, the benchmark) starts here, as every MkDocs command starts at load_config().

`open_brief` reads and validates the brief's files (with its project's source
library), finds its audiences (each audience.yaml validated), and cross-checks
what only the two together can tell: audience names in `audiences:`, figures
and tables a text refers to but an audience does not see, the citation style
(tried on a trial source, as a build will use it), and each Word audience's
reference document. Whatever a build would refuse later, this refuses first,
at the line that causes it; every problem is reported at once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import ContentError, Problem, TemplateError, UsageError

if TYPE_CHECKING:
    from .audiences import Audience
    from .content.load import Document
    from .content.models import Content


@dataclass(frozen=True)
class OpenBrief:
    """A brief, validated, with every audience it may be built for."""

    folder: Path
    content: Content
    documents: dict[str, Document]
    audiences: dict[str, Audience]
    # What a build says but does not refuse (an audience cleared above its parent).
    warnings: list[Problem] = field(default_factory=list)
    # What a build refuses, kept here only when opened with `keep_going` (for check).
    errors: list[Problem] = field(default_factory=list)

    def select(self, names: list[str] | None, templates: Path | None = None) -> list[Audience]:
        """The audiences named (every one when none are); an unknown name is a usage
        error that lists those found and where they were looked for."""
        from .audiences import select_audiences
        from .template_search import search_path

        return select_audiences(self.audiences, names, search_path(self.folder, templates))


def open_brief(
    folder: Path,
    templates: Path | None = None,
    *,
    keep_going: bool = False,
    only: list[str] | None = None,
) -> OpenBrief:
    """The brief at `folder`, or a ContentError naming every problem, each at its line.

    With `keep_going` (what `check` asks for), problems found once the content and the
    audiences are read (an unknown audience name, a hidden reference, a style or
    reference document that cannot be used) are returned in `errors` instead, so that
    the lints can still run. With `only` (a build of some audiences), what concerns one
    audience alone is checked for those.
    """
    from .audiences import check_templates_option, find_audiences
    from .clearance import hidden_references
    from .content.validate import unknown_audiences, validate_brief

    if not folder.is_dir():
        raise UsageError(f"no brief folder at '{folder}'")
    check_templates_option(templates)
    problems: list[Problem] = []
    content = None
    try:
        content, documents = validate_brief(folder)
    except ContentError as exc:
        problems += exc.problems
    try:
        audiences = find_audiences(folder, templates)
    except ContentError as exc:  # an audience.yaml, at its line
        problems += exc.problems
    except TemplateError as exc:
        problems.append(Problem(None, None, None, "", str(exc), "invalid-template"))
    if problems or content is None:
        raise ContentError(problems)
    errors = unknown_audiences(content, documents, list(audiences))
    chosen = [a for name, a in audiences.items() if not only or name in only]
    if not errors:  # the filter below needs every audience name known
        errors += hidden_references(content, documents, chosen)
    errors += style_problems(content, documents["brief"])
    errors += word_problems(chosen)
    if errors and not keep_going:
        raise ContentError(errors)
    warnings = [
        Problem(a.dirs[0] / "audience.yaml", None, None, "", a.raised_clearance, "raised-clearance")
        for a in audiences.values()
        if a.raised_clearance
    ]
    return OpenBrief(folder, content, documents, audiences, warnings, errors)


def style_problems(content: Content, brief: Document) -> list[Problem]:
    """The citation style, tried as the build will use it: a style citeproc-py cannot
    format with is an error at `citation_style`, not a failure inside a build."""
    from .document.csl import StyleTrialError, try_style

    try:
        try_style(content.brief.citation_style, content.folder, content.brief.lang)
    except StyleTrialError as exc:
        return [
            brief.problem(("citation_style",), "citation_style", str(exc), code="unknown-style")
        ]
    return []


def word_problems(audiences: Iterable[Audience]) -> list[Problem]:
    """Each reference document a Word output will take its styles from: readable, and
    holding nothing that reaches outside the file."""
    from .render.house_style import HouseStyleError, read_house_style, reference_docx

    problems: list[Problem] = []
    seen: set[Path] = set()
    for audience in audiences:
        if "docx" not in audience.config.formats:
            continue
        path = reference_docx(audience)
        if path in seen:
            continue
        seen.add(path)
        try:
            read_house_style(path)
        except HouseStyleError as exc:
            problems.append(Problem(path, None, None, "", str(exc), "bad-reference-docx"))
    return problems
