"""Lints beyond the schema, each with a stable code: what an editor runs before a brief goes out.

Every finding names file:line:col, the field path and what to do. The codes
are documented in the README and are stable: CI configurations depend on them.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from ..audiences import Audience
from ..content.load import Document
from ..content.markup import plain
from ..content.models import Cited, Content, Figure, Row, Statement
from ..content.sections import (
    all_cited,
    item_cited,
    located_cited,
    located_statements,
    reader_texts,
)
from ..content.validate import field_path
from ..errors import (
    BriefgenError,
    ContentError,
    Problem,
    TemplateError,
    UsageError,
    display_path,
    printable,
)
from ..opening import open_brief
from ..render.fonts import Gap
from .snapshots import SnapshotError, closest_passage, normalise, snapshot_text

if TYPE_CHECKING:
    from ..render.html import Medium

# A note tells what was not done (quotes left unverified) and never fails a check.
Severity = Literal["error", "warning", "note"]
WEAK = {"D", "E", "F"}


@dataclass(frozen=True)
class Finding:
    severity: Severity
    problem: Problem

    @property
    def code(self) -> str:
        return self.problem.code

    def as_dict(self) -> dict[str, object]:
        p = self.problem
        return {
            "code": p.code,
            "severity": self.severity,
            "file": str(p.file) if p.file else None,
            "line": p.line,
            "column": p.column,
            "path": p.path,
            "message": p.message,
        }


@dataclass
class Review:
    """What every lint looks at: the content, where each value stands, the snapshots
    (None when there is no snapshot folder at all), and the audiences."""

    content: Content
    documents: dict[str, Document]
    snapshot_dir: Path | None
    audiences: dict[str, Audience]
    snapshots_refused: bool = False  # the folder is reported already: say nothing more
    # Where the snapshots of the project library's sources are: snapshots/ beside
    # the library, unless --snapshots names one folder for all.
    library_snapshots: Path | None = None
    renderable: bool = True  # False when a page would name what it does not show

    def at(self, key: str, loc: tuple[str | int, ...], message: str, code: str) -> Problem:
        return self.documents[key].problem(loc, field_path(key, loc), message, code=code)


def check_all(
    target: Path,
    snapshots: Path | None = None,
    templates: Path | None = None,
    briefs: list[str] | None = None,
) -> list[Finding]:
    """`check` of one brief folder, or of every brief of a project (or those named)."""
    from ..project import open_project

    if not target.is_dir():
        raise UsageError(f"no brief folder at '{target}'")
    project = open_project(target)
    if project is None:
        if briefs:
            raise UsageError(f"--brief: '{target}' is one brief, not a project of briefs")
        return check(target, snapshots, templates)
    refs = list(
        dict.fromkeys([project.brief(name) for name in briefs] if briefs else project.briefs)
    )
    folders = [ref.folder for ref in refs]
    workers = min(os.cpu_count() or 1, len(folders) // BRIEFS_PER_WORKER)
    if workers < 2:
        found = [check(folder, snapshots, templates) for folder in folders]
    else:
        found = _check_in_parallel(folders, snapshots, templates, workers)
    return [named(f, ref.name) for ref, findings in zip(refs, found, strict=True) for f in findings]


def named(finding: Finding, brief: str) -> Finding:
    """In a project, a finding about no one file (a page budget, unverified quotes)
    says which brief it is about."""
    if finding.problem.file is not None:
        return finding
    message = f"brief '{brief}': {finding.problem.message}"
    return dataclasses.replace(
        finding, problem=dataclasses.replace(finding.problem, message=message)
    )


# Below this many briefs a worker, starting one costs more than it saves.
BRIEFS_PER_WORKER = 8


def _check_in_parallel(
    folders: list[Path], snapshots: Path | None, templates: Path | None, workers: int
) -> list[list[Finding]]:
    """`check` of many briefs in worker processes, as `build` lays out PDFs: findings in
    the order of the briefs, whatever order they finish in."""
    from ..pipeline.workers import pool

    tasks = [(folder, snapshots, templates) for folder in folders]
    checkers = pool(workers, preload="briefgen.check.lints")
    try:
        chunk = max(1, len(tasks) // (workers * 4))
        found: list[list[Finding]] = checkers.starmap(check, tasks, chunksize=chunk)
        checkers.close()
    except BaseException:  # Ctrl-C or an error: the other workers' results are not wanted
        checkers.terminate()
        raise
    finally:
        checkers.join()
    return found


def check(
    content_dir: Path, snapshots: Path | None = None, templates: Path | None = None
) -> list[Finding]:
    """Every finding for a brief folder, schema errors included, in file and line order.

    Whatever `build` would refuse, `check` finds: it also loads every audience
    and renders its pages (without laying out the PDF).
    """
    if not content_dir.is_dir():
        raise UsageError(f"no brief folder at '{content_dir}'")
    if snapshots is not None and not snapshots.is_dir():
        raise UsageError(f"no snapshot folder at '{snapshots}'")
    try:
        brief = open_brief(content_dir, templates, keep_going=True)
    except ContentError as exc:
        return sorted_findings([Finding("error", p) for p in exc.problems])
    findings = [Finding("error", p) for p in brief.errors]
    snapshot_dir = snapshots
    if snapshot_dir is None:
        snapshot_dir, problem = default_snapshots(content_dir)
        findings += [Finding("error", problem)] if problem else []
    review = Review(
        brief.content,
        brief.documents,
        snapshot_dir,
        brief.audiences,
        snapshots_refused=any(f.code == "snapshot-outside" for f in findings),
    )
    review.library_snapshots = snapshots or library_snapshots(content_dir)
    review.renderable = not brief.errors
    # The evidence lints build on this module's Finding and Review: imported here.
    from .evidence import EVIDENCE_LINTS

    lints = (*LINTS, *EVIDENCE_LINTS)
    if not brief.whole or any(p.code == "unknown-audience" for p in brief.errors):
        # Items left out, or an audience unknown: the audience filter and the lints
        # across the brief would mislead. A quote stands alone, so it is still verified.
        lints = (quotes,)
    findings += [f for lint in lints for f in lint(review)]
    return sorted_findings(findings)


def sorted_findings(findings: list[Finding]) -> list[Finding]:
    """In file and line order; findings about no one file come last."""
    return sorted(
        findings,
        key=lambda f: (
            f.problem.file is None,
            str(f.problem.file or ""),
            f.problem.line or 0,
            f.problem.column or 0,
        ),
    )


def default_snapshots(content_dir: Path) -> tuple[Path | None, Problem | None]:
    """The brief's own snapshots/ folder, if there is one and it is really inside the brief."""
    folder = content_dir / "snapshots"
    if not folder.exists():
        return None, None
    if not folder.resolve().is_relative_to(content_dir.resolve()):
        return None, Problem(
            folder,
            None,
            None,
            "",
            (
                f"the snapshot folder links to {folder.resolve()}, outside the brief: pass "
                "--snapshots DIR to use a folder elsewhere"
            ),
            "snapshot-outside",
        )
    return folder, None


def library_snapshots(content_dir: Path) -> Path | None:
    """snapshots/ beside the project's source library, when there is one."""
    from ..locate import library_file

    library = library_file(content_dir)
    folder = library.parent / "snapshots" if library else None
    return folder if folder is not None and folder.is_dir() else None


def problems_of(error: BriefgenError) -> list[Problem]:
    """An error as problems with a place, for the report."""
    if isinstance(error, ContentError):
        return error.problems
    return [Problem(None, None, None, "", str(error), "invalid-template")]


def quotes(review: Review) -> Iterator[Finding]:
    """Each quote must be in its source's snapshot, up to spacing, quote marks, dashes, NFKC."""
    if review.snapshot_dir is None:
        if not review.snapshots_refused:
            yield from _unverified(review)
        return
    texts: dict[str, str | None] = {}
    verified = 0
    present = {s.id for s in review.content.sources}
    for found in located_cited(review.content):
        for k, citation in enumerate(found.cited.sources):
            if not citation.quote or citation.source not in present:
                continue  # an unknown source, or one left out: an error already
            if citation.source not in texts:
                text, problem = _snapshot(review, citation.source)
                texts[citation.source] = text
                if problem:  # reported once, at the source, where it is fixed
                    yield Finding("error", problem)
            text = texts[citation.source]
            quote = normalise(citation.quote)
            verified += text is not None and quote in text
            if text is not None and quote not in text:
                passage, score = closest_passage(quote, text)
                hint = f"; closest passage ({score:.0f}% alike): “{passage}”" if passage else ""
                yield Finding(
                    "error",
                    review.at(
                        found.file,
                        (*found.loc, "sources", k, "quote"),
                        f"quote not found in the snapshot of '{citation.source}'{hint}",
                        "quote-not-found",
                    ),
                )
    if verified:
        sources = sum(text is not None for text in texts.values())
        message = (
            f"{verified} quote{'s' * (verified != 1)} verified against the snapshots of "
            f"{sources} source{'s' * (sources != 1)} in {display_path(review.snapshot_dir)}"
        )
        yield Finding("note", Problem(None, None, None, "", message, "quotes-verified"))


def _unverified(review: Review) -> Iterator[Finding]:
    """No snapshot folder at all: copies of sources are often kept out of a repository."""
    count = sum(1 for s in all_cited(review.content) for c in s.sources if c.quote)
    if count:
        yield Finding(
            "note",
            Problem(
                None,
                None,
                None,
                "",
                (
                    f"{count} quote{'s' * (count != 1)} not verified: no snapshot folder; "
                    "pass --snapshots DIR"
                ),
                "quotes-not-verified",
            ),
        )


def _snapshot(review: Review, source_id: str) -> tuple[str | None, Problem | None]:
    assert review.snapshot_dir is not None
    index = next(i for i, s in enumerate(review.content.sources) if s.id == source_id)
    source = review.content.sources[index]
    if not source.snapshot:
        return None, review.at(
            "sources",
            (index, "id"),
            (
                f"source '{source_id}' has quoted statements but no snapshot to verify them "
                "against: add `snapshot:` with a saved copy of the source"
            ),
            "quote-without-snapshot",
        )
    where = (index, "snapshot")
    folder = review.snapshot_dir
    if source.id in review.content.library and review.library_snapshots is not None:
        folder = review.library_snapshots
    root = folder.resolve()
    path = (folder / source.snapshot).resolve()
    if not path.is_relative_to(root):
        return None, review.at(
            "sources",
            where,
            (f"snapshot '{source.snapshot}' is outside the snapshot folder {folder}"),
            "snapshot-outside",
        )
    if not path.is_file():
        return None, review.at(
            "sources",
            where,
            (
                f"snapshot '{source.snapshot}' not found in {folder} "
                "(pass --snapshots DIR if they are kept elsewhere)"
            ),
            "snapshot-missing",
        )
    try:
        return snapshot_text(path), None
    except (SnapshotError, ContentError) as exc:
        return None, review.at("sources", where, str(exc), "snapshot-unreadable")


def unused_sources(review: Review) -> Iterator[Finding]:
    cited = {c.source for s in all_cited(review.content) for c in s.sources}
    for i, source in enumerate(review.content.sources):
        # A project's library is there to pick from: no brief cites all of it.
        if source.id not in cited and source.id not in review.content.library:
            yield Finding(
                "warning",
                review.at(
                    "sources",
                    (i, "id"),
                    f"source '{source.id}' is never cited: cite or remove it",
                    "unused-source",
                ),
            )


def weak_evidence(review: Review) -> Iterator[Finding]:
    """A key judgment or a milestone resting only on sources graded D–F."""
    from .evidence import attributed

    grade = {s.id: s.reliability for s in review.content.sources}

    def weak(statement: Cited) -> bool:
        sources = [review.content.source(c.source) for c in statement.sources]
        # A text that says whose claim it is tells the reader the evidence is weak.
        if attributed(cited_text(statement), sources):
            return False
        return all(grade[c.source] in WEAK for c in statement.sources)

    for i, statement in enumerate(review.content.brief.summary):
        if weak(statement):
            yield Finding(
                "warning",
                review.at(
                    "brief",
                    ("summary", i, "sources"),
                    (
                        "this key judgment rests only on sources graded D–F: add a stronger source "
                        "or say in the text that the evidence is weak"
                    ),
                    "weak-evidence",
                ),
            )
    for i, milestone in enumerate(review.content.items("milestones")):
        if all(weak(s) for s in item_cited(milestone)):
            yield Finding(
                "warning",
                review.at(
                    "milestones",
                    (i, "statements"),
                    (
                        f"milestone '{milestone.title}' rests only on sources graded D–F: "
                        "add a stronger source"
                    ),
                    "weak-evidence",
                ),
            )


def doubtful_judgments(review: Review) -> Iterator[Finding]:
    for i, statement in enumerate(review.content.brief.summary):
        if statement.credibility and statement.credibility >= 5:
            yield Finding(
                "warning",
                review.at(
                    "brief",
                    ("summary", i, "credibility"),
                    (
                        f"a key judgment graded credibility {statement.credibility} (improbable or "
                        "cannot be judged): move it to the open questions or reword it"
                    ),
                    "doubtful-judgment",
                ),
            )


def milestones_after_brief(review: Review) -> Iterator[Finding]:
    as_of = review.content.brief.date.isoformat()
    for i, milestone in enumerate(review.content.items("milestones")):
        if milestone.date[: len(as_of)] > as_of[: len(milestone.date)]:
            yield Finding(
                "error",
                review.at(
                    "milestones",
                    (i, "date"),
                    (
                        f"milestone dated {milestone.date}, after the brief's date {as_of}: "
                        "correct the date or move the brief's date"
                    ),
                    "milestone-after-brief",
                ),
            )


def duplicate_statements(review: Review) -> Iterator[Finding]:
    first: dict[str, tuple[str, int]] = {}
    for found in located_statements(review.content):
        text = normalise(found.statement.text).casefold()
        line = review.documents[found.file].position(found.loc)[0]
        if text in first:
            where_key, where_line = first[text]
            yield Finding(
                "warning",
                review.at(
                    found.file,
                    (*found.loc, "text"),
                    (f"the same statement as {where_key}.yaml:{where_line}: keep one"),
                    "duplicate-statement",
                ),
            )
        else:
            first[text] = (found.file, line)


def accessed_before_published(review: Review) -> Iterator[Finding]:
    for i, source in enumerate(review.content.sources):
        if source.accessed and source.published:
            accessed = source.accessed.isoformat()
            if accessed[: len(source.published)] < source.published:
                yield Finding(
                    "error",
                    review.at(
                        "sources",
                        (i, "accessed"),
                        (
                            f"accessed {accessed}, before it was published ({source.published}): "
                            "correct one of the dates"
                        ),
                        "accessed-before-published",
                    ),
                )


def invisible_statements(review: Review) -> Iterator[Finding]:
    """A statement that no audience shows, from clearance, sections and `audiences`
    together: in a section no audience (it is aimed at) has, or above the clearance of
    every one that has it."""
    from ..clearance import visible

    default = review.content.default_marking
    for found in located_statements(review.content):
        section, statement = found.section, found.statement
        aimed = [a for a in review.audiences.values() if a.name in (found.audiences or [a.name])]
        readers = [a for a in aimed if section in a.config.sections]
        scheme = review.content.scheme
        if any(visible(statement, default, a.config.clearance, scheme) for a in readers):
            continue
        marking = statement.marking or default
        names = ", ".join(found.audiences or [])
        who = f"of the audiences it is aimed at ({names}), none" if names else "no audience"
        why = (
            f"{who} shows the {section} section"
            if not readers
            else f"it is {marking} and {who} that shows {section} is cleared for that"
        )
        yield Finding(
            "warning",
            review.at(
                found.file,
                found.loc,
                (
                    f"no audience will show this statement: {why}; change its marking or an "
                    "audience, or remove it"
                ),
                "invisible-statement",
            ),
        )


# The pages each format is made from: a web page for HTML, a print page for the PDF.
PAGE_FORMATS: tuple[tuple[Medium, str], ...] = (("web", "html"), ("print", "pdf"))


def audience_pages(review: Review) -> Iterator[Finding]:
    """Every audience's pages render, and load nothing they may not: what build checks.
    What this machine cannot set in the PDFs is one warning per font package that
    would mend it, for every audience together."""
    from ..clearance import filter_content
    from ..document import created_date
    from ..document.make import make_document
    from ..render.fonts import merged
    from ..render.html import check_loads, glyph_gaps_of, render_html

    if not review.renderable:
        return
    gaps = []
    for audience in review.audiences.values():
        visible_content = filter_content(review.content, audience)
        doc = make_document(visible_content, audience, created_date(review.content))
        formats = audience.config.formats
        for medium in [m for m, f in PAGE_FORMATS if f in formats]:
            try:
                html = render_html(doc, audience, medium, web_fonts=False)
                check_loads(html, audience, medium)
            except TemplateError as exc:
                message = f"audience '{audience.name}' ({medium}): {exc}"
                yield Finding("error", Problem(None, None, None, "", message, "invalid-template"))
                break
            if medium == "print":
                gaps += glyph_gaps_of(html, visible_content)
    for gap in merged(gaps):
        yield Finding("warning", _gap_problem(review, gap))


def _gap_problem(review: Review, gap: Gap) -> Problem:
    place, code = gap.place, "missing-glyph" if gap.kind == "missing" else "fallback-font"
    if place.file is None or place.file not in review.documents:
        return Problem(None, None, None, "", gap.message(), code)
    return review.at(place.file, place.loc, gap.message(), code)


def language(review: Review) -> Iterator[Finding]:
    """A language with no catalogue of labels or citation locale; labels no template has."""
    from ..document.citeproc_fixes import missing_warnings
    from ..document.csl import note_warnings
    from ..document.i18n import language_warnings
    from ..locales.messages import known_keys

    for message in missing_warnings():
        yield Finding("warning", Problem(None, None, None, "", message, "patch-missing"))
    lang = review.content.brief.lang
    for message in (*language_warnings(lang), *note_warnings(lang)):
        yield Finding("warning", review.at("brief", ("lang",), message, "language"))
    keys = known_keys()
    for key in review.content.brief.labels:
        if key not in keys:
            yield Finding(
                "warning",
                review.at(
                    "brief",
                    ("labels", key),
                    (
                        f"no built-in template prints a label '{key}'"
                        f"{_did_you_mean(key, keys)}: check the key"
                    ),
                    "unknown-label",
                ),
            )


def _did_you_mean(key: str, keys: frozenset[str]) -> str:
    import difflib

    close = difflib.get_close_matches(key, sorted(keys), n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""


# The most text an A4 page of a brief holds, notes included, in characters: dense
# 9.5 pt type fills a page with about 4,000 (the minister's note), so an estimate
# over the budget at 6,000 a page is over it for certain.
CHARACTERS_PER_PAGE = 6000
# Past this share of its budget by count, whether a PDF fits is the layout's to say.
UNSURE_SHARE = 0.6
NOTE_CHARACTERS = 80  # a short note; first notes are longer
FIGURE_CHARACTERS = 1500  # a figure takes about a quarter of a page


def page_budget(review: Review) -> Iterator[Finding]:
    """An audience whose text alone already fills more pages than its `max_pages`: an
    early warning of what the build will refuse, from counting, without a layout."""
    from ..clearance import filter_content

    for audience in review.audiences.values():
        limit = audience.config.max_pages
        if limit is None or audience.config.allow_overflow or "pdf" not in audience.config.formats:
            continue
        by_section: dict[str, int] = {}
        visible = filter_content(review.content, audience)
        for found in located_cited(visible):
            size = len(cited_text(found.cited)) + NOTE_CHARACTERS * len(found.cited.sources)
            size += FIGURE_CHARACTERS if isinstance(found.cited, Figure) else 0
            by_section[found.section] = by_section.get(found.section, 0) + size
        pages = sum(by_section.values()) / CHARACTERS_PER_PAGE
        if limit * UNSURE_SHARE < pages <= limit:
            message = (
                f"audience '{audience.name}': its text alone fills about {pages:.1f} of its "
                f"{limit} pages; only the build's layout can tell whether the PDF keeps "
                "within them"
            )
            yield Finding("note", Problem(None, None, None, "", message, "page-budget-unsure"))
        if pages <= limit:
            continue
        largest = sorted(by_section.items(), key=lambda s: -s[1])
        sizes = ", ".join(f"{name} {size:,}" for name, size in largest)
        message = (
            f"audience '{audience.name}': its statements and notes fill at least {pages:.1f} "
            f"pages, over its max_pages of {limit} (characters by section: {sizes}); "
            "the build will fail: cut, or allow_overflow: true in its audience.yaml"
        )
        yield Finding("warning", Problem(None, None, None, "", message, "over-page-budget"))


# All-capitals words every reader of a policy brief knows, and Roman numerals.
COMMON_ACRONYMS = frozenset({"NATO", "USA", "GDP", "UTC", "CEO", "PDF", "URL", "HTML"})
_ACRONYM = re.compile(r"(?<![\w-])([A-Z][A-Z0-9&]{2,9})(?![\w-])")
_ROMAN = re.compile(r"^[IVXLCDM]+$")


def undefined_abbreviations(review: Review) -> Iterator[Finding]:
    """An all-capitals word of three letters or more that abbreviations.yaml does not
    define: readers outside the field may not know it. Once per word, at its first use."""
    known = set(review.content.abbreviations) | COMMON_ACRONYMS
    reported: set[str] = set()
    for file, loc, text in reader_texts(review.content):
        for match in _ACRONYM.finditer(plain(text)):
            word = match[1]
            letters = sum(ch.isalpha() for ch in word)
            if word in known or word in reported or letters < 3 or _ROMAN.match(word):
                continue
            reported.add(word)
            yield Finding(
                "warning",
                review.at(
                    file,
                    loc,
                    f"'{word}' is not in abbreviations.yaml: add it with what it stands for "
                    f"({word}: …), so that readers get it spelt out at its first use",
                    "undefined-abbreviation",
                ),
            )


def cited_text(cited: Cited) -> str:
    """What a reader reads of it: a statement's text, a figure's caption, a row's cells."""
    if isinstance(cited, Statement):
        return cited.text
    if isinstance(cited, Figure):
        return cited.caption
    return " ".join(cited.cells) if isinstance(cited, Row) else ""


def unread_files(review: Review) -> Iterator[Finding]:
    """YAML files of the brief folder that no part of briefgen reads."""
    from ..content.sections import stray_files

    folder = review.content.folder
    for problem in stray_files(folder) if folder is not None else []:
        yield Finding("warning", problem)


def raised_clearances(review: Review) -> Iterator[Finding]:
    """An audience cleared above the audience it extends or overrides."""
    from ..content.load import load_yaml

    for audience in review.audiences.values():
        message = audience.raised_clearance(review.content.scheme)
        if message is None:
            continue
        path = audience.dirs[0] / "audience.yaml"
        if path.is_file():
            doc = load_yaml(path, audience.dirs[0])
            problem = doc.problem(("clearance",), "clearance", message, code="raised-clearance")
        else:
            problem = Problem(path, None, None, "", message, "raised-clearance")
        yield Finding("warning", problem)


def house_styles(review: Review) -> Iterator[Finding]:
    """What a Word audience's reference document holds that no output takes: said once,
    as a note, so that a house knows its old text and headers stay behind."""
    from ..render.house_style import HouseStyleError, read_house_style, reference_docx

    seen = set()
    for audience in review.audiences.values():
        if "docx" not in audience.config.formats:
            continue
        path = reference_docx(audience)
        if path in seen or path.resolve().is_relative_to(builtin_root()):
            continue
        seen.add(path)
        try:
            left_out = read_house_style(path).left_out
        except HouseStyleError:
            continue  # an error of open_brief's already
        if left_out:
            message = (
                f"Word outputs take only its styles, numbering, page setup, theme and fonts; "
                f"left out: {', '.join(left_out)}"
            )
            yield Finding("note", Problem(path, None, None, "", message, "reference-docx"))


def builtin_root() -> Path:
    from ..template_search import builtin_templates

    return builtin_templates().resolve()


LINTS: tuple[Callable[[Review], Iterator[Finding]], ...] = (
    quotes,
    unread_files,
    raised_clearances,
    house_styles,
    unused_sources,
    weak_evidence,
    doubtful_judgments,
    milestones_after_brief,
    duplicate_statements,
    accessed_before_published,
    invisible_statements,
    page_budget,
    undefined_abbreviations,
    audience_pages,
    language,
)


def failed(findings: list[Finding], strict: bool) -> bool:
    return any(f.severity == "error" or (strict and f.severity == "warning") for f in findings)


def report(findings: list[Finding], fmt: str, colour: bool = False) -> str:
    """The findings as text (one per line), JSON, or GitHub workflow annotations."""
    if fmt == "json":
        return json.dumps([f.as_dict() for f in findings], indent=2, ensure_ascii=False) + "\n"
    if fmt == "github":
        return "".join(_github(f) + "\n" for f in findings)
    lines = [_text(f, colour) for f in findings]
    counts = [sum(f.severity == kind for f in findings) for kind in ("error", "warning", "note")]
    summary = (
        f"{counts[0]} error{'s' * (counts[0] != 1)}, {counts[1]} warning{'s' * (counts[1] != 1)}"
    )
    if counts[2]:
        summary += f", {counts[2]} note{'s' * (counts[2] != 1)}"
    lines.append(summary)
    return "\n".join(lines) + "\n"


def _text(finding: Finding, colour: bool) -> str:
    p = finding.problem
    label = f"{finding.severity}[{p.code}]"
    if colour:
        tint = {"error": "31", "warning": "33", "note": "36"}[finding.severity]
        label = f"\033[1;{tint}m{label}\033[0m"
    head = ": ".join(part for part in (p.location(), label, p.path) if part)
    return printable(f"{head}: {p.message}")


def _github(finding: Finding) -> str:
    p = finding.problem
    where = ",".join(
        f"{k}={v}"
        for k, v in (("file", p.file and display_path(p.file)), ("line", p.line), ("col", p.column))
        if v
    )
    message = f"{p.path}: {p.message} [{p.code}]" if p.path else f"{p.message} [{p.code}]"
    # Workflow commands end at a newline; GitHub decodes these escapes.
    message = message.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    level = "notice" if finding.severity == "note" else finding.severity
    return f"::{level} {where}::{printable(message)}"
