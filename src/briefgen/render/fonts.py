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

import bisect
import functools
import hashlib
import re
import shutil
import subprocess
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..template_search import builtin_templates
from ..user_cache import cache_folder, keep, read_cached

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
PLACES_NAMED = 3  # a warning names the first places, not every one


@dataclass(frozen=True)
class Gap:
    """Characters this machine cannot set as the brief means them, the first places
    they stand, and the Debian package that would: either no font draws them
    (`missing`: the PDF shows empty boxes) or only a fallback font does (`fallback`:
    Arabic in DejaVu Sans, say, where the brief's font is Noto Naskh Arabic)."""

    characters: str
    places: tuple[Place, ...]
    package: str
    kind: str = "missing"
    fonts: str = ""  # the fonts a fallback stands in for

    @property
    def place(self) -> Place:
        return self.places[0] if self.places else LABELS

    @property
    def where(self) -> str:
        named = [f"{p.name} ({p.file}.yaml)" if p.file else p.name for p in self.places]
        return ", ".join(named[:PLACES_NAMED]) + (" …" if len(named) > PLACES_NAMED else "")

    def message(self) -> str:
        shown = ", ".join(f"'{c}' (U+{ord(c):04X})" for c in self.characters[:8])
        more = f" and {len(self.characters) - 8} more" if len(self.characters) > 8 else ""
        if self.kind == "fallback":
            return (
                f"{self.fonts} not on this machine: {shown}{more}, first in {self.where}, "
                f"would be set in a fallback font; install {self.package} (Debian), "
                "or run 'briefgen ci fonts' to list what a brief needs"
            )
        return (
            f"no font on this machine draws {shown}{more}, in {self.where}: "
            f"the PDF would show empty boxes; install {self.package} (Debian) or "
            "another font that has them"
        )


def merged(gaps: Iterable[Gap]) -> list[Gap]:
    """One gap per package and kind: the characters and places of every page and
    audience together, in order of first report."""
    grouped: dict[tuple[str, str], Gap] = {}
    for gap in gaps:
        key = (gap.package, gap.kind)
        if key not in grouped:
            grouped[key] = gap
            continue
        seen = grouped[key]
        characters = seen.characters + "".join(
            c for c in dict.fromkeys(gap.characters) if c not in seen.characters
        )
        places = seen.places + tuple(p for p in gap.places if p not in seen.places)
        grouped[key] = Gap(characters, places, seen.package, seen.kind, seen.fonts)
    return list(grouped.values())


def missing_characters(text: str) -> str:
    """The characters of `text` that no available font has, in order of first use. The
    machine's fonts are listed (fontconfig, a tenth of a second) only for characters
    the shipped fonts lack: a brief in a Latin script never asks."""
    shipped = _shipped_coverage_cached()
    seen: dict[str, None] = {}
    for ch in text:
        if ord(ch) > 0x7E and ch not in seen and not _invisible(ch) and ord(ch) not in shipped:
            seen[ch] = None
    if not seen:
        return ""
    covered = coverage()
    if covered is None:
        return ""
    return "".join(ch for ch in seen if ord(ch) not in covered)


def glyph_gaps(page_text: str, places: Iterable[Place]) -> list[Gap]:
    """What of a page this machine cannot set: characters no font draws, and scripts
    only a fallback font draws, one gap per Debian package that would mend it, with
    the places (a statement, the title) where the characters first stand."""
    listed = list(places)
    gaps = []
    missing = missing_characters(page_text)
    by_package: dict[str, str] = {}
    for ch in missing:
        by_package[package_for(ch)] = by_package.get(package_for(ch), "") + ch
    for package, chars in by_package.items():
        gaps.append(Gap(chars, _places_of(chars, listed), package))
    for script in SCRIPT_FONTS:
        chars = "".join(dict.fromkeys(script.pattern.findall(page_text)))
        chars = "".join(c for c in chars if c not in missing)
        if chars and not installed_families() & set(script.families):
            fonts = " and ".join(script.families)
            places = _places_of(chars, listed)
            gaps.append(Gap(chars, places, script.package, "fallback", fonts))
    return merged(gaps)


def _places_of(chars: str, places: list[Place]) -> tuple[Place, ...]:
    found: list[Place] = []
    for ch in chars:
        place = next((p for p in places if ch in p.text), LABELS)
        if place not in found:
            found.append(place)
    return tuple(found)


@dataclass(frozen=True)
class ScriptFonts:
    """A script the shipped fonts do not draw, the fonts briefgen sets it in (any one
    will do), and the Debian package that has them."""

    pattern: re.Pattern[str]
    families: tuple[str, ...]
    package: str


SCRIPT_FONTS = (
    ScriptFonts(
        re.compile(r"[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]"),
        ("Noto Naskh Arabic", "Noto Sans Arabic"),
        "fonts-noto-core",
    ),
    ScriptFonts(
        re.compile(r"[\u0590-\u05ff\ufb1d-\ufb4f]"),
        ("Noto Serif Hebrew", "Noto Sans Hebrew"),
        "fonts-noto-core",
    ),
    ScriptFonts(
        re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]"),
        ("Noto Sans CJK JP", "Noto Serif CJK JP", "Noto Sans CJK SC", "Noto Sans CJK KR"),
        "fonts-noto-cjk",
    ),
)
# Languages whose labels are set in a script of SCRIPT_FONTS, whatever the content holds.
LANGUAGE_PACKAGES = {
    "ja": "fonts-noto-cjk",
    "zh": "fonts-noto-cjk",
    "ko": "fonts-noto-cjk",
    "ar": "fonts-noto-core",
    "fa": "fonts-noto-core",
    "ur": "fonts-noto-core",
    "ps": "fonts-noto-core",
    "he": "fonts-noto-core",
    "yi": "fonts-noto-core",
}


def packages_for(text: str, languages: Iterable[str]) -> list[str]:
    """The Debian font packages a machine needs to set `text` in the brief's own fonts,
    and the labels of briefs in `languages`: what `briefgen ci fonts` installs."""
    needed = {LANGUAGE_PACKAGES[lang] for lang in languages if lang in LANGUAGE_PACKAGES}
    needed |= {script.package for script in SCRIPT_FONTS if script.pattern.search(text)}
    shipped = _shipped_coverage_cached()
    for ch in dict.fromkeys(text):
        if ord(ch) > 0x7E and not _invisible(ch) and ord(ch) not in shipped:
            needed.add(package_for(ch))
    return sorted(needed)


@functools.cache
def _shipped_coverage_cached() -> frozenset[int]:
    """What the shipped fonts draw: read with fontTools once, then kept in the user's
    cache folder (as _advances is), so that a check need not load fontTools."""
    import json

    folder = builtin_templates() / "_common" / "fonts"
    stamps = "-".join(f"{(folder / n).stat().st_size}" for n in SHIPPED)
    key = hashlib.sha256(stamps.encode()).hexdigest()[:16]
    cached = cache_folder("metrics") / f"shipped-coverage-{key}.json"
    try:
        return frozenset(int(point) for point in json.loads(read_cached(cached) or b""))
    except (ValueError, TypeError):
        pass
    points = _shipped_coverage()
    keep(cached, json.dumps(sorted(points)).encode())
    return frozenset(points)


@functools.cache
def installed_families() -> frozenset[str]:
    """The font families fontconfig knows; all of SCRIPT_FONTS' when it cannot be asked
    (no fontconfig), so that nothing is reported."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return frozenset(f for script in SCRIPT_FONTS for f in script.families)
    listed = subprocess.run(
        [fc_list, "--format", "%{family}\\n"], capture_output=True, text=True, check=False
    ).stdout
    return frozenset(name.strip() for line in listed.splitlines() for name in line.split(","))


def _invisible(ch: str) -> bool:
    """Format and control characters, which no font needs to draw."""
    return unicodedata.category(ch) in ("Cf", "Cc", "Zl", "Zp")


class Ranges:
    """Code points as sorted, merged ranges: what the machine's fonts cover, asked one
    character at a time without a set of every code point they hold."""

    def __init__(self, ranges: list[tuple[int, int]]) -> None:
        merged: list[tuple[int, int]] = []
        for start, end in sorted(ranges):
            if merged and start <= merged[-1][1] + 1:
                merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
            else:
                merged.append((start, end))
        self.starts = [start for start, _ in merged]
        self.ends = [end for _, end in merged]

    def __contains__(self, point: object) -> bool:
        if not isinstance(point, int):
            return False
        at = bisect.bisect_right(self.starts, point) - 1
        return at >= 0 and point <= self.ends[at]


@functools.cache
def coverage() -> Ranges | None:
    """Every code point some font on this machine has (the shipped fonts are asked after,
    for what these lack); None when the machine's fonts cannot be listed (no
    fontconfig), so nothing is reported."""
    return _coverage()


def _coverage() -> Ranges | None:
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return None
    listed = subprocess.run(
        [fc_list, "--format", "%{charset}\\n"], capture_output=True, text=True, check=False
    ).stdout
    found = re.findall(r"([0-9a-f]+)(?:-([0-9a-f]+))?", listed)
    return Ranges([(int(start, 16), int(end or start, 16)) for start, end in found])


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


def package_for(character: str) -> str:
    """The Debian package whose fonts draw the character."""
    for pattern, package in _PACKAGES:
        if pattern.match(character):
            return package
    return "fonts-noto-core"


@functools.cache
def _advances(font_file: str) -> tuple[dict[int, int], int]:
    """A shipped font's advance width of each character, and its units per em: read
    with fontTools once, then kept in the user's cache folder, so that a check or a
    build need not load fontTools to measure a date."""
    import json

    path = builtin_templates() / "_common" / "fonts" / font_file
    stat = path.stat()
    cached = cache_folder("metrics") / f"{font_file}-{stat.st_size}-{stat.st_mtime_ns}.json"
    try:
        data = json.loads(read_cached(cached) or b"")
        return {int(k): int(v) for k, v in data["advances"].items()}, int(data["units"])
    except (ValueError, KeyError, TypeError, AttributeError):
        pass
    from fontTools.ttLib import TTFont  # WeasyPrint's own dependency

    font = TTFont(path, lazy=True)
    widths = font["hmtx"].metrics
    advances = {code: widths[name][0] for code, name in font.getBestCmap().items()}
    units = int(font["head"].unitsPerEm)
    keep(cached, json.dumps({"advances": advances, "units": units}).encode())
    return advances, units


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
