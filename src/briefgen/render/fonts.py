"""Fonts for every script, and the characters no font can draw.

Latin, Greek and Cyrillic are set in the shipped Charis SIL (text) and Inter
(headings). Other scripts use system fonts, which licences or size keep out of
the package: Noto CJK (Debian `fonts-noto-cjk`) for Chinese, Japanese and
Korean, in the regional form of the brief's language, and Noto Naskh Arabic,
Noto Sans Arabic and Noto Hebrew (`fonts-noto-core`). A character that no font
on the machine has would print as an empty box: the build finds such
characters before the PDF is laid out and says which, where, and what to
install.
"""

from __future__ import annotations

import functools
import re
import shutil
import subprocess
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..template_search import builtin_templates

if TYPE_CHECKING:
    from babel import Locale

SHIPPED = (
    "CharisSIL-Regular.ttf",
    "CharisSIL-Bold.ttf",
    "CharisSIL-Italic.ttf",
    "CharisSIL-BoldItalic.ttf",
    "Inter-Regular.otf",
    "Inter-Bold.otf",
    "Inter-Italic.otf",
)
_CJK_FORMS = {"ja": "JP", "ko": "KR", "zh-Hant": "TC", "zh-TW": "TC", "zh-HK": "HK", "zh": "SC"}


@dataclass(frozen=True)
class Stacks:
    serif: str
    sans: str


def font_stacks(locale: Locale) -> Stacks:
    """CSS font-family lists for the language. Latin, Greek and Cyrillic lead with the
    shipped fonts; another script leads with its own font (in the CJK form the
    language reads), whose Latin letters then match it. The Latin fonts come before
    the other scripts', so that a browser without the shipped fonts sets Latin text
    in a Latin font, not in a CJK font's wide punctuation."""
    cjk = _cjk_form(locale)
    serif = [f'"Noto Serif CJK {cjk}"', '"Noto Naskh Arabic"', '"Noto Serif Hebrew"']
    sans = [f'"Noto Sans CJK {cjk}"', '"Noto Sans Arabic"', '"Noto Sans Hebrew"']
    lead = _SCRIPT_LEAD.get(locale.language)
    first_serif = [serif.pop(lead)] if lead is not None else []
    first_sans = [sans.pop(lead)] if lead is not None else []
    return Stacks(
        ", ".join([*first_serif, *LATIN_SERIF, *serif, "serif"]),
        ", ".join([*first_sans, *LATIN_SANS, *sans, "sans-serif"]),
    )


LATIN_SERIF = (
    '"Charis SIL"',
    "Charter",
    '"Bitstream Charter"',
    "Georgia",
    '"Noto Serif"',
    '"DejaVu Serif"',
)
LATIN_SANS = ("Inter", '"Helvetica Neue"', "Arial", '"Noto Sans"', '"DejaVu Sans"')
# Languages whose script leads the font lists: index into the script fonts above.
_SCRIPT_LEAD = {"ja": 0, "zh": 0, "ko": 0, "ar": 1, "fa": 1, "ur": 1, "ps": 1, "he": 2, "yi": 2}


def _cjk_form(locale: Locale) -> str:
    """The regional form of CJK characters the language reads."""
    if locale.language in ("ja", "ko"):
        return _CJK_FORMS[locale.language]
    if locale.language == "zh" and (locale.script == "Hant" or locale.territory in ("TW", "MO")):
        return "TC"
    if locale.language == "zh" and locale.territory == "HK":
        return "HK"
    return "SC"


@dataclass(frozen=True)
class Place:
    """A text of the brief a reader sees, named as a user would look for it, and where it
    stands in its file (file key and location) when it stands in one."""

    name: str
    text: str
    file: str | None = None
    loc: tuple[str | int, ...] = ()


LABELS = Place("the labels", "")


@dataclass(frozen=True)
class Gap:
    """Characters no font has, where they stand, and what to install."""

    characters: str
    place: Place
    package: str

    @property
    def where(self) -> str:
        place = self.place
        return f"{place.name} ({place.file}.yaml)" if place.file else place.name

    def message(self) -> str:
        shown = ", ".join(f"'{c}' (U+{ord(c):04X})" for c in self.characters[:8])
        more = f" and {len(self.characters) - 8} more" if len(self.characters) > 8 else ""
        return (
            f"no font on this machine draws {shown}{more}, in {self.where}: "
            f"the PDF would show empty boxes; install {self.package}"
        )


def missing_characters(text: str) -> str:
    """The characters of `text` that no available font has, in order of first use."""
    covered = coverage()
    if covered is None:
        return ""
    seen: dict[str, None] = {}
    for ch in text:
        if ord(ch) > 0x7E and ch not in seen and not _invisible(ch) and ord(ch) not in covered:
            seen[ch] = None
    return "".join(seen)


def glyph_gaps(page_text: str, places: Iterable[Place]) -> list[Gap]:
    """The characters of a page that no font draws, grouped by the first place (a
    statement, the title) that holds each; the rest are in the labels."""
    missing = missing_characters(page_text)
    if not missing:
        return []
    groups: dict[Place, str] = {}
    listed = list(places)
    for ch in missing:
        place = next((p for p in listed if ch in p.text), LABELS)
        groups[place] = groups.get(place, "") + ch
    return [Gap(chars, place, package_for(chars)) for place, chars in groups.items()]


def _invisible(ch: str) -> bool:
    """Format and control characters, which no font needs to draw."""
    return unicodedata.category(ch) in ("Cf", "Cc", "Zl", "Zp")


@functools.cache
def coverage() -> frozenset[int] | None:
    """Every code point some font on this machine or in briefgen has; None when the
    machine's fonts cannot be listed (no fontconfig), so nothing is reported."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return None
    listed = subprocess.run(
        [fc_list, "--format", "%{charset}\\n"], capture_output=True, text=True, check=False
    ).stdout
    points: set[int] = set()
    for line in listed.splitlines():
        for start, end in re.findall(r"([0-9a-f]+)(?:-([0-9a-f]+))?", line):
            points.update(range(int(start, 16), int(end or start, 16) + 1))
    points |= _shipped_coverage()
    return frozenset(points)


def _shipped_coverage() -> set[int]:
    from fontTools.ttLib import TTFont

    points: set[int] = set()
    folder = builtin_templates() / "_common" / "fonts"
    for name in SHIPPED:
        with TTFont(folder / name, lazy=True) as font:
            points.update(font.getBestCmap() or {})
    return points


# Scripts and the Debian package that draws them; the rest come with fonts-noto-core.
_PACKAGES = (
    (
        re.compile(
            r"[\u1100-\u11ff\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef"
            r"\U00020000-\U0003ffff]"
        ),
        "fonts-noto-cjk",
    ),
    (re.compile(r"[\U0001f300-\U0001faff\u2600-\u27bf]"), "fonts-noto-color-emoji"),
)


def package_for(characters: str) -> str:
    for pattern, package in _PACKAGES:
        if pattern.search(characters):
            return f"a font that has them (Debian: {package})"
    return "a font that has them (Debian: fonts-noto-core, fonts-noto-extra)"


@functools.cache
def _advances(font_file: str) -> tuple[dict[int, int], int]:
    """A shipped font's advance width of each character, and its units per em."""
    from fontTools.ttLib import TTFont  # WeasyPrint's own dependency

    font = TTFont(builtin_templates() / "_common" / "fonts" / font_file, lazy=True)
    widths = font["hmtx"].metrics
    advances = {code: widths[name][0] for code, name in font.getBestCmap().items()}
    return advances, int(font["head"].unitsPerEm)


def width_in_em(text: str, font_file: str = "Inter-Bold.otf") -> float:
    """How wide `text` is set in a shipped font, in em: each character the font has at its
    own advance; any other at a full em, as wide (CJK) characters are, which is the most
    a fallback font gives one."""
    advances, units = _advances(font_file)
    return sum(
        advances[ord(ch)] / units if ord(ch) in advances else 1.0
        for ch in text
        if not _invisible(ch)
    )
