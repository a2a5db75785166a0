"""briefgen audiences new: an audience that extends another, ready to build and to edit."""

from __future__ import annotations

import re
from pathlib import Path

from ..audiences import Audience, check_templates_option, find_audiences
from ..content.schemes import DEFAULT, Scheme
from ..errors import UsageError, display_path
from ..pipeline.write import write_outputs

_NAME = re.compile(r"^[a-z][a-z0-9-]*$")

AUDIENCE_YAML = """\
# The {name} audience: everything as in '{base}' (templates, stylesheet, settings,
# labels), except what this file, the templates and style.css beside it change.
extends: {base}
title: {title}
# The highest marking it may see. Written out, never inherited in silence: raise it
# only for readers who are cleared for it.
clearance: {clearance}
# sections: [summary, milestones, questions]
# max_pages: 2               # a longer PDF fails the build (allow_overflow: true warns)
# labels:
#   section-summary: Key points
"""

TEMPLATE = """\
{{#- The {name} page: {base}'s, with the blocks overridden here. -#}}
{{% extends "{base}/brief.html.j2" %}}
{{#- The line above the title; uncomment to change it:
{{% block kicker %}}{{{{ audience.title }}}}{{% endblock %}}
-#}}
"""

STYLESHEET = """\
/* The {name} audience's rules: they come after the built-in stylesheet and {base}'s,
   so a rule here adds to them or overrides one. */
"""


def _clearance(name: str, base: str, found: dict[str, Audience], scheme: Scheme) -> str:
    """The clearance the new audience starts with: its base's, but never above that of
    an audience of the same name it replaces (`public` from `minister` stays PUBLIC)."""
    levels = [found[base].cleared(scheme).config.clearance]
    if name in found:
        levels.append(found[name].cleared(scheme).config.clearance)
    known = [level for level in levels if scheme.knows(level)]
    return min(known, key=scheme.rank) if known else levels[0]


def _scheme(content_dir: Path) -> Scheme:
    """The marking scheme of the brief the audience is made beside (the default when the
    brief cannot be read: the audience is then checked when the brief is)."""
    from ..errors import ContentError
    from ..opening import open_brief

    try:
        return open_brief(content_dir, keep_going=True).content.scheme
    except ContentError:
        return DEFAULT


def new_audience(name: str, base: str, content_dir: Path, templates: Path | None) -> list[Path]:
    """Write templates/<name>/ (beside the brief folder, or in `templates`) extending `base`."""
    if not _NAME.match(name):
        raise UsageError(f"'{name}' cannot name an audience: use lowercase letters, digits and '-'")
    if not content_dir.is_dir():
        raise UsageError(f"no brief folder at '{content_dir}'")
    check_templates_option(templates)
    found = find_audiences(content_dir, templates)
    if base not in found:
        raise UsageError(f"--from: no audience '{base}' (found: {', '.join(found)})")
    root = templates or content_dir.absolute().parent / "templates"
    folder = root / name
    if folder.exists():
        raise UsageError(f"'{display_path(folder)}' exists already: choose another name")
    title = name.replace("-", " ").capitalize() + " brief"
    values = {
        "name": name,
        "base": base,
        "title": title,
        "clearance": _clearance(name, base, found, _scheme(content_dir)),
    }
    files = {
        folder / "audience.yaml": AUDIENCE_YAML.format(**values),
        folder / "brief.html.j2": TEMPLATE.format(**values),
        folder / "style.css": STYLESHEET.format(**values),
    }
    write_outputs({path: text.encode("utf-8") for path, text in files.items()})
    return list(files)
