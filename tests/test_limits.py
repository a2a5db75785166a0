"""Big but honest inputs are handled, neither refused as attacks nor clipped."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable
from pathlib import Path

from briefgen.content.load import load_yaml
from briefgen.pipeline import build


def test_sixty_thousand_statements_are_not_an_alias_bomb(tmp_path: Path) -> None:
    lines = ["- heading: Many", "  statements:"]
    for i in range(60_000):
        lines += [f"    - text: Statement {i}.", "      sources: [public-source]"]
    path = tmp_path / "background.yaml"
    path.write_text("\n".join(lines) + "\n")
    started = time.perf_counter()
    doc = load_yaml(path, path.parent)
    assert len(doc.data[0]["statements"]) == 60_000
    assert doc.position((0, "statements", 59_999, "text")) == (
        120_001,
        13,
    )  # statement i's text is on line 3 + 2i
    # Read by the fast parser: bracket count is not bracket depth.
    assert time.perf_counter() - started < 60  # a bound against a hang, not a benchmark


def test_a_word_of_100000_characters_wraps_instead_of_being_clipped(
    brief_dir: Callable[..., Path], tmp_path: Path
) -> None:
    word = "x" * 100_000
    content = brief_dir()
    questions = content / "questions.yaml"
    questions.write_text(questions.read_text().replace("Yes, it is.", f"Yes {word} it is."))
    build(content, out_dir=tmp_path, audiences=["public"])
    text = subprocess.run(
        ["pdftotext", str(tmp_path / "public" / "brief.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert text.count("x") >= 100_000  # every character is on a page
    html = (tmp_path / "public" / "brief.html").read_text(encoding="utf-8")
    assert html.replace("<wbr>", "").count(word) == 1
