"""The PDF's typefaces in the web page too: each face the page uses, cut down to the
characters the page holds, as WOFF2, inline. So the page looks like the PDF and still
loads nothing; what it carries is said in the README (a few tens of kB a face).

Subsetting is cached by the face and the set of characters: a process makes each
subset once, however many outputs ask for it, and keeps it in the user's cache folder
($XDG_CACHE_HOME/briefgen, else ~/.cache/briefgen) for the next build.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import io
from pathlib import Path

from ..template_search import builtin_templates
from ..user_cache import cache_folder, keep, read_cached

# (family, weight, style, file): the faces the stylesheets use.
FACES = (
    ("Charis SIL", "normal", "normal", "CharisSIL-Regular.ttf"),
    ("Charis SIL", "normal", "italic", "CharisSIL-Italic.ttf"),
    ("Charis SIL", "bold", "normal", "CharisSIL-Bold.ttf"),
    ("Charis SIL", "bold", "italic", "CharisSIL-BoldItalic.ttf"),
    ("Inter", "normal", "normal", "Inter-Regular.otf"),
    ("Inter", "normal", "italic", "Inter-Italic.otf"),
    ("Inter", "bold", "normal", "Inter-Bold.otf"),
)
# Characters every subset holds: printable ASCII, Latin-1 and the punctuation briefs
# use. Pages whose text needs no more share one subset a face, made once a process;
# a page that needs more gets its own.
BASE = frozenset(
    [chr(c) for c in range(0x20, 0x7F)]
    + [chr(c) for c in range(0xA0, 0x100)]
    + list("‐‑–—‘’‚“”„…‹›€•·↩\u2009\u202f\u2007\u2008")
)


def font_faces(text: str) -> str:
    """@font-face rules for every face, each a WOFF2 subset of the base characters and
    those of `text` that the face draws, as data: URLs."""
    extra = set(text + text.upper() + text.lower()) - BASE
    characters = "".join(sorted(BASE | extra))
    rules = []
    for family, weight, style, name in FACES:
        data = _subset(name, characters)
        if data:
            url = "data:font/woff2;base64," + base64.b64encode(data).decode("ascii")
            rules.append(
                f'@font-face {{ font-family: "{family}"; font-weight: {weight}; '
                f'font-style: {style}; font-display: swap; src: url({url}) format("woff2"); }}'
            )
    return "\n".join(rules)


@functools.lru_cache(maxsize=64)
def _subset(name: str, characters: str) -> bytes:
    path: Path = builtin_templates() / "_common" / "fonts" / name
    key = hashlib.sha256(path.read_bytes() + characters.encode()).hexdigest()[:32]
    cached = cache_folder("webfonts") / f"{key}.woff2"
    data = read_cached(cached)
    if data is None:
        data = _made_subset(path, characters)
        keep(cached, data)
    return data


def _made_subset(path: Path, characters: str) -> bytes:
    from fontTools import subset
    from fontTools.ttLib import TTFont

    font = TTFont(str(path), lazy=True)
    cmap = font.getBestCmap() or {}
    wanted = [ord(c) for c in characters if ord(c) in cmap]
    if not wanted:
        return b""
    options = subset.Options()
    options.flavor = "woff2"
    options.layout_features = ["kern", "liga", "ccmp", "mark", "mkmk", "tnum", "cpsp"]
    options.name_IDs = ["*"]  # the font's name and its licence stay with it (OFL)
    options.notdef_outline = True
    # Charis SIL's Graphite tables: no browser reads them, and the subsetter, which
    # cannot cut them, would say so on standard error for every face.
    options.drop_tables += ["Silf", "Silt", "Sill", "Glat", "Gloc", "Feat"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=wanted)
    subsetter.subset(font)
    out = io.BytesIO()
    font.flavor = "woff2"
    font.save(out)
    return out.getvalue()
