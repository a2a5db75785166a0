"""What the output files are called: `output_name` in brief.yaml (or a project's
briefgen.yaml), such as `{reference}-{audience}`, so that a minister's office can
tell attachments apart. Without one, every output is `brief.pdf`, `brief.html`,
`brief.docx` in its audience's folder, as CI and links expect.

The pattern is checked where it is written: a field it names must exist and,
for the brief's own fields, be set; the name it gives must be a plain file name.
"""

from __future__ import annotations

import difflib
import re
import string
import unicodedata
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .models import Brief

DEFAULT_NAME = "brief"
FIELDS = ("reference", "version", "audience", "brief", "lang", "date")
# Of the brief.yaml fields a pattern may name, those that may be left out of a brief.
OPTIONAL = ("reference", "version")
MAX_LENGTH = 120
# What a file name may not hold on Windows, macOS or Linux, spaces included (they break
# mail attachments and shell commands): each run becomes one '-'.
_UNSAFE = re.compile(r'[\\/:*?"<>|\s\x00-\x1f\x7f]+')
# Names a build writes itself beside the outputs.
RESERVED = frozenset({"index"})


class NamingError(ValueError):
    """An output_name that cannot name a file; the message says what to write."""


def fields_of(pattern: str) -> list[str]:
    """The fields a pattern names, or NamingError for one it cannot be read as."""
    named = []
    try:
        parsed = list(string.Formatter().parse(pattern))
    except ValueError as exc:
        raise NamingError(
            f"'{pattern}' cannot be read ({exc}): write fields in braces, "
            "e.g. '{reference}-{audience}'"
        ) from None
    for _, field, spec, conversion in parsed:
        if field is None:
            continue
        if field not in FIELDS or spec or conversion:
            close = difflib.get_close_matches(field, FIELDS, n=1)
            meant = f"did you mean {{{close[0]}}}? " if close and not (spec or conversion) else ""
            raise NamingError(
                f"'{pattern}': '{{{field}{'!' + conversion if conversion else ''}"
                f"{':' + spec if spec else ''}}}' is not a field it can name "
                f"({meant}fields: {', '.join('{' + f + '}' for f in FIELDS)})"
            )
        named.append(field)
    return named


def check_pattern(pattern: str) -> str:
    """A pattern that names only known fields and can give a file name."""
    fields_of(pattern)
    stem = fill(pattern, dict.fromkeys(FIELDS, "x"))
    if not stem:
        raise NamingError(f"'{pattern}' gives an empty file name")
    return pattern


def fill(pattern: str, values: dict[str, str]) -> str:
    """The file name (without its extension) a pattern gives for these values."""
    text = pattern.format_map({k: _safe(v) for k, v in values.items()})
    return _safe(text).strip("-.")


def _safe(text: str) -> str:
    """Unsafe characters as '-', and format characters too: a right-to-left override
    would show 'x\u202eexe.pdf' as 'xfdp.exe' in a mail client."""
    shown = "".join("-" if unicodedata.category(c)[0] == "C" else c for c in text)
    return _UNSAFE.sub("-", shown)


def stem_for(pattern: str, brief: Brief, audience: str, folder: str) -> str:
    """The file name an audience's outputs of this brief get."""
    values = {
        "reference": brief.reference or "",
        "version": brief.version or "",
        "audience": audience,
        "brief": folder,
        "lang": brief.lang,
        "date": brief.date.isoformat(),
    }
    return fill(pattern, values)


def naming_problem(pattern: str, brief: Brief) -> str | None:
    """What is wrong with the pattern for this brief: a field it names that the brief
    leaves out, or a name it may not give."""
    missing = [f for f in fields_of(pattern) if f in OPTIONAL and not getattr(brief, f)]
    if missing:
        field = missing[0]
        return (
            f"'{pattern}' names {{{field}}}, but brief.yaml has no {field}: add "
            f"`{field}:` to brief.yaml, or take {{{field}}} out of output_name"
        )
    stem = stem_for(pattern, brief, "audience", "brief")
    if stem.lower() in RESERVED:
        return f"'{pattern}' gives '{stem}', the name of the index page: name the outputs otherwise"
    if len(stem) > MAX_LENGTH:
        return f"'{pattern}' gives a name of {len(stem)} characters: keep it under {MAX_LENGTH}"
    return None


def project_output_name(settings: dict[str, Any]) -> str | None:
    """The output_name a project's settings (load.project_settings) give its briefs, or
    None; errors are reported where the project is opened."""
    value = settings.get("output_name")
    try:
        return check_pattern(value) if isinstance(value, str) else None
    except NamingError:
        return None
