"""Generated briefs with figures and tables: long tables that cross pages at varied
points, a wide one that a phone must scroll, a figure, cross-references, abbreviations."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import yaml

SENTENCE = (
    "alliance partner funding training maritime cyber defence dialogue ministry liaison "
    "office summit declaration programme exercise security cooperation region"
)
WORDS = SENTENCE.split()

CHART = """<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 300 140" width="300" height="140">
  <rect width="300" height="140" fill="#f4f5f7"/>
  <rect x="30" y="80" width="50" height="50" fill="#0b3d62"/>
  <rect x="120" y="50" width="50" height="80" fill="#0b3d62"/>
  <rect x="210" y="20" width="50" height="110" fill="#0b3d62"/>
</svg>
"""


def _text(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def _long_table(rng: random.Random, rows: int) -> dict[str, Any]:
    return {
        "id": "long",
        "caption": "Contributions by year, as the sources count them",
        "columns": ["Year", "What", "Amount"],
        "rows": [
            {
                "cells": [
                    2000 + i,
                    _text(rng, rng.randint(3, 25)),
                    f"{rng.randint(1, 900)}.{rng.randint(0, 99)}" if i % 4 else rng.randint(1, 900),
                ],
                "sources": [{"source": rng.choice(["s1", "s2"]), "locator": f"p. {i + 1}"}],
            }
            for i in range(rows)
        ],
    }


def _wide_table() -> dict[str, Any]:
    columns = ["Partner", "Since", "Office", "Exercises", "Funding", "Liaison", "Cyber", "Notes"]
    return {
        "id": "wide",
        "caption": "Partners side by side",
        "columns": columns,
        "rows": [
            {
                "cells": [f"Partner {i}", 2000 + i, "Brussels", i * 3, f"{i * 1.5:.1f}", "yes"]
                + ["a cooperation programme agreed", "a long note on the partnership"],
                "sources": ["s1"],
            }
            for i in range(1, 5)
        ],
    }


def write_brief(folder: Path, seed: int, rows: int = 40) -> Path:
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "figures").mkdir(exist_ok=True)
    (folder / "figures" / "chart.svg").write_text(CHART, encoding="utf-8")
    brief = {
        "title": "Figures and tables",
        "date": "2025-01-01",
        "summary": [{"text": "The ITPP grew each year ({fig:chart}).", "sources": ["s1"]}],
    }
    sources = [
        {"id": "s1", "title": "Source one", "publisher": "Office", "reliability": "B"},
        {
            "id": "s2",
            "title": "Source two, with a title long enough to fill a line of notes",
            "publisher": "Another office",
            "reliability": "C",
        },
    ]
    statements: list[Any] = [
        {"text": _text(rng, rng.randint(20, 60)), "sources": ["s1"]}
        for _ in range(rng.randint(1, 6))
    ]
    statements += [
        {
            "figure": {
                "id": "chart",
                "image": "figures/chart.svg",
                "caption": "Three years of work under the ITPP.",
                "alt": "A bar chart of three bars, each taller than the one before.",
                "sources": ["s1"],
            }
        },
        {"text": "{tab:long} lists each contribution; the ITPP runs on.", "sources": ["s2"]},
        {"table": _long_table(rng, rows)},
        {"text": "Partners compare in {tab:wide}.", "sources": ["s1"]},
        {"table": _wide_table()},
    ]
    background = [{"heading": "Part one", "statements": statements}]
    files = {
        "brief": brief,
        "sources": sources,
        "background": background,
        "abbreviations": {"ITPP": "Individually Tailored Partnership Programme"},
    }
    for name, data in files.items():
        (folder / f"{name}.yaml").write_text(
            yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8"
        )
    return folder
