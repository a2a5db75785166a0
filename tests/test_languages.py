"""Briefs in French, German, Japanese and Arabic: every label, date, note and quotation mark
in the brief's language, every script drawn, Arabic set right to left."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pdfplumber
import pytest
from babel.messages.pofile import read_po
from conftest import FIXTURES
from pdfread import pdf_text
from typer.testing import CliRunner

from briefgen.cli import app
from briefgen.pipeline import build
from briefgen.render.html5 import visible_text

LANGUAGES = FIXTURES / "languages"
LOCALES = Path(__file__).resolve().parents[1] / "src" / "briefgen" / "locales"
CATALOGUE = {"fr": "fr", "de": "de", "ja": "ja", "ar": "ar"}
AUDIENCES = ("minister", "analyst", "public")

# Dates of each brief, at day and month precision, as CLDR writes them.
DATES = {
    "fr": ["20 novembre 2026", "février 2025", "12 juin 2025"],
    "de": ["20. November 2026", "September 2024", "8. Mai 2025"],
    "ja": ["2026年11月20日", "2024年10月", "2025年4月15日"],
    "ar": ["20 نوفمبر 2026", "يونيو 2024", "10 مارس 2025"],
}
# The subtitle's straight quotes, as the language sets them.
QUOTES = {
    "fr": "«\u202fà mi-parcours\u202f»",
    "de": "„stockt“",
    "ja": "「早期警戒」",
    "ar": "«منتصف المدة»",
}
# A word of the CSL locale's own in the first note: "accessed" in each language.
NOTE_TERMS = {"fr": "consulté le", "de": "zugegriffen", "ja": "参照", "ar": "تاريخ الوصول"}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Each language's brief, every audience and format, built once."""
    outs = {}
    for lang in CATALOGUE:
        outs[lang] = tmp_path_factory.mktemp(lang)
        result = build(LANGUAGES / lang, out_dir=outs[lang])
        assert not result.warnings, result.warnings
    return outs


def reading_text(path: Path) -> str:
    return pdf_text(path, layout=False)


def english_labels(lang: str) -> list[str]:
    """The English of every label the catalogue translates to something else, when long
    enough to be found as is (six letters or more)."""
    with (LOCALES / CATALOGUE[lang] / "LC_MESSAGES" / "briefgen.po").open("rb") as handle:
        catalog = read_po(handle)
    labels = []
    for message in catalog:
        english = str(message.id if isinstance(message.id, str) else message.id[1])
        string = message.string
        translated = str(string if isinstance(string, str) else (string or [""])[0])
        shown = english.split("%(")[0].strip()
        if message.id and len(shown) >= 6 and shown not in translated:
            labels.append(shown)
    return labels


@pytest.mark.parametrize("lang", list(CATALOGUE))
def test_no_english_label_is_left(built: dict[str, Path], lang: str) -> None:
    labels = english_labels(lang)
    assert {"Key judgments", "Contents", "Open questions", "Handling marking"} <= set(labels)
    for audience in AUDIENCES:
        html = (built[lang] / audience / "brief.html").read_text(encoding="utf-8")
        texts = {
            "web page": visible_text(html, figures=True),
            "PDF": reading_text(built[lang] / audience / "brief.pdf"),
        }
        for where, text in texts.items():
            left = [label for label in labels if label in text]
            assert not left, f"{audience} {where} in {lang} shows English: {left}"


@pytest.mark.parametrize("lang", list(CATALOGUE))
def test_dates_quotes_and_notes_are_in_the_language(built: dict[str, Path], lang: str) -> None:
    text = reading_text(built[lang] / "analyst" / "brief.pdf")
    html = (built[lang] / "analyst" / "brief.html").read_text(encoding="utf-8")
    for date in DATES[lang]:
        assert date in html, date
    assert QUOTES[lang] in html
    assert NOTE_TERMS[lang] in text


@pytest.mark.parametrize(("lang", "font"), [("ja", "CJK-JP"), ("ar", "Arabic")])
def test_each_script_has_its_font(built: dict[str, Path], lang: str, font: str) -> None:
    for audience in AUDIENCES:
        fonts = subprocess.run(
            ["pdffonts", str(built[lang] / audience / "brief.pdf")],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        assert font in fonts, fonts


def test_arabic_reads_right_to_left(built: dict[str, Path]) -> None:
    html = (built["ar"] / "public" / "brief.html").read_text(encoding="utf-8")
    assert '<html lang="ar" dir="rtl">' in html
    french = (built["fr"] / "public" / "brief.html").read_text(encoding="utf-8")
    assert '<html lang="fr" dir="ltr">' in french
    with pdfplumber.open(built["ar"] / "analyst" / "brief.pdf") as pdf:
        page = pdf.pages[0]
        biggest = max(c["size"] for c in page.chars)
        title = [c for c in page.chars if c["size"] == biggest]
        margin = 21 / 25.4 * 72  # 21 mm
        # The title is set against the right margin and is shorter than the line.
        assert max(c["x1"] for c in title) == pytest.approx(page.width - margin, abs=3)
        assert min(c["x0"] for c in title) > margin + 50
        # The page number stands where reading ends: bottom left.
        digits = [c for c in page.chars if c["top"] > page.height - 50 and c["text"].isdigit()]
        assert digits and max(c["x1"] for c in digits) < page.width / 3


def test_labels_can_be_replaced_by_the_brief_and_the_audience(
    brief_dir: Callable[..., Path], tmp_path: Path
) -> None:
    content = brief_dir()
    brief = content / "brief.yaml"
    brief.write_text(
        brief.read_text().replace(
            "authors: [Test Unit]\n",
            "authors: [Test Unit]\nlang: fr\nlabels:\n  section-questions: Points en suspens\n",
        )
    )
    public = content / "templates" / "public"
    public.mkdir(parents=True)
    (public / "audience.yaml").write_text(
        "title: Policy brief\nclearance: PUBLIC\nsections: [summary, questions]\n"
        "labels:\n  section-summary: Key judgments\n"
    )
    build(content, out_dir=tmp_path, audiences=["public"], formats=["html"])
    html = (tmp_path / "public" / "brief.html").read_text(encoding="utf-8")
    assert ">Points en suspens</h2>" in html  # the brief's own words, as written
    assert ">Principales conclusions</h2>" in html  # the audience's, translated
    assert ">Note de synthèse<" in html  # the audience's title, translated


def test_a_language_without_catalogue_warns_and_builds_in_english(
    brief_dir: Callable[..., Path], runner: CliRunner, tmp_path: Path
) -> None:
    content = brief_dir()
    brief = content / "brief.yaml"
    brief.write_text(brief.read_text().replace("authors:", "lang: sw\nauthors:"))
    result = build(content, out_dir=tmp_path, audiences=["public"], formats=["html"])
    assert [w.message.split(":")[0] for w in result.warnings] == [
        "no catalogue of labels for 'sw'",
        "no citation locale for 'sw'",  # nor does CSL have a locale: notes fall back too
    ]
    html = (tmp_path / "public" / "brief.html").read_text(encoding="utf-8")
    assert ">Open questions</h2>" in html and "Novemba" not in html
    assert "1 Machi 2025" in html  # dates in the language all the same (CLDR has Swahili)
    checked = runner.invoke(app, ["check", str(content)])
    assert (
        "brief.yaml:6:7: warning[language]: lang: no catalogue of labels for 'sw'" in checked.output
    )


def test_an_invalid_language_is_an_error_at_its_line(
    brief_dir: Callable[..., Path], runner: CliRunner
) -> None:
    content = brief_dir()
    brief = content / "brief.yaml"
    brief.write_text(brief.read_text().replace("authors:", "lang: xx-YY\nauthors:"))
    result = runner.invoke(app, ["check", str(content)])
    assert result.exit_code == 1
    assert (
        "brief.yaml:6:7: error[invalid-content]: lang: 'xx-YY' is a well-formed language tag, "
        "but not one briefgen supports" in result.output
    )


def test_a_character_no_font_has_is_reported_not_boxed_in_silence(
    brief_dir: Callable[..., Path], runner: CliRunner, tmp_path: Path
) -> None:
    content = brief_dir()
    questions = content / "questions.yaml"
    questions.write_text(questions.read_text().replace("Yes, it is.", "Yes, it is \u0378 here."))
    args = ["build", str(content), "-o", str(tmp_path), "-a", "public", "-f", "pdf"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0
    assert (
        "no font on this machine draws '\u0378' (U+0378), in the statement "
        "“Yes, it is \u0378 here.” (questions.yaml)"
    ) in result.stderr
    assert runner.invoke(app, [*args, "--strict", "--force"]).exit_code == 1
    checked = runner.invoke(app, ["check", str(content)])
    assert (
        "questions.yaml:4:13: warning[missing-glyph]: questions[0].statements[0].text: "
        "no font on this machine draws '\u0378'"
    ) in checked.output


def test_references_in_a_right_to_left_note_are_isolated(built: dict[str, Path]) -> None:
    """Latin-script runs of an Arabic note (numbers, an address) stand in isolates; a French
    note, all of one direction, needs none."""
    html = (built["ar"] / "analyst" / "brief.html").read_text(encoding="utf-8")
    notes = re.findall(r'<li id="note-\d+"[^>]*>(.*?)</li>', html, re.S)
    assert notes and all("\u2066" in n and "\u2069" in n for n in notes)
    assert "\u2066https://example.org/lajna/2025\u2069" in html
    french = (built["fr"] / "analyst" / "brief.html").read_text(encoding="utf-8")
    assert "\u2066" not in french and "\u2067" not in french


ENGLISH_SOURCE = """- id: doe-2023
  type: article-journal
  title: Storm surge damage to small ports
  authors: [{family: Doe, given: Jane}, {family: Roe, given: Richard}]
  container: Journal of Coastal Engineering
  volume: "12"
  pages: 45–67
  published: 2023
  url: https://example.org/ports/2023
  language: en
  reliability: C
"""


def test_an_english_source_reads_in_order_in_an_arabic_note(tmp_path: Path) -> None:
    """Checked where a reader sees it: the glyphs' positions in the PDF. Each name reads
    left to right; the note, right to left, meets the first author first."""
    import shutil

    import pdfplumber

    content = tmp_path / "ar"
    shutil.copytree(FIXTURES / "languages" / "ar", content)
    (content / "sources.yaml").write_text((content / "sources.yaml").read_text() + ENGLISH_SOURCE)
    brief = content / "brief.yaml"
    brief.write_text(brief.read_text().replace("sources: [dirasa-2026]", "sources: [doe-2023]", 1))
    build(content, out_dir=tmp_path / "out", audiences=["analyst"], formats=["pdf", "html"])
    html = (tmp_path / "out" / "analyst" / "brief.html").read_text()
    assert "\u2066Jane Doe\u2069 و \u2066Richard Roe\u2069" in html
    assert "\u206645–67\u2069" in html  # the range is one run, never "67–45"
    with pdfplumber.open(tmp_path / "out" / "analyst" / "brief.pdf") as pdf:
        words = [w for page in pdf.pages for w in page.extract_words()]
    jane = next(w for w in words if w["text"] == "Jane")
    richard = next(w for w in words if w["text"] == "Richard")
    assert abs(jane["top"] - richard["top"]) < 2  # on one line
    assert jane["x0"] > richard["x1"]  # read right to left: Jane Doe, then Richard Roe
    doe = next(w for w in words if w["text"] == "Doe" and abs(w["top"] - jane["top"]) < 2)
    assert jane["x1"] < doe["x0"]  # and each name left to right: Jane, then Doe


def test_every_catalogue_translates_every_label() -> None:
    import sys

    sys.path.insert(0, str(LOCALES.parents[2] / "scripts"))
    import catalogues  # a script, on the path just above

    pot = catalogues.template()
    found = {(m.context, str(m.id)) for m in pot if m.id}
    assert ("contents", "Contents") in found and len(found) > 60
    for path in catalogues.po_files():
        assert not catalogues.missing(catalogues.merged(path, pot)), path


def check_with_fonts(content: Path, font_dirs: list[str], tmp_path: Path) -> str:
    """`briefgen check` on a machine whose only fonts are those in `font_dirs`."""
    conf = tmp_path / "fonts.conf"
    dirs = "".join(f"<dir>{d}</dir>" for d in font_dirs)
    conf.write_text(
        f'<?xml version="1.0"?><fontconfig>{dirs}<cachedir>{tmp_path / "fc"}</cachedir>'
        "</fontconfig>\n",
        encoding="utf-8",
    )
    done = subprocess.run(
        [sys.executable, "-m", "briefgen", "check", str(content)],
        env={**os.environ, "FONTCONFIG_FILE": str(conf)},
        capture_output=True,
        text=True,
    )
    return done.stdout


DEJAVU = "/usr/share/fonts/truetype/dejavu"


@pytest.mark.skipif(not Path(DEJAVU).is_dir(), reason="needs fonts-dejavu-core")
def test_a_machine_without_cjk_fonts_gets_one_warning_naming_the_package(
    tmp_path: Path,
) -> None:
    found = check_with_fonts(FIXTURES / "languages" / "ja", [DEJAVU], tmp_path)
    warnings = [line for line in found.splitlines() if "missing-glyph" in line]
    assert len(warnings) == 1, found  # every audience, every character: one warning
    assert "install fonts-noto-cjk (Debian)" in warnings[0]
    assert " more, in " in warnings[0] and "the title (brief.yaml)" in warnings[0]


@pytest.mark.skipif(not Path(DEJAVU).is_dir(), reason="needs fonts-dejavu-core")
def test_arabic_set_in_a_fallback_font_is_said(tmp_path: Path) -> None:
    """DejaVu Sans draws Arabic, so no box would show; but the brief is meant to be set
    in Noto Naskh Arabic, and a PDF in DejaVu Sans is not what its reader should get."""
    found = check_with_fonts(FIXTURES / "languages" / "ar", [DEJAVU], tmp_path)
    warnings = [line for line in found.splitlines() if "fallback-font" in line]
    assert len(warnings) == 1, found
    assert "Noto Naskh Arabic and Noto Sans Arabic not on this machine" in warnings[0]
    assert "install fonts-noto-core (Debian)" in warnings[0]
    noto = check_with_fonts(
        FIXTURES / "languages" / "ar", [DEJAVU, "/usr/share/fonts/truetype/noto"], tmp_path
    )
    assert "fallback-font" not in noto and "missing-glyph" not in noto
