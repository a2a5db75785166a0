"""The command line: each command parses flags, calls one library function, maps the outcome.

Library modules are imported inside the commands so that `briefgen --help`
stays fast; WeasyPrint in particular loads only when a PDF is made.
"""

from __future__ import annotations

import sys
import traceback
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from typer.core import TyperArgument, TyperGroup

from .__main__ import INTERRUPTED
from .errors import BriefgenError, Interrupted, display_path


class _PlainHelp(TyperGroup):
    """Help that says what a value is (DIR, NAME), as the metavars do, and not the
    Python type an argument is declared with (`<str>`): what a desk officer reads."""

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        command = super().get_command(ctx, cmd_name)
        for param in getattr(command, "params", []):
            if isinstance(param, TyperArgument):
                param.display_type = _no_type  # type: ignore[method-assign]
        return command


def _no_type(ctx: Any) -> str:
    return ""


app = typer.Typer(
    name="briefgen",
    cls=_PlainHelp,
    help="Footnoted policy briefs, PDF, web page and Word, one per audience, from validated YAML.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    # Plain help, as git's or pandoc's: rich's help formatter takes longer to
    # load than the rest of the command line together.
    rich_markup_mode=None,
)

sources_app = typer.Typer(
    cls=_PlainHelp,
    help="Manage the brief's sources.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(sources_app, name="sources")


class _ListByDefault(_PlainHelp):
    """`briefgen audiences [DIR]` lists: a first word that is no subcommand goes to `list`."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        if not args or (args[0] not in self.commands and args[0] not in ("--help", "-h")):
            args = ["list", *args]
        return super().parse_args(ctx, args)


audiences_app = typer.Typer(
    cls=_ListByDefault,
    help="List the audiences (where each is found, what it extends) or scaffold one.",
    rich_markup_mode=None,
)
app.add_typer(audiences_app, name="audiences")

T = TypeVar("T")


class FormatChoice(StrEnum):
    pdf = "pdf"
    html = "html"
    docx = "docx"


class ReportFormat(StrEnum):
    text = "text"
    json = "json"
    github = "github"


ContentDir = Annotated[Path, typer.Argument(help="The brief folder (holding brief.yaml).")]
BriefsDir = Annotated[
    Path,
    typer.Argument(
        help="A brief folder (holding brief.yaml), a folder of brief folders, or a project "
        "(holding briefgen.yaml)."
    ),
]
BriefNames = Annotated[
    list[str] | None,
    typer.Option(
        "--brief", "-b", metavar="NAME", help="In a project, only this brief (repeatable)."
    ),
]
TemplatesDir = Annotated[
    Path | None,
    typer.Option(
        "--templates",
        metavar="DIR",
        help="A folder of audiences, searched before the brief's templates/ and the built-ins.",
    ),
]


def _version(shown: bool) -> None:
    if shown:
        from . import __version__

        typer.echo(f"briefgen {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    debug: Annotated[
        bool, typer.Option("--debug", help="Show a traceback for unexpected errors.")
    ] = False,
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """Options of every command, kept for where errors are reported."""
    _options.debug = debug


class _Options:
    debug = False


_options = _Options()


@app.command(short_help="Build the PDF, web page and Word file of every audience.")
def build(
    content_dir: BriefsDir = Path("content"),
    audience: Annotated[
        list[str] | None,
        typer.Option(
            "--audience", "-a", metavar="NAME", help="Build only this audience (repeatable)."
        ),
    ] = None,
    format: Annotated[
        list[FormatChoice] | None,
        typer.Option(
            "--format",
            "-f",
            metavar="FORMAT",
            help="Build only this format: pdf, html or docx (repeatable).",
        ),
    ] = None,
    out: Annotated[
        Path, typer.Option("--out", "-o", metavar="DIR", help="The output folder.")
    ] = Path("build"),
    templates: TemplatesDir = None,
    force: Annotated[
        bool, typer.Option("--force", help="Rebuild even what is up to date.")
    ] = False,
    strict: Annotated[
        bool, typer.Option("--strict", help="Warnings fail the build; nothing is written.")
    ] = False,
    jobs: Annotated[
        int | None,
        typer.Option(
            "--jobs", "-j", min=1, metavar="N", help="PDFs laid out at once (default: the cores)."
        ),
    ] = None,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="Print errors and warnings only.")
    ] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Name every output.")] = False,
    brief: BriefNames = None,
    briefs_from: Annotated[
        str | None,
        typer.Option(
            "--briefs-from",
            metavar="FILE",
            help="In a project, only the briefs named in this file, one per line "
            "('-': standard input), as `briefgen changed` lists them.",
        ),
    ] = None,
    open_outputs: Annotated[
        bool,
        typer.Option(
            "--open",
            help="Open what was built: each audience's PDF (else its web page or Word "
            "file); for several briefs, each audience's index page.",
        ),
    ] = False,
) -> None:
    """Build every audience (or those named) to OUT/<audience>/brief.pdf, .html, .docx
    (or the name `output_name` in brief.yaml gives).

    A project builds each brief to OUT/<brief>/<audience>/, and an index of the
    briefs each audience sees to OUT/<audience>/index.html. Outputs whose inputs
    have not changed since the last build are skipped.
    """
    from .pipeline import build as run_build
    from .pipeline.builder import to_open
    from .pipeline.progress import BuildDisplay

    if briefs_from is not None:
        brief = [*(brief or []), *_run(lambda: _names_from(briefs_from))]
    with BuildDisplay(quiet=quiet, verbose=verbose) as display:
        result = _run(
            lambda: run_build(
                content_dir,
                audiences=audience,
                formats=[f.value for f in format or []],
                out_dir=out,
                templates=templates,
                force=force,
                strict=strict,
                jobs=jobs,
                progress=display.update,
                briefs=brief,
            )
        )
    for path, why in result.removed:
        typer.echo(f"removed {display_path(path)}: {why}", err=True)
    if open_outputs:
        for path in to_open([*result.written, *result.skipped], out):
            _launch(str(path))
    for warning in result.warnings:
        typer.echo(f"warning: {warning}", err=True)
    if not quiet:
        typer.echo(
            f"built {len(result.written)}, skipped {len(result.skipped)}, in {result.seconds:.1f} s"
        )


def _names_from(source: str) -> list[str]:
    """Brief names, one per line, from a file or standard input; none is an error, so
    that an empty list never quietly means every brief."""
    from .errors import UsageError

    try:
        text = sys.stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"--briefs-from: cannot read '{source}': {exc}") from None
    names = [line.strip() for line in text.splitlines() if line.strip()]
    if not names:
        raise UsageError(f"--briefs-from: '{source}' names no brief")
    return names


@app.command(short_help="Validate, verify quotes and lint, without building.")
def check(
    content_dir: BriefsDir = Path("content"),
    snapshots: Annotated[
        Path | None,
        typer.Option(
            metavar="DIR", help="The snapshot folder (default: snapshots/ in the brief folder)."
        ),
    ] = None,
    format: Annotated[
        ReportFormat, typer.Option("--format", "-f", help="How to report findings.")
    ] = ReportFormat.text,
    strict: Annotated[bool, typer.Option("--strict", help="Warnings fail too.")] = False,
    templates: TemplatesDir = None,
    brief: BriefNames = None,
) -> None:
    """Validate the brief (or every brief of a project), verify every quote against its
    snapshot, and lint it."""
    from .check import check_all, failed, report

    findings = _run(lambda: check_all(content_dir, snapshots, templates, brief))
    colour = format is ReportFormat.text and sys.stdout.isatty()
    typer.echo(report(findings, format.value, colour), nl=False)
    if failed(findings, strict):
        raise typer.Exit(1)


class DiffFormat(StrEnum):
    text = "text"
    markdown = "markdown"
    json = "json"


@app.command(short_help="What changed between two versions of a brief, and for whom.")
def diff(
    old: Annotated[
        Path | None,
        typer.Argument(
            metavar="OLD", help="The old brief (or project) folder; with --rev, the one folder."
        ),
    ] = None,
    new: Annotated[
        Path | None, typer.Argument(metavar="NEW", help="The new brief (or project) folder.")
    ] = None,
    rev: Annotated[
        str | None,
        typer.Option(
            "--rev", metavar="OLD..NEW", help="Two git revisions, OLD..NEW (e.g. main..HEAD)."
        ),
    ] = None,
    format: Annotated[
        DiffFormat, typer.Option("--format", "-f", help="text, markdown or json.")
    ] = DiffFormat.text,
) -> None:
    """Statement by statement: added, removed, reworded (word diff), sources, quotes,
    markings and audiences changed. What became visible to an audience that could not
    see it before is listed first, flagged; it makes the exit code 3."""
    from .review.run import run_diff

    folders = [folder for folder in (old, new) if folder is not None]
    report, flagged = _run(lambda: run_diff(folders, rev, format.value))
    typer.echo(report, nl=False)
    if flagged:
        raise typer.Exit(3)


class ChangedFormat(StrEnum):
    text = "text"
    json = "json"
    gitlab = "gitlab"


@app.command(short_help="The briefs a change touches, as a CI job matrix.")
def changed(
    content_dir: BriefsDir = Path("."),
    since: Annotated[
        str | None,
        typer.Option(
            metavar="REV",
            help="A git revision: briefs changed since its merge base (default: all).",
        ),
    ] = None,
    json_out: Annotated[
        bool, typer.Option("--json", help="A GitHub Actions matrix (same as -f json).")
    ] = False,
    format: Annotated[
        ChangedFormat,
        typer.Option(
            "--format", "-f", help="text (names), json (matrix), gitlab (child pipeline)."
        ),
    ] = ChangedFormat.text,
    max_jobs: Annotated[
        int | None,
        typer.Option(
            "--max-jobs",
            metavar="N",
            min=1,
            help="Group the briefs into at most this many jobs (default: 256 for json, "
            "200 for gitlab).",
        ),
    ] = None,
) -> None:
    """List the briefs whose folder, shared templates, source library or CI files changed
    since a revision: one line each, a GitHub Actions matrix, or a GitLab child pipeline.
    The jobs of a matrix or pipeline each build a group of briefs of about the same
    size, never more jobs than the CI runs from one matrix."""
    from .locate import is_brief
    from .review.changed import (
        MAX_JOBS,
        changed_briefs,
        gitlab_pipeline,
        matrix_json,
        shards,
        target_in_repository,
    )

    briefs = _run(lambda: changed_briefs(content_dir, since))
    if json_out or format is ChangedFormat.json:
        groups = _run(lambda: shards(briefs, max_jobs or MAX_JOBS["github"]))
        typer.echo(matrix_json(groups))
    elif format is ChangedFormat.gitlab:
        groups = _run(lambda: shards(briefs, max_jobs or MAX_JOBS["gitlab"]))
        target = target_in_repository(content_dir)
        typer.echo(gitlab_pipeline(target, groups, is_brief(content_dir)), nl=False)
    else:
        for brief in briefs:
            typer.echo(brief.name)


ci_app = typer.Typer(
    cls=_PlainHelp,
    help="Continuous integration files.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(ci_app, name="ci")


InstallSpec = Annotated[
    str | None,
    typer.Option(
        "--install",
        metavar="SPEC",
        help="What the CI jobs pip-install: a git URL, a wheel in the repository, or "
        "'--index-url URL briefgen==X' (default: where this briefgen was installed from).",
    ),
]


@ci_app.command("init", short_help="Write the GitHub Actions workflow and GitLab pipeline.")
def ci_init(
    content_dir: BriefsDir = Path("."),
    install: InstallSpec = None,
    force: Annotated[bool, typer.Option("--force", help="Replace files that exist.")] = False,
) -> None:
    """Write .github/workflows/briefs.yml and .gitlab-ci.yml at the top of the repository:
    check and diff on every pull request, the changed briefs built in at most 256 jobs,
    and the public index published from main. RESTRICTED and INTERNAL outputs go to
    artifacts kept 7 days, never to Pages.

    The jobs install briefgen from where this one came (a git URL and commit, as pip
    recorded it) or from --install; with neither, nothing is written (exit 2)."""
    from .tools.ci_files import write_ci

    _show_ci(_run(lambda: write_ci(content_dir, install=install, force=force)))


@ci_app.command("fonts", short_help="The Debian font packages the briefs need.")
def ci_fonts(content_dir: BriefsDir = Path(".")) -> None:
    """Print the Debian packages of the fonts the briefs' languages and text need
    (fonts-noto-cjk, fonts-noto-core, …) on one line, for `apt-get install`: the
    shipped fonts draw Latin, Greek and Cyrillic only."""
    from .tools.ci_files import font_packages

    typer.echo(" ".join(_run(lambda: font_packages(content_dir))))


@ci_app.command("coverage", short_help="Fail if a brief of the repository is not covered.")
def ci_coverage(content_dir: BriefsDir = Path(".")) -> None:
    """Exit 1, naming them, when the repository holds briefs that checking and building
    this folder would never reach (a brief added beside the one CI names)."""
    from .tools.ci_files import uncovered_briefs

    uncovered = _run(lambda: uncovered_briefs(content_dir))
    for folder in uncovered:
        typer.echo(
            f"error: '{display_path(folder)}' is a brief that CI never checks or builds: "
            f"BRIEFS names '{display_path(content_dir)}'; name a folder holding every brief",
            err=True,
        )
    if uncovered:
        raise typer.Exit(1)


def _show_ci(outcome: Any) -> None:
    for path in outcome.written:
        typer.echo(f"wrote {display_path(path)}")
    for path in outcome.kept:
        typer.echo(
            f"kept {display_path(path)}, which exists ('briefgen ci init --force' replaces it)"
        )
    for note in outcome.notes:
        typer.echo(f"note: {note}", err=True)


@app.command()
def new(
    folder: Annotated[Path, typer.Argument(metavar="DIR", help="A new or empty folder.")],
    title: Annotated[str | None, typer.Option(metavar="TEXT", help="The brief's title.")] = None,
    lang: Annotated[
        str | None,
        typer.Option(
            metavar="TAG",
            help="The brief's language: en (US dates and quotes), en-GB, fr, de, ja, ar…",
        ),
    ] = None,
    install: InstallSpec = None,
    project: Annotated[
        bool,
        typer.Option(
            "--project",
            help="Write a project instead: briefgen.yaml and an example brief in example/.",
        ),
    ] = False,
) -> None:
    """Write an example brief folder that checks and builds as it is (or, with --project,
    a project holding one), and make the CI files check and build it: written for its
    project (or itself) when there are none, or widened to cover it beside the briefs
    they already build."""
    from .review.git import repository_root
    from .tools.ci_files import cover_new_brief
    from .tools.new import EXAMPLE_BRIEF, create_brief, create_project

    make = create_project if project else create_brief
    for path in _run(lambda: make(folder, title=title, lang=lang)):
        typer.echo(f"wrote {display_path(path)}")
    brief = folder / EXAMPLE_BRIEF if project else folder
    root = repository_root(folder) or folder
    _show_ci(_run(lambda: cover_new_brief(brief, root, install)))
    shown = display_path(folder)
    typer.echo(f"next: briefgen check {shown} && briefgen build {shown}")
    if project:
        typer.echo(f"add a brief: briefgen new {display_path(folder / 'NAME')}")


class CitationFormat(StrEnum):
    note = "note"
    author_date = "author-date"
    numeric = "numeric"
    label = "label"
    author = "author"


@app.command(short_help="List or search the citation styles a brief can name.")
def styles(
    words: Annotated[
        list[str] | None,
        typer.Argument(metavar="WORDS", help="Words every style listed has in its name or title."),
    ] = None,
    citation_format: Annotated[
        CitationFormat | None,
        typer.Option(
            "--format",
            "-f",
            help="Only styles that cite this way: note, author-date, numeric, label, author.",
        ),
    ] = None,
) -> None:
    """List the citation styles briefgen ships (from the Zotero Style Repository), or
    those whose name or title holds every word given: 'briefgen styles harvard',
    'briefgen styles chicago -f note'. Write one as `citation_style: NAME` in brief.yaml."""
    from .content.styles import DEFAULT_STYLE, find_styles

    found = find_styles(words or [], citation_format.value if citation_format else None)
    width = min(40, max((len(e.name) for e in found), default=0))
    for entry in found:
        default = " (the default)" if entry.name == DEFAULT_STYLE else ""
        typer.echo(f"{entry.name:<{width}}  {entry.citation_format:<11}  {entry.title}{default}")
    if not found:
        typer.echo(f"no style has {' '.join(words or [])!r} in its name or title", err=True)
        raise typer.Exit(1)
    typer.echo(
        f"{len(found)} style{'s' * (len(found) != 1)}: write one in brief.yaml as "
        "citation_style: NAME",
        err=True,
    )


@app.command(short_help="Preview the pages and PDFs, rebuilt on every change.")
def serve(
    content_dir: BriefsDir = Path("content"),
    audience: Annotated[
        str | None,
        typer.Option(
            "--audience",
            "-a",
            metavar="NAME",
            help="The audience shown first (default: public); the page switches to the others.",
        ),
    ] = None,
    port: Annotated[
        int,
        typer.Option(
            min=0, max=65535, metavar="PORT", help="The port on 127.0.0.1 (0: any free one)."
        ),
    ] = 8000,
    templates: TemplatesDir = None,
    open_browser: Annotated[
        bool, typer.Option("--open", help="Open the preview in the web browser.")
    ] = False,
) -> None:
    """Preview a brief on localhost, rebuilt and reloaded on every change: each audience's
    web page, and its PDF with the page count against the audience's budget. A project
    lists its briefs first."""
    from .tools.serve import serve as run_serve

    opened = _launch if open_browser else None
    _run(lambda: run_serve(content_dir, audience, port, templates, opened))


def _launch(target: str) -> None:
    """Open a file or an address as the desktop would (xdg-open, open, start)."""
    typer.launch(target)


@sources_app.command("import", short_help="Append sources from a Zotero or Mendeley export.")
def import_sources(
    file: Annotated[Path, typer.Argument(help="A CSL-JSON (.json) or BibTeX (.bib) export.")],
    content_dir: ContentDir = Path("content"),
) -> None:
    """Append sources from a Zotero or Mendeley export to sources.yaml, each left to grade."""
    from .tools.sources import import_sources as run_import

    result = _run(lambda: run_import(file, content_dir))
    for source_id in result.added:
        typer.echo(f"added {source_id}")
    for label, why in result.skipped:
        typer.echo(f"skipped {label!r}: {why}")
    if result.added:
        typer.echo(
            f"grade each added source (reliability: A–F) in "
            f"{display_path(content_dir / 'sources.yaml')} before building"
        )


class ExportFormat(StrEnum):
    csl_json = "csl-json"
    bibtex = "bibtex"


@sources_app.command("export", short_help="Write the sources an audience sees, for Zotero.")
def export_sources(
    content_dir: ContentDir = Path("content"),
    audience: Annotated[
        str,
        typer.Option(
            "--audience", "-a", metavar="NAME", help="Whose outputs' sources (default: public)."
        ),
    ] = "public",
    format: Annotated[
        ExportFormat,
        typer.Option("--format", "-f", help="csl-json (Zotero, Mendeley) or bibtex (biblatex)."),
    ] = ExportFormat.csl_json,
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", metavar="FILE", help="Write to this file (default: print)."),
    ] = None,
) -> None:
    """Write the sources that an audience's outputs cite, as CSL-JSON or biblatex, for a
    reference manager. A source cited only above the audience's clearance is left out;
    grades, snapshots and quotes are not exported."""
    from .pipeline.write import write_outputs
    from .tools.sources_export import export_sources as run_export

    text = _run(lambda: run_export(content_dir, audience, format.value))
    if out is None:
        typer.echo(text, nl=False)
        return
    _run(lambda: write_outputs({out: text.encode("utf-8")}))
    typer.echo(f"wrote {display_path(out)}", err=True)


@app.command(short_help="Print the JSON Schema of the content files.")
def schema(
    name: Annotated[
        str | None,
        typer.Argument(
            metavar="NAME",
            help="One content file: brief, sources, background, milestones, cooperation, "
            "questions. All of them when left out.",
        ),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            metavar="DIR",
            help="Write NAME.schema.json files into this folder instead.",
        ),
    ] = None,
) -> None:
    """Print the JSON Schema of the content files, for editors' YAML language servers."""
    from .tools.schema import schema_text, write_schemas

    if out is None:
        typer.echo(_run(lambda: schema_text(name)))
        return
    for path in _run(lambda: write_schemas(out, name)):
        typer.echo(f"wrote {display_path(path)}")


@audiences_app.command("list", short_help="List the audiences and check each (the default).")
def list_audiences(
    content_dir: ContentDir = Path("content"), templates: TemplatesDir = None
) -> None:
    """Print where audiences are looked up, then each audience found: its clearance, where
    it comes from and what it extends. Each is loaded and its templates compiled; what
    is wrong with one is named, and the command then exits 1."""
    from .audiences import survey_audiences

    survey = _run(lambda: survey_audiences(content_dir, templates))
    typer.echo("looked up in this order:")
    for root in survey.roots:
        state = "" if root.folder.is_dir() else " (none)"
        typer.echo(f"  {root.label:<28} {display_path(root.folder)}{state}")
    levels = [
        a.cleared(survey.scheme).config.clearance
        for a in survey.found.values()
        if not isinstance(a, BriefgenError)
    ]
    width = max([11, *(len(level) + 1 for level in levels)])
    for name, found in survey.found.items():
        if isinstance(found, BriefgenError):
            for i, line in enumerate(found.lines()):
                typer.echo(f"{name if i == 0 else '':<12} error: {line}", err=True)
            continue
        where = display_path(found.dirs[0])
        level = found.cleared(survey.scheme).config.clearance
        typer.echo(f"{name:<12} {level:<{width}} {found.origin:<20} {where}")
        raised = found.raised_clearance(survey.scheme)
        if raised:
            typer.echo(f"{'':<12} warning: {raised}", err=True)
    if survey.broken:
        raise typer.Exit(1)


@audiences_app.command("new", short_help="Scaffold an audience that extends another.")
def new_audience(
    name: Annotated[
        str, typer.Argument(metavar="NAME", help="The new audience's name (a folder name).")
    ],
    content_dir: ContentDir = Path("content"),
    base: Annotated[
        str,
        typer.Option("--from", metavar="AUDIENCE", help="The audience it extends, e.g. public."),
    ] = "public",
    templates: Annotated[
        Path | None,
        typer.Option(
            "--templates",
            metavar="DIR",
            help="Where to put it (default: templates/ beside the brief folder).",
        ),
    ] = None,
) -> None:
    """Scaffold templates/NAME: an audience.yaml that extends another audience, one
    commented template block and an empty style.css. It builds as it is."""
    from .tools.scaffold_audience import new_audience as run_new

    for path in _run(lambda: run_new(name, base, content_dir, templates)):
        typer.echo(f"wrote {display_path(path)}")


def _debug() -> bool:
    """Whether --debug was given to this invocation."""
    return _options.debug


def _run(action: Callable[[], T]) -> T:
    """Run a library call; a BriefgenError becomes its message and exit code, never a traceback."""
    try:
        return action()
    except BriefgenError as exc:
        for line in exc.lines():
            typer.echo(line, err=True)
        raise typer.Exit(exc.exit_code) from None
    except KeyboardInterrupt:
        typer.echo(INTERRUPTED, err=True)
        raise typer.Exit(130) from None
    except Interrupted as exc:
        typer.echo(INTERRUPTED, err=True)
        raise typer.Exit(exc.exit_code) from None
    except Exception as exc:  # a bug in briefgen, not in the user's brief
        if _debug():
            traceback.print_exc()
        typer.echo(
            f"internal error: {type(exc).__name__}: {exc} "
            "(run with --debug for details and please report it)",
            err=True,
        )
        raise typer.Exit(1) from None
