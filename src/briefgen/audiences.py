"""Audiences: what audience.yaml says, where each audience is found, and what it extends.

An audience is a folder of a search path (see templates.search_path): the first
folder of its name wins. It inherits from the audience it `extends:`, or from
the one of the same name further down the path that it overrides: templates
it does not give, settings and labels it does not set, and the stylesheets,
which cascade (the built-in ones first).

What an audience may see is decided elsewhere, by the clearance filter
(clearance.py), before any template runs.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field, ValidationError

from .content.load import Document, load_yaml
from .content.models import Labels, Marking, Strict, Text
from .content.schemes import DEFAULT, Scheme
from .content.sections import kinds
from .errors import BriefgenError, ContentError, TemplateError, UsageError, display_path
from .template_search import Root, search_path

Format = Literal["pdf", "html", "docx"]
# The lints of evidence honesty, each on unless an audience turns it off: what is
# fair to print depends on who reads it (see check/evidence.py).
AudienceLint = Literal[
    "weak-evidence-bare", "stale-evidence", "grade-on-attribution", "contradicted-by-stronger"
]
FORMATS: tuple[Format, ...] = ("pdf", "html", "docx")
ENTRY_TEMPLATE = "brief.html.j2"
STYLESHEET = "style.css"


def _known_section(name: str) -> str:
    known = [k.name for k in kinds()]
    if name not in known:
        raise ValueError(f"unknown section '{name}' (known: {', '.join(known)})")
    return name


class AudienceConfig(Strict):
    """audience.yaml."""

    extends: Text | None = Field(
        None, description="The audience this one inherits from: templates, CSS, settings, labels."
    )
    title: Text
    clearance: Text = Field(
        description="The highest marking this audience may see: a level of the brief's marking "
        "scheme (by default PUBLIC, INTERNAL or RESTRICTED)."
    )
    sections: Annotated[list[Annotated[str, AfterValidator(_known_section)]], Field(min_length=1)]
    formats: list[Format] = Field(default_factory=lambda: list(FORMATS))
    show_grades: bool = Field(False, description="Show Admiralty grades in every note.")
    max_milestones: Annotated[int, Field(ge=1)] | None = Field(
        None, description="Show only the latest N milestones."
    )
    max_pages: Annotated[int, Field(ge=1)] | None = Field(
        None, description="The most pages the PDF may take; more fails the build."
    )
    allow_overflow: bool = Field(
        False, description="Going over max_pages is a warning, not an error."
    )
    allow_layout_problems: bool = Field(
        False,
        description="A defect the PDF's own check finds (overlapping lines, text over the "
        "notes or past the page's edge) is a warning, not an error.",
    )
    timeline: bool = Field(True, description="Draw the milestones as a timeline figure.")
    numbered: bool = Field(False, description="Number the sections after the key judgments.")
    contents: bool = Field(False, description="List the sections before them.")
    labels: Labels = Field(
        default_factory=dict,
        description="Labels of this audience, by key; translated when a catalogue knows them.",
    )
    lints: dict[AudienceLint, bool] = Field(
        default_factory=dict,
        description="Lints of `check` on (true, the default) or off (false) for what this "
        "audience is shown, by code.",
    )

    def lints_on(self, code: AudienceLint) -> bool:
        return self.lints.get(code, True)


@dataclass(frozen=True)
class Audience:
    name: str
    config: AudienceConfig
    dirs: tuple[Path, ...]  # its folder, then those of each audience it inherits from
    root: Root  # where it was found
    lineage: tuple[str, ...] = ()  # the name of the audience of each of `dirs`
    parent_clearance: Marking | None = None  # of the audience it inherits from
    shadowed_clearance: Marking | None = None  # of an audience of its name further down

    def raised_clearance(self, scheme: Scheme = DEFAULT) -> str | None:
        """Said when the audience may see more than the one it inherits from, or than the
        audience whose name it takes: a folder named `public` that extends `minister`
        would otherwise show RESTRICTED statements under a public name."""
        mine = scheme.clearance.get(self.name, self.config.clearance)
        for name, theirs, whose in (
            (self.parent, self.parent_clearance, f"'{self.parent}' that it inherits from"),
            (self.name, self.shadowed_clearance, f"the '{self.name}' audience whose name it takes"),
        ):
            if name is None or theirs is None:
                continue
            theirs = scheme.clearance.get(name, theirs) if name != self.name else theirs
            if not (scheme.knows(mine) and scheme.knows(theirs)):
                continue
            if scheme.rank(mine) > scheme.rank(theirs):
                return (
                    f"audience '{self.name}' is cleared for {mine}, above the {theirs} of "
                    f"{whose}: check that its readers are cleared for {mine}"
                )
        return None

    def cleared(self, scheme: Scheme) -> Audience:
        """The audience as a brief with `scheme` clears it: the scheme's clearance for its
        name, else its own audience.yaml's (which must then be a level of the scheme)."""
        level = scheme.clearance.get(self.name, self.config.clearance)
        config = self.config.model_copy(update={"clearance": level})
        return dataclasses.replace(self, config=config)

    @property
    def parent(self) -> str | None:
        """The audience it inherits from, if any."""
        return self.lineage[1] if len(self.lineage) > 1 else None

    @property
    def origin(self) -> str:
        """Where the audience comes from, for `briefgen audiences`."""
        if self.root.builtin:
            return "built-in"
        if self.parent == self.name:
            return f"overrides {self.name}"
        return f"extends {self.parent}" if self.parent else "custom"

    @property
    def stylesheets(self) -> list[int]:
        """The levels of `dirs` holding a style.css, the most general first: each
        stylesheet comes after, and so can override, those it inherits."""
        levels = range(len(self.dirs) - 1, -1, -1)
        return [i for i in levels if (self.dirs[i] / STYLESHEET).is_file()]


def find_audiences(content_dir: Path, templates: Path | None = None) -> dict[str, Audience]:
    """Every audience on the search path, each resolved; the first broken one raises."""
    roots = search_path(content_dir, templates)
    return {name: resolve(name, roots) for name in audience_names(roots)}


def audience_names(roots: list[Root]) -> list[str]:
    names: set[str] = set()
    for root in roots:
        if root.folder.is_dir():
            names |= {
                p.name
                for p in root.folder.iterdir()
                if p.is_dir() and not p.name.startswith(("_", "."))
            }
    return sorted(names)


@dataclass(frozen=True)
class Survey:
    """`briefgen audiences`: the search path, and each audience or what is wrong with it."""

    roots: list[Root]
    found: dict[str, Audience | BriefgenError]
    scheme: Scheme = DEFAULT  # the brief's: what each clearance is shown in

    @property
    def broken(self) -> bool:
        return any(isinstance(a, BriefgenError) for a in self.found.values())


def survey_audiences(content_dir: Path, templates: Path | None = None) -> Survey:
    """Every audience, loaded and its templates compiled, each error kept with its name."""
    if not content_dir.is_dir():
        raise UsageError(f"no brief folder at '{content_dir}'")
    roots = search_path(content_dir, check_templates_option(templates))
    found: dict[str, Audience | BriefgenError] = {}
    for name in audience_names(roots):
        try:
            audience = resolve(name, roots)
            compile_templates(audience)
            found[name] = audience
        except BriefgenError as exc:
            found[name] = exc
    return Survey(roots, found, brief_scheme(content_dir))


def brief_scheme(content_dir: Path) -> Scheme:
    """The marking scheme the brief's audiences are cleared in, read on its own (the
    rest of the content may be mid-edit): the brief's, else its project's, else the
    default. One that cannot be read is the default here; `check` says why."""
    from .content.load import project_settings
    from .content.schemes import project_scheme, scheme_of, scheme_value

    try:
        data = load_yaml(content_dir / "brief.yaml", content_dir).data
    except BriefgenError:
        data = None
    raw = data.get("marking_scheme") if isinstance(data, dict) else None
    if raw is not None:
        value, problems = scheme_value(raw)
        own = scheme_of(value) if not problems else None
        if own is not None:
            return own
    return project_scheme(project_settings(content_dir)) or DEFAULT


def check_templates_option(templates: Path | None) -> Path | None:
    if templates is not None and not templates.is_dir():
        raise UsageError(f"--templates: no folder at '{templates}'")
    return templates


# Resolving one audience ------------------------------------------------------------


# The audiences being resolved, outermost first, each with the index of its root.
Chain = tuple[tuple[str, int], ...]


def resolve(name: str, roots: list[Root], start: int = 0, chain: Chain = ()) -> Audience:
    """The audience `name` as found from roots[start] on, with what it inherits."""
    index, folder = _locate(name, roots, start, chain)
    _confined(folder, roots[index].folder)
    link = (name, index)
    if link in chain:
        loop = " → ".join(n for n, _ in (*chain, link))
        raise TemplateError(f"{display_path(folder)}: audiences extend each other: {loop}")
    doc = (
        load_yaml(folder / "audience.yaml", folder)
        if (folder / "audience.yaml").is_file()
        else None
    )
    own = doc.data if doc is not None and isinstance(doc.data, dict) else {}
    parent = _parent(name, own.get("extends"), roots, index, (*chain, link))
    if doc is None and parent is None:
        raise TemplateError(f"{display_path(folder)}: audience '{name}' has no audience.yaml")
    config = _config(own, doc, parent, folder)
    dirs = (folder, *(parent.dirs if parent else ()))
    if not any((d / ENTRY_TEMPLATE).is_file() for d in dirs):
        raise TemplateError(
            f"{display_path(folder)}: audience '{name}' has no {ENTRY_TEMPLATE}: add one, "
            "or inherit one with `extends:` in its audience.yaml"
        )
    lineage = (name, *(parent.lineage if parent else ()))
    inherited = parent.config.clearance if parent else None
    shadowed = _shadowed_clearance(name, roots, index, (*chain, link))
    return Audience(name, config, dirs, roots[index], lineage, inherited, shadowed)


def _shadowed_clearance(name: str, roots: list[Root], index: int, chain: Chain) -> Marking | None:
    """The clearance of the audience of this name further down the search path, which
    this one hides: a reader knows the name, and expects what it used to show."""
    if not any((r.folder / name).is_dir() for r in roots[index + 1 :]):
        return None
    try:
        return resolve(name, roots, index + 1, chain).config.clearance
    except BriefgenError:  # reported where that audience itself is listed
        return None


def _parent(
    name: str, extends: Any, roots: list[Root], index: int, chain: Chain
) -> Audience | None:
    """What the audience inherits from: the one it `extends:` (itself extended from
    further down the path), else one of its name further down, which it overrides."""
    if isinstance(extends, str) and extends:
        return resolve(extends, roots, index + 1 if extends == name else 0, chain)
    if any((r.folder / name).is_dir() for r in roots[index + 1 :]):
        return resolve(name, roots, index + 1, chain)
    return None


def _locate(name: str, roots: list[Root], start: int, chain: Chain) -> tuple[int, Path]:
    for index in range(start, len(roots)):
        folder = roots[index].folder / name
        if folder.is_dir():
            return index, folder
    known = audience_names(roots)
    asked_by = f" (extended by '{chain[-1][0]}')" if chain else ""
    raise TemplateError(
        f"no audience '{name}'{asked_by} to extend (known: {', '.join(known)}); "
        f"looked in {', '.join(display_path(r.folder) for r in roots[start:])}"
    )


def _confined(folder: Path, root: Path) -> None:
    if not folder.resolve().is_relative_to(root.resolve()):
        raise TemplateError(
            f"{display_path(folder)}: the audience folder links to "
            f"{folder.resolve()}, outside its templates folder: copy it in"
        )


def _config(
    own: dict[str, Any], doc: Document | None, parent: Audience | None, folder: Path
) -> AudienceConfig:
    """The audience's settings: its parent's, with its own on top (labels key by key)."""
    merged: dict[str, Any] = parent.config.model_dump(exclude_unset=True) if parent else {}
    merged.pop("extends", None)
    own_labels = own.get("labels")
    merged.update(own)
    if isinstance(own_labels, dict):  # else validation says what labels: should hold
        merged["labels"] = {**(parent.config.labels if parent else {}), **own_labels}
    try:
        return AudienceConfig.model_validate(merged)
    except ValidationError as exc:
        from .content.validate import field_path

        document = doc or load_yaml(folder / "audience.yaml", folder)
        raise ContentError(
            [
                document.problem(
                    tuple(e["loc"]),
                    field_path("brief", tuple(e["loc"])),
                    _config_message(e),
                    key=e["type"] == "extra_forbidden",
                )
                for e in exc.errors()
            ]
        ) from None


def _config_message(err: Any) -> str:
    """An audience.yaml error in plain words: an unknown setting with the one meant."""
    import difflib

    if err["type"] == "extra_forbidden" and err["loc"]:
        name = str(err["loc"][-1])
        settings = sorted(AudienceConfig.model_fields)
        close = difflib.get_close_matches(name, settings, n=1, cutoff=0.6)
        hint = f": did you mean '{close[0]}'?" if close else f" (settings: {', '.join(settings)})"
        return f"unknown setting '{name}'{hint}"
    return str(err["msg"]).removeprefix("Value error, ")


def compile_templates(audience: Audience) -> None:
    """Parse every template of the audience's own folder: a syntax error names its line."""
    import jinja2

    env = jinja2.Environment(extensions=["jinja2.ext.i18n"])
    folder = audience.dirs[0]
    for path in sorted(folder.rglob("*")):
        if path.suffix not in (".j2", ".css") or not path.is_file():
            continue
        if not path.resolve().is_relative_to(folder.resolve()):
            raise TemplateError(
                f"{display_path(path)}: the template links to {path.resolve()}, outside its "
                "folder: copy the file into the folder"
            )
        try:
            env.parse(path.read_text(encoding="utf-8"))
        except jinja2.TemplateSyntaxError as exc:
            raise TemplateError(f"{display_path(path)}:{exc.lineno}: {exc.message}") from None
        except UnicodeDecodeError:
            raise TemplateError(f"{display_path(path)}: not UTF-8 text") from None


def select_audiences(
    found: dict[str, Audience], names: list[str] | None, roots: list[Root]
) -> list[Audience]:
    """The audiences named on the command line (all when none are); unknown names → UsageError."""
    if not names:
        return list(found.values())
    unknown = [n for n in names if n not in found]
    if unknown:
        import difflib

        close = difflib.get_close_matches(unknown[0], list(found), n=1, cutoff=0.6)
        meant = f": did you mean '{close[0]}'?" if close else ""
        raise UsageError(
            f"unknown audience '{unknown[0]}'{meant} (found: {', '.join(found) or 'none'}; "
            f"looked in {', '.join(display_path(r.folder) for r in roots)})"
        )
    return [found[n] for n in dict.fromkeys(names)]
