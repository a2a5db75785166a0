"""What a build has to make: one job per audience and format, each with a hash of
everything its output depends on, and which earlier outputs no longer match."""

from __future__ import annotations

import functools
import hashlib
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import Problem
from ..template_search import builtin_templates
from .manifest import digest, hash_files, tool_versions

if TYPE_CHECKING:
    from ..audiences import Audience
    from ..content.models import Content
    from ..document.model import Document


@dataclass(frozen=True)
class Job:
    """One output to make: everything a worker process needs, and nothing else."""

    content_dir: Path
    content: Content  # already filtered for the audience
    audience: Audience
    fmt: str
    target: Path
    key: str
    # The audience's document, made once for all its formats, and only when one is made.
    document: Callable[[], Document]


def plan(
    content_dir: Path,
    content: Content,
    audiences: list[Audience],
    formats: Sequence[str] | None,
    out_dir: Path,
) -> list[Job]:
    from ..clearance import filter_content
    from ..content.sections import located_cited
    from ..document import created_date
    from ..document.make import make_document

    jobs = []
    for audience in audiences:
        visible = filter_content(content, audience)
        if next(located_cited(visible), None) is None:
            # It sees no statement: an output would be a title page that tells of
            # what is withheld. It gets none, and no line in its index.
            continue
        document = functools.cache(
            functools.partial(make_document, visible, audience, created_date(content))
        )
        for fmt in audience.config.formats:
            if formats and fmt not in formats:
                continue
            target = out_dir / audience.name / f"{output_stem(content, audience.name)}.{fmt}"
            key = input_key(visible, audience, fmt)
            jobs.append(Job(content_dir, visible, audience, fmt, target, key, document))
    return jobs


def output_stem(content: Content, audience: str) -> str:
    """The file name (without extension) of an audience's outputs: `output_name`."""
    from ..content.naming import stem_for

    folder = content.folder.resolve().name if content.folder is not None else "brief"
    return stem_for(content.output_name, content.brief, audience, folder)


def input_key(visible: Content, audience: Audience, fmt: str) -> str:
    """A hash of everything the output depends on."""
    from ..content.styles import style_file

    style = style_file(visible.brief.citation_style, visible.folder)
    key = hashlib.sha256()
    for part in (
        fmt,
        audience.name,
        audience.config.model_dump_json(),
        visible.model_dump_json(),
        templates_digest(audience.dirs),
        digest(style.read_bytes()),  # a brief's own .csl file may change
        images_digest(visible),
        tool_versions(),
        os.environ.get("SOURCE_DATE_EPOCH", ""),
    ):
        key.update(part.encode())
        key.update(b"\0")
    return key.hexdigest()


def images_digest(visible: Content) -> str:
    """The image files of the figures an audience sees: an image may change alone."""
    from ..content.images import read_image
    from ..content.models import Figure
    from ..content.sections import located_blocks

    key = hashlib.sha256()
    for placed in located_blocks(visible):
        if isinstance(placed.block, Figure) and visible.folder is not None:
            key.update(digest(read_image(visible.folder, placed.block.image).data).encode())
    return key.hexdigest()


@cache
def templates_digest(dirs: tuple[Path, ...]) -> str:
    """Every template, stylesheet and font the audience can load."""
    key = hashlib.sha256()
    for root in (*dirs, builtin_templates() / "_common"):
        hash_files(key, root)
    return key.hexdigest()


def is_current(job: Job, manifest: dict[str, Any]) -> bool:
    """Built from the same inputs, and still the file that was written then."""
    entry = manifest["outputs"].get(name_of(job.target, job.target.parents[1]), {})
    if entry.get("inputs") != job.key or not job.target.is_file():
        return False
    return bool(entry.get("output") == digest(job.target.read_bytes()))


@dataclass
class Outdated:
    """Outputs of an earlier build that this build does not make again: those to take
    away, and those to name as stale."""

    withdrawn: dict[str, str]  # output name → why it is taken away
    stale: list[Problem]


def outdated_outputs(
    content: Content,
    found: dict[str, Audience],
    planned: list[Job],
    manifest: dict[str, Any],
    out_dir: Path,
) -> Outdated:
    """Outputs of an earlier build that this one leaves, judged fail-closed.

    An output whose audience now sees nothing of the brief, or no longer sees
    something it showed (its clearance, or the content's marking, went up), or
    whose audience no longer exists, is taken away by this build: it may hold
    what its readers may no longer read. One that is merely out of date (a
    partial build, `-a`, `-f`) stays, and is named as stale.
    """
    from ..clearance import filter_content

    built = {name_of(job.target, out_dir) for job in planned}
    recorded = manifest.get("shown")
    shown_before: dict[str, Any] = recorded if isinstance(recorded, dict) else {}
    withdrawn: dict[str, str] = {}
    stale = []
    for name, entry in sorted(manifest["outputs"].items()):
        target = out_dir / name
        if name in built or not target.is_file():
            continue
        audience_name, _, file_name = name.rpartition("/")
        audience = found.get(audience_name)
        fmt = file_name.rpartition(".")[2]
        if audience is None or fmt not in audience.config.formats:
            withdrawn[name] = "its audience or format no longer exists"
            continue
        now = f"{output_stem(content, audience_name)}.{fmt}"
        if file_name != now:
            withdrawn[name] = f"its outputs are named {now} now (output_name)"
            continue
        visible = filter_content(content, audience)
        shown, hidden = visibility_keys(content, visible)
        if not shown:
            withdrawn[name] = f"audience '{audience_name}' sees nothing of the brief now"
            continue
        if set(shown_before.get(audience_name, [])) & hidden:
            withdrawn[name] = (
                f"it shows what audience '{audience_name}' may no longer see (a marking "
                "or clearance went up)"
            )
            continue
        if entry.get("inputs") != input_key(visible, audience, fmt):
            why = "the content changed since it was built"
            stale.append(Problem(None, None, None, "", f"stale: {name} — {why}", "stale-output"))
    return Outdated(withdrawn, stale)


def visibility_keys(content: Content, visible: Content) -> tuple[set[str], set[str]]:
    """What one audience's outputs show of the brief, and what they hide: each statement,
    figure and row twice, by its text (with its sources) and by where it stands in its
    file. A later build compares what an output showed with what it must now hide."""
    from ..content.sections import located_cited

    seen = {_body(found.cited) for found in located_cited(visible)}
    shown: set[str] = set()
    hidden: set[str] = set()
    for found in located_cited(content):
        body = _body(found.cited)
        where = f"{found.file}:{'/'.join(map(str, found.loc))}"
        keys = {"t" + _short(body), "l" + _short(where)}
        (shown if body in seen else hidden).update(keys)
    return shown, hidden - shown


def _body(cited: Any) -> str:
    # The filter makes markings explicit and gives rows their table's credibility.
    return str(cited.model_dump_json(exclude={"marking", "audiences", "credibility"}))


def _short(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def name_of(target: Path, out_dir: Path) -> str:
    return target.relative_to(out_dir).as_posix()
