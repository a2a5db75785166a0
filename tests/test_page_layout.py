"""What a reader sees on the printed page, read back from the PDF: dates clear of titles,
no heading left at the foot of a page, no hyphenated fragment on a line of its own.

The briefs here are generated, with statements of many lengths, so that the
line and page breaks fall in many places; the seeds are fixed, so a failure
is reproducible.
"""

from __future__ import annotations

import random
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pdfplumber
import pytest
from conftest import FIXTURES
from pdfread import body_lines

from briefgen.document.i18n import I18n
from briefgen.pipeline import build

MILESTONES = """
- date: 2025-09-16
  title: Water security plan adopted
  statements:
    - text: The plan was adopted.
      sources: [public-source]
- date: 2024-11-30
  title: Basin commission founded
  statements:
    - text: The commission met for the first time.
      sources: [public-source]
- date: 2023-02
  title: Talks begin
  statements:
    - text: The talks began.
      sources: [public-source]
"""

Char = dict[str, Any]  # a character of a page, as pdfplumber gives it
LANGUAGES = ["en-US", "de", "es", "fr", "pt", "ru", "pl", "ja", "ar"]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_day_precision_date_never_runs_into_its_title(
    lang: str, brief_dir: Callable[..., Path], tmp_path: Path
) -> None:
    content = brief_dir(milestones=MILESTONES.lstrip("\n"))
    brief = content / "brief.yaml"
    brief.write_text(brief.read_text(encoding="utf-8") + f"lang: {lang}\n", encoding="utf-8")
    build(content, out_dir=tmp_path / "out", audiences=["public"], formats=["pdf"])
    i18n = I18n(lang)
    checked = 0
    with pdfplumber.open(tmp_path / "out" / "public" / "brief.pdf") as pdf:
        for page in pdf.pages:
            for date, title in (("2025-09-16", "Water"), ("2024-11-30", "Basin")):
                shown = i18n.date(date).replace(" ", "")
                date_box, title_box = _boxes(page, shown, title)
                if date_box is None or title_box is None:
                    continue
                checked += 1
                if lang == "ar":  # right to left: the date stands right of its title
                    assert date_box[0] > title_box[1] + 2, (shown, date_box, title_box)
                else:
                    assert date_box[1] + 2 < title_box[0], (shown, date_box, title_box)
    assert checked == 2


LONG_MILESTONE = """
- date: 2024-11-30
  title: Basin commission founded
  statements:
    - text: >-
        The commission met for the first time, with delegations from every riparian
        state, observers from two development banks and a secretariat lent by the
        regional water authority, and agreed a work plan for its first three years.
      sources: [public-source]
"""
MARGIN_PT = 21 / 25.4 * 72  # the print page's side margins, 21 mm (base.css)


@pytest.mark.parametrize("lang", ["en-US", "ar", "ja"])
def test_a_wrapping_milestone_stays_inside_the_margins(
    lang: str, brief_dir: Callable[..., Path], tmp_path: Path
) -> None:
    """The date hangs in the start margin and the event wraps beside it, in either
    direction: no line runs past the side margins."""
    content = brief_dir(milestones=LONG_MILESTONE.lstrip("\n"))
    brief = content / "brief.yaml"
    brief.write_text(brief.read_text(encoding="utf-8") + f"lang: {lang}\n", encoding="utf-8")
    build(content, out_dir=tmp_path / "out", audiences=["public"], formats=["pdf"])
    with pdfplumber.open(tmp_path / "out" / "public" / "brief.pdf") as pdf:
        for page in pdf.pages:
            text = [c for c in page.chars if c["text"].strip()]
            assert min(c["x0"] for c in text) >= MARGIN_PT - 1
            assert max(c["x1"] for c in text) <= page.width - MARGIN_PT + 1


def _boxes(
    page: pdfplumber.page.Page, date: str, title: str
) -> tuple[tuple[float, float] | None, tuple[float, float] | None]:
    """The horizontal extent of the date (the bold sans face) and of the title's first
    word (bold serif) on the line where the title stands."""
    chars = page.chars
    title_chars = _find(chars, title, lambda c: _bold(c) and not _sans(c))
    if title_chars is None:
        return None, None
    top = title_chars[0]["top"]
    on_line = [c for c in chars if abs(c["top"] - top) < 4 and _bold(c) and _sans(c)]
    date_chars = [c for c in on_line if c["text"].strip() and c["text"] in date]
    if not date_chars:
        return None, None
    date_box = (min(c["x0"] for c in date_chars), max(c["x1"] for c in date_chars))
    title_box = (min(c["x0"] for c in title_chars), max(c["x1"] for c in title_chars))
    return date_box, title_box


def _bold(char: Char) -> bool:
    return "Bold" in char["fontname"]


def _sans(char: Char) -> bool:
    return "Inter" in char["fontname"] or "Sans" in char["fontname"]


def _find(chars: list[Char], word: str, face: Callable[[Char], bool]) -> list[Char] | None:
    run = [c for c in chars if face(c)]
    text = "".join(c["text"] for c in run)
    at = text.find(word)
    return run[at : at + len(word)] if at >= 0 else None


# Generated briefs ----------------------------------------------------------------------

WORDS = (  # noqa: SIM905  (a sentence reads better than 48 quoted words)
    "contacts between japan and the alliance began in the early nineties when both sides "
    "started a political dialogue on security questions in europe and asia while officials "
    "exchanged visits and considered practical cooperation on disaster relief reconstruction "
    "and the training of police forces in afghanistan under international supervision"
).split()
FIRST_WORDS = ["Contacts", "Cooperation", "Negotiations", "International", "Consultations"]


def _text(rng: random.Random, first: str | None = None) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(3, 40))]
    words[0] = first or words[0].capitalize()
    return " ".join(words) + "."


def _statement(rng: random.Random, first: str | None = None) -> str:
    cites = "".join(
        f"        - {{source: public-source, locator: para {rng.randint(1, 40)}}}\n"
        for _ in range(rng.randint(1, 3))
    )
    return f"    - text: {_text(rng, first)}\n      sources:\n{cites}"


def generated_brief(seed: int, folder: Path) -> Path:
    """The canary brief with background sections and questions of random lengths."""
    rng = random.Random(seed)
    shutil.copytree(FIXTURES / "canary", folder)
    parts = []
    for n in range(rng.randint(6, 12)):
        statements = [_statement(rng, rng.choice(FIRST_WORDS))]
        statements += [_statement(rng) for _ in range(rng.randint(0, 2))]
        parts.append(
            f"- heading: Part {n} on {rng.choice(WORDS)}\n  statements:\n" + "".join(statements)
        )
    (folder / "background.yaml").write_text("".join(parts), encoding="utf-8")
    questions = [
        f"- id: q{n}\n  question: Will {rng.choice(WORDS)} follow?\n"
        f"  statements:\n{_statement(rng)}"
        for n in range(rng.randint(2, 8))
    ]
    (folder / "questions.yaml").write_text("".join(questions), encoding="utf-8")
    return folder


# Seeds whose briefs, before the fixes, left a heading at the foot of a page or a
# hyphenated fragment on a line of its own (found by trying seeds 100–139).
SEEDS = [109, 111, 112, 120, 130, 134]


@pytest.fixture(scope="module")
def generated_pdfs(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    root = tmp_path_factory.mktemp("generated")
    pdfs = []
    for seed in SEEDS:
        content = generated_brief(seed, root / f"brief-{seed}")
        build(
            content, out_dir=root / f"out-{seed}", audiences=["public", "analyst"], formats=["pdf"]
        )
        pdfs += [root / f"out-{seed}" / name / "brief.pdf" for name in ("public", "analyst")]
    return pdfs


def test_no_page_ends_with_a_heading(generated_pdfs: list[Path]) -> None:
    stranded = [
        f"{pdf.parent.parent.name}/{pdf.parent.name} page {lines[-1].page + 1}: {lines[-1].text}"
        for pdf in generated_pdfs
        for lines in body_lines(pdf)
        if lines and lines[-1].is_heading
    ]
    assert not stranded


def test_no_line_holds_only_a_hyphenated_fragment(generated_pdfs: list[Path]) -> None:
    fragments = [
        f"{pdf.parent.parent.name}/{pdf.parent.name} page {line.page + 1}: {line.text}"
        for pdf in generated_pdfs
        for lines in body_lines(pdf)
        for line in lines
        if re.fullmatch(r"\S+[-‐\u00ad]", line.text.strip())
    ]
    assert not fragments


def test_no_line_starts_with_a_note_call(generated_pdfs: list[Path]) -> None:
    """The call stays with the word before it: some text stands left of it on its line."""
    alone = []
    for pdf in generated_pdfs:
        with pdfplumber.open(pdf) as document:
            for number, page in enumerate(document.pages):
                text = [c for c in page.chars if c["size"] > 7.6]
                for call in page.chars:
                    if not (6.4 < call["size"] < 6.6 and call["text"].isdigit()):
                        continue
                    middle = (call["top"] + call["bottom"]) / 2
                    before = [
                        c
                        for c in text
                        if abs((c["top"] + c["bottom"]) / 2 - middle) < 6
                        and c["x1"] <= call["x0"] + 0.5
                    ]
                    if not before:
                        alone.append(f"{pdf.parent.parent.name}/{pdf.parent.name} p{number + 1}")
    assert not alone
