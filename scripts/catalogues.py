"""Keep the label catalogues in step with the templates and the code.

    .venv/bin/python scripts/catalogues.py           # rewrite briefgen.pot, merge it into every .po
    .venv/bin/python scripts/catalogues.py --check   # exit 1 if a catalogue lacks a label

Labels are gettext messages with a context, their key: `pgettext(key, English)`
(see briefgen/locales/messages.py for where they are found). A new label gets
an empty translation in every catalogue, which --check (and a test) reports
until a translator fills it in; a label no longer used is dropped. Catalogues
of a regional English (en_GB) hold only what differs from the English messages.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

from briefgen.locales.messages import collect

LOCALES = Path(__file__).resolve().parents[1] / "src" / "briefgen" / "locales"
POT = LOCALES / "briefgen.pot"
# A fixed date in the headers, so that an unchanged catalogue is an unchanged file.
DATE = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
HEADER = {
    "copyright_holder": "briefgen contributors",
    "creation_date": DATE,
    "revision_date": DATE,
    "fuzzy": False,
    "last_translator": "briefgen contributors",
    "language_team": "briefgen contributors",
    "msgid_bugs_address": "briefgen issues",
    "header_comment": "# Labels of briefgen's outputs. A message's context is the label's key,\n"
    "# by which brief.yaml and audience.yaml can replace it.\n"
    "# Updated by scripts/catalogues.py.",
}


def template() -> Catalog:
    catalog = Catalog(project="briefgen", domain="briefgen", charset="utf-8", **HEADER)
    for (key, english), where in collect().items():
        catalog.add(english, context=key, locations=[_location(w) for w in where])
    return catalog


def _location(where: str) -> tuple[str, int | None]:
    path, _, line = where.partition(":")
    return path, int(line) if line.isdigit() else None


def po_files() -> list[Path]:
    return sorted(LOCALES.glob("*/LC_MESSAGES/briefgen.po"))


def merged(path: Path, pot: Catalog) -> Catalog:
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=path.parts[-3])
    catalog.header_comment = HEADER["header_comment"]  # type: ignore[assignment]
    catalog.msgid_bugs_address = "briefgen issues"
    catalog.update(pot, no_fuzzy_matching=True)
    catalog.obsolete.clear()
    return catalog


def missing(catalog: Catalog) -> list[str]:
    """Labels without a translation (a regional English catalogue may leave them out)."""
    if catalog.locale and catalog.locale.language == "en":
        return []
    return [
        f"{message.context}: {message.id if isinstance(message.id, str) else message.id[0]}"
        for message in catalog
        if message.id and (not message.string or not all(message.string) or message.fuzzy)
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="report, change nothing")
    check = parser.parse_args().check
    pot = template()
    failures = 0
    for path in po_files():
        catalog = merged(path, pot)
        for label in missing(catalog):
            print(f"{path.relative_to(LOCALES)}: no translation of {label}")
            failures += 1
        if not check:
            with path.open("wb") as handle:
                write_po(handle, catalog, width=0, omit_header=False, sort_output=True)
    if not check:
        with POT.open("wb") as handle:
            write_po(handle, pot, width=0, sort_output=True)
    return 1 if failures and check else 0


if __name__ == "__main__":
    sys.exit(main())
