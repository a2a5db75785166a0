"""Every word of an output in the reader's language.

Labels come from gettext catalogues (`locales/<lang>/LC_MESSAGES/briefgen.po`),
read by Babel and used through Jinja's i18n extension: each label is a message
with a context, its key (`pgettext("contents", "Contents")`), so that a brief
(`labels:` in brief.yaml) or an audience (`labels:` in audience.yaml) can
replace any label by key. Dates and numbers are formatted from CLDR; quotation
marks are labels too, and the writing direction comes from the locale.
"""

from __future__ import annotations

import datetime as dt
import functools
import gettext
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from babel import Locale

LOCALES = Path(__file__).resolve().parents[1] / "locales"
DOMAIN = "briefgen"
# Scripts whose text runs right to left, by CLDR's character order.
RTL = "right-to-left"
# CLDR numbering systems → CSS counter styles, for page and note numbers.
COUNTER_STYLES = {
    "latn": "decimal",
    "arab": "arabic-indic",
    "arabext": "persian",
    "deva": "devanagari",
    "beng": "bengali",
    "thai": "thai",
}
_DIGITS = {
    "arab": "٠١٢٣٤٥٦٧٨٩",
    "arabext": "۰۱۲۳۴۵۶۷۸۹",
    "deva": "०१२३४५६७८९",
    "beng": "০১২৩৪৫৬৭৮৯",
    "thai": "๐๑๒๓๔๕๖๗๘๙",
}


class LanguageError(ValueError):
    """A `lang` that names no language."""


def locale_of(lang: str) -> Locale:
    """The CLDR locale of a BCP 47 tag ('pt-BR', 'zh-Hans'); LanguageError if none."""
    from babel import Locale, UnknownLocaleError

    from ..content.language import base_tag

    try:
        return Locale.parse(base_tag(lang).replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        raise LanguageError(
            f"'{lang}' is not a language tag briefgen knows: use a BCP 47 tag such as "
            "'fr', 'de', 'pt-BR' or 'zh-Hans'"
        ) from None


def catalogue_languages() -> list[str]:
    """The languages that have a catalogue of labels (English is the messages' own)."""
    return sorted(p.name for p in LOCALES.iterdir() if (p / "LC_MESSAGES").is_dir())


def _candidates(locale: Locale) -> list[str]:
    """Catalogue folders to try for a locale, most specific first. Chinese has one
    catalogue, in simplified script (zh_Hans); traditional script never falls back to it."""
    lang, script, territory = locale.language, locale.script, locale.territory
    names = []
    if script and territory:
        names.append(f"{lang}_{script}_{territory}")
    if script:
        names.append(f"{lang}_{script}")
    if territory:
        names.append(f"{lang}_{territory}")
    if lang != "zh":
        return [*names, lang]
    traditional = script == "Hant" or (not script and territory in ("TW", "HK", "MO"))
    return names if traditional else [*names, "zh_Hans"]


@functools.cache
def catalogue(lang: str) -> tuple[gettext.NullTranslations, str | None]:
    """The translations for `lang`, and the folder they came from (None: none, and the
    labels stay English). More specific catalogues fall back to broader ones."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    locale = locale_of(lang)
    found: gettext.NullTranslations | None = None
    first = None
    for name in _candidates(locale):
        path = LOCALES / name / "LC_MESSAGES" / f"{DOMAIN}.po"
        if not path.is_file():
            continue
        with path.open("rb") as handle:
            compiled = io.BytesIO()
            write_mo(compiled, read_po(handle, locale=name))
        compiled.seek(0)
        translations = gettext.GNUTranslations(compiled)
        if found is None:
            found, first = translations, name
        else:
            found.add_fallback(translations)
    return (found or gettext.NullTranslations()), first


def language_warnings(lang: str) -> list[str]:
    """What a build should say about `lang`: a language with no catalogue."""
    locale = locale_of(lang)
    if locale.language == "en" or catalogue(lang)[1] is not None:
        return []
    known = ", ".join(catalogue_languages())
    return [
        f"no catalogue of labels for '{lang}': its outputs' labels are in English; "
        f"translate them with `labels:` in brief.yaml (catalogues: {known})"
    ]


@dataclass
class I18n:
    """The language of one output: labels (with overrides), dates, numbers, quotes."""

    lang: str
    brief_labels: Mapping[str, str] = field(default_factory=dict)
    audience_labels: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.locale = locale_of(self.lang)
        self.translations = catalogue(self.lang)[0]
        self.direction = "rtl" if self.locale.character_order == RTL else "ltr"
        from ..content.language import numbering_system

        numbering = numbering_system(self.lang) or self.locale.default_numbering_system
        self.counter_style = COUNTER_STYLES.get(numbering, "decimal")
        self._digits = (
            str.maketrans("0123456789", _DIGITS[numbering]) if numbering in _DIGITS else None
        )

    # gettext's four callables, as Jinja's i18n extension calls them (new style:
    # the variables come as keyword arguments and are put in with %).
    def gettext(self, message: str, **variables: Any) -> str:
        return self.pgettext(message, message, **variables)

    def ngettext(self, singular: str, plural: str, n: int, **variables: Any) -> str:
        return self.npgettext(singular, singular, plural, n, **variables)

    def pgettext(self, key: str, message: str, **variables: Any) -> str:
        """The label `key` (English: `message`): the brief's override as written, else the
        audience's (translated when the catalogue knows that wording), else the catalogue's."""
        if key in self.brief_labels:
            text = self.brief_labels[key]
        elif key in self.audience_labels:
            text = self.translations.pgettext(key, self.audience_labels[key])
        else:
            text = self.translations.pgettext(key, message)
        return _fill(text, variables)

    def npgettext(self, key: str, singular: str, plural: str, n: int, **variables: Any) -> str:
        variables.setdefault("num", n)
        if key in self.brief_labels or key in self.audience_labels:
            return self.pgettext(key, singular, **variables)
        return _fill(self.translations.npgettext(key, singular, plural, n), variables)

    @property
    def decimal_symbol(self) -> str:
        """The decimal point as the language writes it in Latin digits, as authors type
        numbers in table cells: '.' in English, ',' in German."""
        from babel.numbers import get_decimal_symbol

        return get_decimal_symbol(self.locale, numbering_system="latn")

    def number(self, value: int) -> str:
        """A whole number in the locale's digits."""
        text = str(value)
        return text.translate(self._digits) if self._digits else text

    def date(self, value: dt.date | str) -> str:
        """A date at the precision it was given: '2025', 'January 2025', '16 January 2025'."""
        from babel.dates import format_date, format_skeleton

        parts = value.isoformat().split("-") if isinstance(value, dt.date) else value.split("-")
        day = dt.date(
            int(parts[0]),
            int(parts[1]) if len(parts) > 1 else 1,
            int(parts[2]) if len(parts) > 2 else 1,
        )
        if len(parts) == 1:
            text = format_skeleton("y", day, locale=self.locale)
        elif len(parts) == 2:
            text = format_skeleton("yMMMM", day, locale=self.locale)
        else:
            text = format_date(day, "long", locale=self.locale)
        return text.translate(self._digits) if self._digits else text

    def quotes(self, inner: bool = False) -> tuple[str, str]:
        """The opening and closing quotation marks, outer or inner ones."""
        if inner:
            return (self.pgettext("quote-inner-open", "‘"), self.pgettext("quote-inner-close", "’"))
        return (self.pgettext("quote-open", "“"), self.pgettext("quote-close", "”"))

    def quoted(self, text: str) -> str:
        opening, closing = self.quotes()
        return f"{opening}{text}{closing}"


def _fill(text: str, variables: Mapping[str, Any]) -> str:
    """`%(name)s` placeholders filled in; a label with none is returned as it is, so
    that a stray % in a translation or an override is shown, not an error."""
    if not variables or "%(" not in text:
        return text
    try:
        return text % variables
    except (KeyError, ValueError, TypeError):
        return re.sub(r"%\((\w+)\)s", lambda m: str(variables.get(m[1], m[0])), text)
