"""Sequences the stages: load → validate → filter → render HTML → render PDF → write."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .audience import (
    Audience,
    builtin_templates,
    filter_content,
    find_audiences,
    select_audiences,
)
from .errors import UsageError
from .models import Content
from .render import render_html
from .validate import load_content
from .write import write_outputs


@dataclass
class BuildResult:
    written: list[Path] = field(default_factory=list)


def build(content_dir: Path, *, audiences: Sequence[str] | None = None,
          formats: Sequence[str] | None = None, out_dir: Path = Path("build")) -> BuildResult:
    """Build the named audiences (all by default) in the named formats (all by default).

    Everything is rendered in memory before anything is written, so a brief
    that fails anywhere leaves the earlier outputs untouched.
    """
    if not content_dir.is_dir():
        raise UsageError(f"no brief folder at '{content_dir}': name the folder holding "
                         "brief.yaml (or run 'briefgen new DIR')")
    content, _ = load_content(content_dir)
    selected = select_audiences(find_audiences(content_dir), list(audiences or []), content_dir)
    outputs: dict[Path, bytes] = {}
    for audience in selected:
        outputs.update(_render_audience(content_dir, content, audience, formats, out_dir))
    write_outputs(outputs)
    return BuildResult(written=list(outputs))


def _render_audience(content_dir: Path, content: Content, audience: Audience,
                     formats: Sequence[str] | None, out_dir: Path) -> dict[Path, bytes]:
    visible = filter_content(content, audience.config)
    wanted = [f for f in audience.config.formats if not formats or f in formats]
    outputs: dict[Path, bytes] = {}
    target = out_dir / audience.name
    if "html" in wanted:
        outputs[target / "brief.html"] = render_html(visible, audience, "web").encode()
    if "pdf" in wanted:
        from .pdf import render_pdf  # WeasyPrint loads only when a PDF is made

        print_html = render_html(visible, audience, "print")
        roots = [content_dir, *audience.dirs, builtin_templates()]
        outputs[target / "brief.pdf"] = render_pdf(print_html, content_dir, roots)
    return outputs
