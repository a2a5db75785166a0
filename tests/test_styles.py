"""Citation styles: notes, in-text citations and reference lists as each style's rules write
them, for four kinds of source (tests/fixtures/styles).

The expected strings are written by hand from each style's rules (the CSL file, and the
manual it encodes), not copied from briefgen's output. Markup kept: <i> for italics.
CSL leaves a title's case alone in sentence-case styles (APA, Harvard, IEEE), so those
titles read as the source gives them.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import NotRequired, TypedDict

import pytest
from conftest import FIXTURES

from briefgen.content.models import Content
from briefgen.content.validate import validate_brief
from briefgen.document import citeproc_fixes, csl
from briefgen.document.citations import NoteBook
from briefgen.document.i18n import I18n

SOURCES = ("who-2023", "holm-2025", "miller-2024", "tanaka-2025")
WHO_URL = "https://www.who.int/publications/i/item/9789240074323"
DOI = "https://doi.org/10.1080/01402390.2025.1234567"
RAND_URL = "https://www.rand.org/pubs/research_reports/RR1234.html"
TIMES_URL = "https://www.japantimes.co.jp/news/2025/01/16/mission"
WHO_TITLE = "World health statistics 2023: monitoring health for the SDGs"


class Rules(TypedDict):
    first: dict[str, str]  # source id → its first note (or in-text citation)
    later: NotRequired[dict[str, str]]  # source id → its later note, in a note style
    references: list[str]  # the reference list, in the style's order


# Chicago notes (17th ed., 14.20–14.36): a full note first, then a short note of author
# and title; title case; full given names; a bibliography sorted by author.
CHICAGO: Rules = {
    "first": {
        "who-2023": "World Health Organization, “World Health Statistics 2023: Monitoring "
        f"Health for the SDGs,” WHO, May 19, 2023, 12, {WHO_URL}.",
        "holm-2025": "Pia Holm and Kenji Sato, “Alliances at a Distance: Japan and NATO after "
        f"2022,” <i>Journal of Strategic Studies</i> 48, no. 2 (2025): 12, {DOI}.",
        "miller-2024": "Anne Miller, <i>Deterrence in the Indo-Pacific</i> (RAND Corporation, "
        f"2024), 12, {RAND_URL}.",
        "tanaka-2025": "Yuki Tanaka, “Japan Opens Mission to NATO,” <i>The Japan Times</i>, "
        f"January 16, 2025, 12, {TIMES_URL}.",
    },
    "later": {
        "who-2023": "World Health Organization, “World Health Statistics 2023: Monitoring "
        "Health for the SDGs,” 14.",
        "holm-2025": "Holm and Sato, “Alliances at a Distance: Japan and NATO after 2022,” 14.",
        "miller-2024": "Miller, <i>Deterrence in the Indo-Pacific</i>, 14.",
        "tanaka-2025": "Tanaka, “Japan Opens Mission to NATO,” 14.",
    },
    "references": [
        "Holm, Pia, and Kenji Sato. “Alliances at a Distance: Japan and NATO after 2022.” "
        f"<i>Journal of Strategic Studies</i> 48, no. 2 (2025): 201–26. {DOI}.",
        f"Miller, Anne. <i>Deterrence in the Indo-Pacific</i>. RAND Corporation, 2024. {RAND_URL}.",
        "Tanaka, Yuki. “Japan Opens Mission to NATO.” <i>The Japan Times</i>, January 16, "
        f"2025. {TIMES_URL}.",
        "World Health Organization. “World Health Statistics 2023: Monitoring Health for the "
        f"SDGs.” WHO, May 19, 2023. {WHO_URL}.",
    ],
}

# APA (7th ed.): (Author, year, p. n), two authors joined by "&"; initials in the list.
APA: Rules = {
    "first": {
        "who-2023": "(World Health Organization, 2023, p. 12)",
        "holm-2025": "(Holm & Sato, 2025, p. 12)",
        "miller-2024": "(Miller, 2024, p. 12)",
        "tanaka-2025": "(Tanaka, 2025, p. 12)",
    },
    "references": [
        "Holm, P., & Sato, K. (2025). Alliances at a distance: Japan and NATO after 2022. "
        f"<i>Journal of Strategic Studies</i>, <i>48</i>(2), 201–226. {DOI}",
        f"Miller, A. (2024). <i>Deterrence in the Indo-Pacific</i>. RAND Corporation. {RAND_URL}",
        "Tanaka, Y. (2025, January 16). Japan opens mission to NATO. <i>The Japan Times</i>. "
        f"{TIMES_URL}",
        f"World Health Organization. (2023, May 19). <i>{WHO_TITLE}</i>. WHO. {WHO_URL}",
    ],
}

# MLA (9th ed.): (Author page), no comma, no "p."; the title only to tell apart two works
# of one author; full names and title case in the works cited.
MLA: Rules = {
    "first": {
        "who-2023": "(World Health Organization 12)",
        "holm-2025": "(Holm and Sato 12)",
        "miller-2024": "(Miller 12)",
        "tanaka-2025": "(Tanaka 12)",
    },
    "references": [
        "Holm, Pia, and Kenji Sato. “Alliances at a Distance: Japan and NATO after 2022.” "
        f"<i>Journal of Strategic Studies</i>, vol. 48, no. 2, 2025, pp. 201–26, {DOI}.",
        f"Miller, Anne. <i>Deterrence in the Indo-Pacific</i>. RAND Corporation, June 2024, "
        f"{RAND_URL}.",
        "Tanaka, Yuki. “Japan Opens Mission to NATO.” <i>The Japan Times</i>, 16 Jan. 2025, "
        f"{TIMES_URL}.",
        "World Health Organization. “World Health Statistics 2023: Monitoring Health for the "
        f"SDGs.” <i>WHO</i>, 19 May 2023, {WHO_URL}.",
    ],
}

# Harvard, Cite Them Right (12th ed.): (Author, year, p. n), "and" between two authors;
# "Available at:" and, for a web page, "(Accessed: date)".
HARVARD: Rules = {
    "first": {
        "who-2023": "(World Health Organization, 2023, p. 12)",
        "holm-2025": "(Holm and Sato, 2025, p. 12)",
        "miller-2024": "(Miller, 2024, p. 12)",
        "tanaka-2025": "(Tanaka, 2025, p. 12)",
    },
    "references": [
        "Holm, P. and Sato, K. (2025) “Alliances at a distance: Japan and NATO after 2022,” "
        f"<i>Journal of Strategic Studies</i>, 48(2), pp. 201–226. Available at: {DOI}.",
        "Miller, A. (2024) <i>Deterrence in the Indo-Pacific</i>. RAND Corporation. "
        f"Available at: {RAND_URL}.",
        "Tanaka, Y. (2025) “Japan opens mission to NATO,” <i>The Japan Times</i>, 16 January. "
        f"Available at: {TIMES_URL}.",
        f"World Health Organization (2023) <i>{WHO_TITLE}</i>, <i>WHO</i>. Available at: "
        f"{WHO_URL} (Accessed: March 1, 2025).",
    ],
}

# IEEE: [n, p. x], numbered in order of first citation; initials before family names.
IEEE: Rules = {
    "first": {
        "who-2023": "[1, p. 12]",
        "holm-2025": "[2, p. 12]",
        "miller-2024": "[3, p. 12]",
        "tanaka-2025": "[4, p. 12]",
    },
    "references": [
        f"[1] World Health Organization, “{WHO_TITLE},” WHO. Accessed: Mar. 01, 2025. "
        f"[Online]. Available: {WHO_URL}",
        "[2] P. Holm and K. Sato, “Alliances at a distance: Japan and NATO after 2022,” "
        "<i>Journal of Strategic Studies</i>, vol. 48, no. 2, pp. 201–226, 2025, "
        "doi: 10.1080/01402390.2025.1234567.",
        "[3] A. Miller, “Deterrence in the Indo-Pacific,” RAND Corporation, Jun. 2024. "
        f"[Online]. Available: {RAND_URL}",
        "[4] Y. Tanaka, “Japan opens mission to NATO,” <i>The Japan Times</i>, Jan. 16, 2025. "
        f"[Online]. Available: {TIMES_URL}",
    ],
}

EXPECTED: dict[str, Rules] = {
    "chicago-notes-bibliography": CHICAGO,
    "apa": APA,
    "modern-language-association": MLA,
    "harvard-cite-them-right": HARVARD,
    "ieee": IEEE,
}

# Which of citeproc-py's own results each correctness fix changes, per style: what the
# comparison with unpatched citeproc-py must find. The speed fixes change nothing.
FIX_EFFECTS = {
    "chicago-notes-bibliography": {
        "initialize-false",  # "P. Holm" where the style says "Pia Holm"
        "labels-of-empty-variables",  # a stray "Edition" in a newspaper's note
        "title-case-stop-words",  # "after" is a CSL stop word: "NATO After 2022"
    },
    "apa": set(),
    "modern-language-association": {
        "initialize-false",
        "disambiguate-condition",  # the title in every citation: "(Miller, Deterrence… 12)"
        "title-case-stop-words",
    },
    "harvard-cite-them-right": set(),
    "ieee": set(),
}


def with_style(content: Content, style: str) -> Content:
    brief = content.brief.model_copy(update={"citation_style": style})
    return content.model_copy(update={"brief": brief})


def plain(markup: str) -> str:
    """Notes as written: links unwrapped, entities decoded, italics kept."""
    return html.unescape(re.sub(r"</?a\b[^>]*>", "", markup))


def rendered(style: str) -> tuple[list[str], list[str]]:
    """(each statement's note or citation, each reference-list entry)."""
    content, _ = validate_brief(FIXTURES / "styles")
    content = with_style(content, style)
    notes = NoteBook(content, I18n(content.brief.lang), show_grades=False)
    cited = [plain(notes.note(statement).html) for statement in content.brief.summary]
    return cited, [plain(reference.html) for reference in notes.references()]


def expected(style: str) -> tuple[list[str], list[str]]:
    rules = EXPECTED[style]
    first = [rules["first"][s] for s in SOURCES]
    if "later" in rules:
        later = [rules["later"][s] for s in SOURCES]
    else:  # in-text styles cite the same way each time, with the new page
        later = [cite.replace("12", "14") for cite in first]
    return [*first, *later], list(rules["references"])


# Each test formats notes afresh: a patch reverted in one must not leave cached notes.
pytestmark = pytest.mark.usefixtures("fresh_citation_caches")


@pytest.mark.parametrize("style", list(EXPECTED))
def test_notes_and_references_follow_the_style(style: str) -> None:
    cited, references = rendered(style)
    want_cited, want_references = expected(style)
    assert cited == want_cited
    assert references == want_references


def test_note_and_in_text_styles_are_told_apart() -> None:
    assert not csl.style("chicago-notes-bibliography", None).in_text
    assert all(csl.style(name, None).in_text for name in list(EXPECTED)[1:])


def unpatched(monkeypatch: pytest.MonkeyPatch, *fixes: str) -> None:
    for name in fixes:
        for owner, attribute, original in citeproc_fixes.ORIGINALS[name]:
            monkeypatch.setattr(owner, attribute, original)
    csl.forget_formatted()


@pytest.mark.parametrize("style", list(EXPECTED))
def test_speed_fixes_give_citeproc_pys_own_text(
    style: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    ours = rendered(style)
    assert "macro-lookup" in citeproc_fixes.apply()
    unpatched(monkeypatch, "macro-lookup")
    monkeypatch.setattr(csl, "cited_before", csl.render)  # citeproc-py's own way
    assert rendered(style) == ours


@pytest.mark.parametrize("style", list(EXPECTED))
def test_each_correctness_fix_changes_only_what_it_is_for(
    style: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Compared with unpatched citeproc-py, fix by fix: a fix that changes a style's text
    is listed for it in FIX_EFFECTS, and each listed fix does change it."""
    ours = rendered(style)
    changed = set()
    for fix in citeproc_fixes.FIXES[1:]:
        with monkeypatch.context() as patch:
            unpatched(patch, fix)
            if rendered(style) != ours:
                changed.add(fix)
    assert changed == FIX_EFFECTS[style]


def test_every_fix_applies_to_the_installed_citeproc_py() -> None:
    assert citeproc_fixes.apply() == set(citeproc_fixes.FIXES)
    assert citeproc_fixes.missing_warnings() == []


def test_a_fix_that_does_not_apply_is_a_build_warning(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Said by every build, as the WeasyPrint fixes are, and failed by --strict: never
    only by a test."""
    from typer.testing import CliRunner

    from briefgen.cli import app

    applied = set(citeproc_fixes.FIXES) - {citeproc_fixes.FIXES[-1]}
    monkeypatch.setattr(citeproc_fixes, "apply", lambda: applied)
    runner = CliRunner()
    out = tmp_path / "out"
    args = ["build", str(FIXTURES / "canary"), "-a", "public", "-f", "html", "-o", str(out)]
    done = runner.invoke(app, args)
    assert done.exit_code == 0
    assert f"citeproc fix '{citeproc_fixes.FIXES[-1]}' does not apply" in done.output
    strict = runner.invoke(app, [*args, "--strict", "--force"])
    assert strict.exit_code == 1 and "does not apply" in strict.output
    checked = runner.invoke(app, ["check", str(FIXTURES / "canary"), "--strict"])
    assert checked.exit_code == 1 and "warning[patch-missing]" in checked.output
