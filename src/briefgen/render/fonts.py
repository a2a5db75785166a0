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

from ..templates import builtin_templates

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
    """CSS font-family lists for the language: the shipped fonts first, then the script
    fonts, with the CJK form (Japanese, Korean, simplified or traditional Chinese) that
    the language reads."""
    cjk = _CJK_FORMS["zh"]
    if locale.language in ("ja", "ko"):
        cjk = _CJK_FORMS[locale.language]
    elif locale.language == "zh" and (locale.script == "Hant" or locale.territory in ("TW", "MO")):
        cjk = "TC"
    elif locale.language == "zh" and locale.territory == "HK":
        cjk = "HK"
    serif = (
        f'"Charis SIL", "Noto Serif CJK {cjk}", "Noto Naskh Arabic", "Noto Serif Hebrew", '
        '"Noto Serif", "DejaVu Serif", serif'
    )
    sans = (
        f'Inter, "Noto Sans CJK {cjk}", "Noto Sans Arabic", "Noto Sans Hebrew", '
        '"Noto Sans", "DejaVu Sans", sans-serif'
    )
    return Stacks(serif, sans)


@dataclass(frozen=True)
class Gap:
    """Characters no font has, where they stand, and what to install."""

    characters: str
    where: str
    package: str

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


def gaps(texts: Iterable[tuple[str, str]]) -> list[Gap]:
    """For (where, text) pairs, the characters no font draws, one gap a place."""
    found = []
    for where, text in texts:
        missing = missing_characters(text)
        if missing:
            found.append(Gap(missing, where, package_for(missing)))
    return found


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
