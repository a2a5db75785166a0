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
    # False when the content has errors: `content` then holds what validated, for check.
    whole: bool = True

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
    audiences are read (an item that does not validate, an unknown audience name, a
    hidden reference, a style or reference document that cannot be used) are returned
    in `errors` instead, so that the lints can still run (on the items that validated,
    when some did not: see `whole`). With `only` (a build of some audiences), what concerns one
    audience alone is checked for those.
    """
    from .audiences import check_templates_option, find_audiences
    from .clearance import hidden_references
    from .content.sections import stray_files
    from .content.validate import read_brief, unknown_audiences

    if not folder.is_dir():
        raise UsageError(f"no brief folder at '{folder}'")
    check_templates_option(templates)
    validated = read_brief(folder)
    content, documents = validated.content, validated.documents
    problems: list[Problem] = []
    try:
        audiences = find_audiences(folder, templates)
    except ContentError as exc:  # an audience.yaml, at its line
        problems += exc.problems
    except TemplateError as exc:
        problems.append(Problem(None, None, None, "", str(exc), "invalid-template"))
    if problems or content is None:
        raise ContentError(validated.problems + problems)
    audiences, errors = cleared(audiences, content, documents, only)
    errors = validated.problems + errors + unknown_audiences(content, documents, list(audiences))
    chosen = [a for name, a in audiences.items() if not only or name in only]
    if not errors:  # the filter below needs every audience name and clearance known
        errors += hidden_references(content, documents, chosen)
    errors += style_problems(content, documents["brief"])
    errors += word_problems(chosen)
    if errors and not keep_going:
        raise ContentError(errors)
    warnings = stray_files(folder)
    for audience in audiences.values():
        message = audience.raised_clearance(content.scheme)
        if message:
            path = audience.dirs[0] / "audience.yaml"
            warnings.append(Problem(path, None, None, "", message, "raised-clearance"))
    return OpenBrief(folder, content, documents, audiences, warnings, errors, validated.whole)


def cleared(
    audiences: dict[str, Audience],
    content: Content,
    documents: dict[str, Document],
    only: list[str] | None,
) -> tuple[dict[str, Audience], list[Problem]]:
    """Each audience cleared as the brief's marking scheme clears it. An audience that
    is built needs a clearance in the scheme: one it lacks is an error, never a default."""
    from .content.schemes import scheme_label

    scheme = content.scheme
    out, problems = {}, []
    for name, audience in audiences.items():
        out[name] = audience.cleared(scheme)
        level = out[name].config.clearance
        if scheme.knows(level) or (only and name not in only):
            continue
        message = (
            f"audience '{name}' has no clearance in the {scheme_label(scheme)} marking scheme: "
            f"'{level}' is not one of its levels ({scheme.suggestion(level)}); give it one in "
            f"the scheme's clearance ({name}: LEVEL), or as clearance: in its audience.yaml"
        )
        problems.append(_scheme_place(content, documents, audience, message))
    return out, problems


def _scheme_place(
    content: Content, documents: dict[str, Document], audience: Audience, message: str
) -> Problem:
    """Where a clearance is missing: the brief's scheme, else the audience's own file,
    else the project's briefgen.yaml."""
    code = "missing-clearance"
    if content.brief.marking_scheme is not None:
        at = ("marking_scheme",)
        return documents["brief"].problem(at, "marking_scheme", message, code=code, key=True)
    own = audience.dirs[0] / "audience.yaml"
    if not audience.root.builtin and own.is_file():
        from .content.load import load_yaml

        return load_yaml(own, audience.dirs[0]).problem(
            ("clearance",), "clearance", message, code=code
        )
    from .locate import PROJECT_FILE, project_root

    root = project_root(content.folder or Path("."))
    where = root / PROJECT_FILE if root is not None else None
    return Problem(where, None, None, "marking_scheme", message, code)


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
