"""Language tags as BCP 47 writes them: 'fr', 'pt-BR', 'zh-Hans', 'sr-Latn-RS',
'ar-EG-u-nu-latn' (Arabic of Egypt, in Latin digits), 'en-US-x-house'.

A well-formed tag is accepted. Its extensions (`-u-…`, `-t-…`) and private use
(`-x-…`) say nothing CLDR looks up a locale by; they are set aside for the lookup,
and the one briefgen honours, the numbering system (`-u-nu-latn`), is read apart.
"""

from __future__ import annotations

import re

# RFC 5646, section 2.1: language, script, region, variants, extensions, private use.
_LANGUAGE = r"[A-Za-z]{2,3}(?:-[A-Za-z]{3}){0,3}|[A-Za-z]{4,8}"
_TAG = re.compile(
    rf"^(?:{_LANGUAGE})"
    r"(?:-[A-Za-z]{4})?"
    r"(?:-(?:[A-Za-z]{2}|\d{3}))?"
    r"(?:-(?:[A-Za-z0-9]{5,8}|\d[A-Za-z0-9]{3}))*"
    r"(?:-[0-9A-WY-Za-wy-z](?:-[A-Za-z0-9]{2,8})+)*"
    r"(?:-[Xx](?:-[A-Za-z0-9]{1,8})+)?$"
)


# Chinese, Japanese and Korean scripts (Hangul jamo and syllables, kana, Han): a name
# in them is written family name first, with no space between the parts (CSL 1.0.2,
# "Name-part Order", names in non-romanesque scripts).
FAMILY_FIRST_SCRIPTS = re.compile(
    r"[\u1100-\u11ff\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff]"
)


def well_formed(tag: str) -> bool:
    return bool(_TAG.match(tag))


def base_tag(tag: str) -> str:
    """The tag without its extensions and private use: what a locale is looked up by."""
    parts = tag.split("-")
    for i, part in enumerate(parts):
        if i and len(part) == 1:
            return "-".join(parts[:i])
    return tag


def numbering_system(tag: str) -> str | None:
    """The numbering system a `-u-nu-…` extension asks for ('latn', 'arab'), if any."""
    match = re.search(r"-u(?:-[A-Za-z0-9]{2,8})*?-nu-([A-Za-z0-9]{3,8})(?:-|$)", tag)
    return match[1].lower() if match else None


# Country codes and old habits written where a language code belongs.
_HABITS = {
    "jp": "ja",
    "cn": "zh",
    "kr": "ko",
    "gr": "el",
    "cz": "cs",
    "dk": "da",
    "se": "sv",
    "ua": "uk",
    "ee": "et",
    "si": "sl",
    "rs": "sr",
    "il": "he",
    "iw": "he",
    "br": "pt-BR",
    "us": "en-US",
    "gb": "en-GB",
    "uk-en": "en-GB",
    "in": "id",
    "ji": "yi",
    "vn": "vi",
}


def meant_tag(tag: str) -> str | None:
    """The tag a user most likely meant: 'jp' → 'ja', 'en_GB' → 'en-GB', 'EN-gb' → 'en-GB'."""
    fixed = tag.strip().replace("_", "-")
    parts = fixed.split("-")
    if parts and parts[0].lower() in _HABITS and len(parts) == 1:
        return _HABITS[parts[0].lower()]
    canonical = "-".join(
        p.lower() if i == 0 else p.title() if len(p) == 4 else p.upper() if len(p) == 2 else p
        for i, p in enumerate(parts)
    )
    return canonical if canonical != tag and well_formed(canonical) else None
