"""briefgen check: quotes verified in every snapshot kind, each lint, each report format."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import SAMPLE, SHARED_SOURCES
from typer.testing import CliRunner

from briefgen.check import Finding
from briefgen.check import check as check_brief
from briefgen.check.snapshots import normalise
from briefgen.cli import app
from briefgen.render.html5 import visible_text as html_text


def check(content: Path, snapshots: Path | None = None) -> list[Finding]:
    """The findings of `check`, but for its note of how many quotes it verified: a
    summary, asserted in test_desk, not a finding about the brief."""
    return [f for f in check_brief(content, snapshots) if f.code != "quotes-verified"]


SNAPSHOT = (
    "The minister said: “We will ‘stay the course’.”\nThe fund   began in\n2007 — and grew.\n"
)

BRIEF = """\
title: Quotes
date: 2025-01-01
summary:
  - text: A judgment.
    sources: [public-source]
"""

SOURCES = """\
- id: public-source
  title: A public source
  published: 2024-11
  reliability: B
  snapshot: public.txt
- id: restricted-source
  title: Another
  reliability: C
"""


def quoted_brief(
    make: Callable[..., Path], quote: str, snapshot: str = "public.txt", data: bytes | None = None
) -> Path:
    content = make(
        sources=SOURCES.replace("public.txt", snapshot),
        brief=BRIEF,
        questions=f"""\
- id: q
  question: What was said?
  statements:
    - text: The minister promised to persevere.
      sources:
        - source: public-source
          locator: para 1
          quote: '{quote}'
""",
    )
    (content / "snapshots").mkdir(exist_ok=True)
    (content / "snapshots" / snapshot).write_bytes(data or SNAPSHOT.encode())
    return content


def requoted(content: Path, old: str, new: str) -> Path:
    """The brief of `quoted_brief` with its quote changed."""
    questions = content / "questions.yaml"
    questions.write_text(questions.read_text().replace(f"'{old}'", f"'{new}'"))
    return content


def codes(content: Path) -> list[str]:
    return [f.code for f in check(content)]


# --- quotes -----------------------------------------------------------------


@pytest.mark.parametrize(
    "quote",
    [
        "We will ‘stay the course’.",
        "We will ''stay the course''.",  # YAML '' is one straight quote
        "The fund began in 2007 - and grew.",  # spacing, line break and dash
    ],
)
def test_quote_matches_despite_spacing_quote_marks_and_dashes(
    brief_dir: Callable[..., Path], quote: str
) -> None:
    assert "quote-not-found" not in codes(quoted_brief(brief_dir, quote))


@pytest.mark.parametrize(
    "quote",
    [
        "We will stay the course.",  # quote marks dropped
        "we will ‘stay the course’.",  # case changed
        "The fund began in 2008",  # a different number
    ],
)
def test_any_other_difference_is_a_mismatch(
    brief_dir: Callable[..., Path], runner: CliRunner, quote: str
) -> None:
    content = quoted_brief(brief_dir, quote)
    result = runner.invoke(app, ["check", str(content)])
    assert result.exit_code == 1
    assert re.search(
        r"questions\.yaml:8:18: error\[quote-not-found\]: "
        r"questions\[0\]\.statements\[0\]\.sources\[0\]\.quote: "
        r"quote not found in the snapshot of 'public-source'; closest passage "
        r"\(\d+% alike\): “",
        result.output,
    ), result.output


def test_closest_passage_points_at_the_fix(brief_dir: Callable[..., Path]) -> None:
    (finding,) = check(quoted_brief(brief_dir, "The fund began in 2008"))
    assert "“The fund began in 2007" in finding.problem.message


def test_html_snapshot_uses_visible_text_only(brief_dir: Callable[..., Path]) -> None:
    page = (
        b"<html><head><title>T</title><style>p{}</style></head><body>"
        b"<p>Japan&rsquo;s <b>mission</b> opened</p><script>var hidden = 1;</script>"
        b"</body></html>"
    )
    good = quoted_brief(brief_dir, "Japan’s mission opened", "page.html", page)
    assert codes(good) == []
    assert "var hidden" not in html_text(page.decode())


def test_html_snapshot_misquote_is_caught(brief_dir: Callable[..., Path]) -> None:
    page = b"<p>Japan&rsquo;s mission opened</p>"
    assert codes(quoted_brief(brief_dir, "Japan’s embassy opened", "page.html", page)) == [
        "quote-not-found"
    ]


@pytest.fixture(scope="module")
def pdf_snapshot() -> bytes:
    """A PDF whose text has a word hyphenated across a line end."""
    import weasyprint

    html = (
        "<p style='width: 30mm; font-size: 12pt'>The in&shy;ter&shy;op&shy;er&shy;abil"
        "&shy;ity of equip&shy;ment matters.</p>"
    )
    return weasyprint.HTML(string=html).write_pdf()  # type: ignore[no-any-return]  # untyped


def test_pdf_snapshot_rejoins_hyphenated_words(
    brief_dir: Callable[..., Path], pdf_snapshot: bytes
) -> None:
    content = quoted_brief(brief_dir, "interoperability of equipment", "copy.pdf", pdf_snapshot)
    assert codes(content) == []


def test_pdf_snapshot_misquote_is_caught(
    brief_dir: Callable[..., Path], pdf_snapshot: bytes
) -> None:
    content = quoted_brief(brief_dir, "interoperability of weapons", "copy.pdf", pdf_snapshot)
    assert codes(content) == ["quote-not-found"]


def test_unreadable_pdf_is_reported_not_raised(brief_dir: Callable[..., Path]) -> None:
    content = quoted_brief(brief_dir, "x", "broken.pdf", b"%PDF-1.7 not really")
    assert codes(content) == ["snapshot-unreadable"]


def test_missing_snapshot_is_reported_once_at_the_source(
    brief_dir: Callable[..., Path], runner: CliRunner
) -> None:
    content = quoted_brief(brief_dir, "We will")
    (content / "snapshots" / "public.txt").unlink()
    result = runner.invoke(app, ["check", str(content)])
    assert result.exit_code == 1
    assert (
        "sources.yaml:5:13: error[snapshot-missing]: sources[0].snapshot: "
        "snapshot 'public.txt' not found"
    ) in result.output


def test_snapshot_outside_its_folder_is_refused(brief_dir: Callable[..., Path]) -> None:
    content = quoted_brief(brief_dir, "We will")
    (content / "sources.yaml").write_text(SOURCES.replace("public.txt", "../brief.yaml"))
    assert codes(content) == ["snapshot-outside"]


def test_quote_without_snapshot(brief_dir: Callable[..., Path]) -> None:
    content = quoted_brief(brief_dir, "We will")
    (content / "sources.yaml").write_text(SOURCES.replace("  snapshot: public.txt\n", ""))
    assert codes(content) == ["quote-without-snapshot"]


def test_normalise_changes_only_spacing_marks_dashes_and_forms() -> None:
    assert normalise(" “a’s”\n\t b — c ﬁ ") == '"a\'s" b - c fi'


@pytest.mark.parametrize(
    ("written", "quoted"),
    [
        ("costs rose to 10⁵ yen", "costs rose to 105 yen"),  # a superscript is a power
        ("H₂O supply", "H2O supply"),
        ("a ½ share", "a 12 share"),
        ("step ② failed", "step 2 failed"),
    ],
)
def test_forms_that_mean_something_else_do_not_match(
    brief_dir: Callable[..., Path], written: str, quoted: str
) -> None:
    content = quoted_brief(brief_dir, quoted, data=written.encode())
    assert codes(content) == ["quote-not-found"]
    assert codes(requoted(content, quoted, written)) == []


def test_widths_and_ligatures_still_fold(brief_dir: Callable[..., Path]) -> None:
    content = quoted_brief(brief_dir, "NATO office", data="ＮＡＴＯ oﬃce".encode())
    assert codes(content) == []


def test_html_snapshot_is_parsed_as_a_browser_would(brief_dir: Callable[..., Path]) -> None:
    # No </head>, text hidden four ways: none of it is visible, the paragraph is.
    page = (
        b"<title>T</title><meta charset=utf-8><p>The visible sentence.</p>"
        b"<div hidden>The hidden sentence.</div><template>The template sentence.</template>"
        b"<noscript>The noscript sentence.</noscript>"
        b"<p style='display: none'>The undisplayed sentence.</p>"
    )
    text = html_text(page.decode())
    assert "The visible sentence." in text
    content = quoted_brief(brief_dir, "The visible sentence.", "page.html", page)
    assert codes(content) == []
    quote = "The visible sentence."
    for word in ("hidden", "template", "noscript", "undisplayed"):
        assert f"The {word} sentence" not in text
        assert codes(requoted(content, quote, f"The {word} sentence.")) == ["quote-not-found"]
        quote = f"The {word} sentence."


def test_pdf_decompression_bomb_is_unreadable_not_a_hang(brief_dir: Callable[..., Path]) -> None:
    import zlib

    stream = zlib.compress(b" " * 90_000_000, 9)  # 90 MB of nothing, in under 100 kB
    head = (
        b"%PDF-1.7\n1 0 obj <</Type/Catalog/Pages 2 0 R>> endobj\n"
        b"2 0 obj <</Type/Pages/Kids[3 0 R]/Count 1>> endobj\n"
        b"3 0 obj <</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]/Contents 4 0 R>> endobj\n"
    )
    pdf = (
        head + b"4 0 obj <</Length " + str(len(stream)).encode() + b"/Filter/FlateDecode>>"
        b"stream\n" + stream + b"\nendstream endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n"
    )
    findings = check(quoted_brief(brief_dir, "x", "bomb.pdf", pdf))
    assert [f.code for f in findings] == ["snapshot-unreadable"]
    assert "bomb.pdf" in findings[0].problem.message


# --- the snapshot folder ------------------------------------------------------


def test_no_snapshot_folder_is_a_note_that_never_fails(
    brief_dir: Callable[..., Path], runner: CliRunner
) -> None:
    content = quoted_brief(brief_dir, "We will")
    for path in (content / "snapshots").iterdir():
        path.unlink()
    (content / "snapshots").rmdir()
    result = runner.invoke(app, ["check", str(content), "--strict"])
    assert result.exit_code == 0, result.output
    assert (
        "note[quotes-not-verified]: 1 quote not verified: no snapshot folder; pass --snapshots DIR"
    ) in result.output
    assert result.output.endswith("0 errors, 0 warnings, 1 note\n")
    github = runner.invoke(app, ["check", str(content), "--format", "github", "--strict"])
    assert github.exit_code == 0 and github.output.startswith("::notice ::1 quote not verified")


def test_a_snapshot_folder_linked_out_of_the_brief_is_refused(
    brief_dir: Callable[..., Path], tmp_path: Path
) -> None:
    content = quoted_brief(brief_dir, "We will")
    elsewhere = tmp_path / "elsewhere"
    (content / "snapshots").rename(elsewhere)
    (content / "snapshots").symlink_to(elsewhere, target_is_directory=True)
    findings = check(content)
    assert [f.code for f in findings] == ["snapshot-outside"]
    assert "pass --snapshots DIR" in findings[0].problem.message
    # Named on the command line, the same folder is the user's choice.
    assert codes_with(content, elsewhere) == []


def codes_with(content: Path, snapshots: Path) -> list[str]:
    return [f.code for f in check(content, snapshots)]


# --- lints: one brief that triggers each, the clean brief that does not ------

BACKGROUND = """\
- heading: Context
  statements:
    - text: Another source says more.
      sources: [restricted-source]
"""


def lint_brief(make: Callable[..., Path], **files: str) -> Path:
    """A brief that lints clean, with the files given replaced."""
    content = quoted_brief(make, "We will")
    for name, text in {"background": BACKGROUND, **files}.items():
        (content / f"{name}.yaml").write_text(text, encoding="utf-8")
    return content


def test_clean_brief_has_no_findings(brief_dir: Callable[..., Path]) -> None:
    assert codes(lint_brief(brief_dir)) == []


def test_unused_source(brief_dir: Callable[..., Path]) -> None:
    content = lint_brief(brief_dir, sources=SOURCES + "- id: spare\n  title: S\n  reliability: A\n")
    assert codes(content) == ["unused-source"]


WEAK_SOURCES = SOURCES.replace("reliability: C", "reliability: E")


def test_weak_evidence_for_a_judgment(brief_dir: Callable[..., Path]) -> None:
    content = lint_brief(
        brief_dir,
        sources=WEAK_SOURCES,
        milestones="[]\n",
        background="[]\n",
        brief=BRIEF.replace("[public-source]", "[restricted-source]"),
    )
    assert sorted(codes(content)) == ["weak-evidence", "weak-evidence-bare"]


def test_weak_evidence_for_a_milestone(brief_dir: Callable[..., Path]) -> None:
    content = lint_brief(
        brief_dir,
        sources=WEAK_SOURCES,
        milestones="""\
- date: 2024
  title: Weakly attested
  statements:
    - text: Something happened.
      sources: [restricted-source]
""",
        background="[]\n",
    )
    assert sorted(codes(content)) == ["weak-evidence", "weak-evidence-bare"]


def test_invisible_statement(brief_dir: Callable[..., Path]) -> None:
    # The minister, the only audience cleared for RESTRICTED, has no background section.
    content = lint_brief(brief_dir, background=BACKGROUND + "      marking: RESTRICTED\n")
    findings = check(content)
    assert [f.code for f in findings] == ["invisible-statement"]
    assert findings[0].problem.message.startswith(
        "no audience will show this statement: it is RESTRICTED and no audience that shows "
        "background is cleared for that"
    )


def test_unknown_citation_style_suggests_close_names(
    brief_dir: Callable[..., Path], runner: CliRunner
) -> None:
    content = lint_brief(brief_dir, brief=BRIEF + "citation_style: apa-7th\n")
    for command in (["check"], ["build", "-o", str(content / "out")]):
        result = runner.invoke(app, [*command, str(content)])
        assert result.exit_code == 1
        assert "brief.yaml:6:17: " in result.output
        assert "unknown citation style 'apa-7th': did you mean" in result.output
        assert "'apa'" in result.output


def test_doubtful_judgment(brief_dir: Callable[..., Path]) -> None:
    content = lint_brief(brief_dir, brief=BRIEF + "    credibility: 5\n")
    assert sorted(codes(content)) == ["doubtful-judgment", "weak-evidence-bare"]


def test_milestone_after_brief_date(brief_dir: Callable[..., Path], runner: CliRunner) -> None:
    content = lint_brief(
        brief_dir,
        milestones="""\
- date: 2025-02
  title: Later than the brief
  statements:
    - text: Something happened.
      sources: [public-source]
""",
    )
    assert codes(content) == ["milestone-after-brief"]


def test_milestone_in_the_brief_s_month_is_fine(brief_dir: Callable[..., Path]) -> None:
    content = lint_brief(
        brief_dir,
        milestones="""\
- date: 2025-01
  title: Same month as the brief
  statements:
    - text: Something happened.
      sources: [public-source]
""",
    )
    assert codes(content) == []


def test_duplicate_statement(brief_dir: Callable[..., Path]) -> None:
    content = lint_brief(
        brief_dir,
        background="""\
- heading: Again
  statements:
    - text: A  judgment.
      sources: [public-source]
""",
    )
    (finding,) = check(content)
    assert finding.code == "duplicate-statement"
    assert "the same statement as brief.yaml:4" in finding.problem.message


def test_accessed_before_published(brief_dir: Callable[..., Path]) -> None:
    content = lint_brief(
        brief_dir,
        sources=SOURCES.replace(
            "  published: 2024-11\n", "  published: 2024-11\n  accessed: 2024-10-30\n"
        ),
    )
    assert codes(content) == ["accessed-before-published"]


def test_unknown_source_is_a_finding_with_its_code(brief_dir: Callable[..., Path]) -> None:
    content = lint_brief(brief_dir, brief=BRIEF.replace("[public-source]", "[nato-2031]"))
    assert codes(content) == ["unknown-source"]


# --- report formats and exit codes ------------------------------------------


def test_json_report_is_a_stable_list(brief_dir: Callable[..., Path], runner: CliRunner) -> None:
    content = lint_brief(brief_dir, sources=SOURCES + "- id: spare\n  title: S\n  reliability: A\n")
    result = runner.invoke(app, ["check", str(content), "--format", "json"])
    assert result.exit_code == 0
    finding, summary = json.loads(result.stdout)
    assert summary["code"] == "quotes-verified" and summary["severity"] == "note"
    assert finding == {
        "code": "unused-source",
        "severity": "warning",
        "file": str(content / "sources.yaml"),
        "line": 9,
        "column": 7,
        "path": "sources[2].id",
        "message": "source 'spare' is never cited: cite or remove it",
    }


def test_github_annotations(brief_dir: Callable[..., Path], runner: CliRunner) -> None:
    content = quoted_brief(brief_dir, "We will stay")
    result = runner.invoke(app, ["check", str(content), "--format", "github"])
    assert result.exit_code == 1
    assert re.fullmatch(
        r"::error file=\S*questions\.yaml,line=8,col=18::questions\[0\]\.statements\[0\]"
        r"\.sources\[0\]\.quote: quote not found in the snapshot of 'public-source'; "
        r"closest passage .* \[quote-not-found\]\n",
        result.stdout,
    )


def test_strict_makes_warnings_fail(brief_dir: Callable[..., Path], runner: CliRunner) -> None:
    content = lint_brief(brief_dir, sources=SOURCES + "- id: spare\n  title: S\n  reliability: A\n")
    assert runner.invoke(app, ["check", str(content)]).exit_code == 0
    assert runner.invoke(app, ["check", str(content), "--strict"]).exit_code == 1


def test_unknown_report_format_is_a_usage_error(runner: CliRunner) -> None:
    assert runner.invoke(app, ["check", "--format", "xml"]).exit_code == 2


# --- the sample brief -------------------------------------------------------


def test_every_source_of_the_sample_is_cited() -> None:
    sources = SHARED_SOURCES if SHARED_SOURCES.is_dir() else None
    assert "unused-source" not in [f.code for f in check(SAMPLE, sources)]


@pytest.mark.skipif(not SHARED_SOURCES.is_dir(), reason="the sample's source texts are not here")
def test_sample_passes_strict_check_with_every_quote_verified() -> None:
    from briefgen.content.sections import all_statements
    from briefgen.content.validate import validate_brief

    content, _ = validate_brief(SAMPLE)
    assert len([c for s in all_statements(content) for c in s.sources if c.quote]) >= 10
    assert check(SAMPLE, SHARED_SOURCES) == []


@pytest.mark.skipif(not SHARED_SOURCES.is_dir(), reason="the sample's source texts are not here")
def test_a_misquote_anywhere_in_the_sample_is_caught(tmp_path: Path) -> None:
    import shutil

    content = tmp_path / "content"
    shutil.copytree(SAMPLE, content)
    for name in ("brief", "background", "milestones", "cooperation", "questions"):
        path = content / f"{name}.yaml"
        text = path.read_text(encoding="utf-8")
        match = re.search(r"^(\s+quote: )(.+)$", text, re.M)
        if not match:
            continue
        line = text[: match.start()].count("\n") + 1
        path.write_text(text[: match.start(2)] + "Zq" + text[match.start(2) :], encoding="utf-8")
        findings = check(content, SHARED_SOURCES)
        found = [(f.code, f.problem.file and f.problem.file.name, f.problem.line) for f in findings]
        assert found == [("quote-not-found", f"{name}.yaml", line)]
        path.write_text(text, encoding="utf-8")
