"""A synthetic brief folder of N statements, for benchmarks.

    python bench/generate.py N OUT_DIR

Realistic lengths (15–40 words a statement), 15 sources with snapshots, every
section, about one statement in six quoted and one in eight marked above
PUBLIC. The same N always gives the same folder.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path
from typing import Any

import yaml

WORDS = (  # noqa: SIM905  (one string reads better than 40 quoted words)
    "alliance partnership ministry cooperation security maritime cyber defence "
    "treaty summit agreement dialogue capacity training exercise deployment region "
    "framework declaration statement policy government official report analysis "
    "assessment funding programme support mission office embassy council minister "
    "strategy interoperability technology industry resilience deterrence stability"
).split()
SOURCES = 15


def sentence(rng: random.Random, low: int = 15, high: int = 40) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(low, high))]
    return " ".join(words).capitalize() + "."


def statement(rng: random.Random, snapshots: dict[int, list[str]]) -> dict[str, Any]:
    source = rng.randrange(SOURCES)
    citation: dict[str, Any] = {
        "source": f"source-{source:02d}",
        "locator": f"para {rng.randint(1, 40)}",
    }
    if rng.random() < 1 / 6:
        quoted = sentence(rng, 6, 12)
        snapshots[source].append(quoted)
        citation["quote"] = quoted.rstrip(".")
    item: dict[str, Any] = {"text": sentence(rng), "sources": [citation]}
    if rng.random() < 1 / 4:  # a second source now and then
        item["sources"].append(f"source-{rng.randrange(SOURCES):02d}")
    if rng.random() < 1 / 8:
        item["marking"] = rng.choice(["INTERNAL", "RESTRICTED"])
    return item


def generate(n: int, folder: Path) -> None:
    rng = random.Random(n)
    snapshots: dict[int, list[str]] = {k: [] for k in range(SOURCES)}
    # Shares of the statements: summary 1 %, background 40 %, milestones 25 %,
    # cooperation 17 %, questions 17 %; groups of 3 to 6 statements.
    summary = [statement(rng, snapshots) for _ in range(max(4, n // 100))]
    counts = {"background": 0.40, "milestones": 0.25, "cooperation": 0.17, "questions": 0.17}
    parts: dict[str, list[dict[str, Any]]] = {}
    for name, share in counts.items():
        items, left, i = [], int(n * share), 0
        while left > 0:
            size = min(left, rng.randint(3, 6))
            group = [statement(rng, snapshots) for _ in range(size)]
            items.append(_item(name, i, group, rng))
            left, i = left - size, i + 1
        parts[name] = items
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "snapshots").mkdir(exist_ok=True)
    brief = {
        "title": f"Synthetic brief of {n} statements",
        "subtitle": "For benchmarks",
        "date": "2030-01-01",
        "authors": ["Benchmark"],
        "summary": summary,
    }
    _dump(folder / "brief.yaml", brief)
    # A benchmark measures speed, not the budget: its key judgments run past the
    # minister's two pages, which that audience then allows (with a warning).
    minister = folder / "templates" / "minister"
    minister.mkdir(parents=True, exist_ok=True)
    (minister / "audience.yaml").write_text("allow_overflow: true\n", encoding="utf-8")
    sources = []
    for k in range(SOURCES):
        sources.append(
            {
                "id": f"source-{k:02d}",
                "title": sentence(rng, 4, 9).rstrip("."),
                "publisher": rng.choice(["Ministry", "Institute", "Daily News"]),
                "published": f"20{10 + k}-0{1 + k % 9}",
                "kind": "analysis",
                "reliability": "ABCDEF"[k % 6],
                "snapshot": f"source-{k:02d}.txt",
                "url": f"https://example.org/source-{k:02d}",
            }
        )
        text = "\n\n".join([sentence(rng) for _ in range(5)] + snapshots[k])
        (folder / "snapshots" / f"source-{k:02d}.txt").write_text(text, encoding="utf-8")
    _dump(folder / "sources.yaml", sources)
    for name, items in parts.items():
        _dump(folder / f"{name}.yaml", items)


def _item(name: str, i: int, group: list[dict[str, Any]], rng: random.Random) -> dict[str, Any]:
    if name == "background":
        return {"heading": sentence(rng, 3, 6).rstrip("."), "statements": group}
    if name == "milestones":
        return {
            "date": f"{2000 + i % 30}-{1 + i % 12:02d}",
            "title": sentence(rng, 3, 7)[:-1],
            "statements": group,
        }
    if name == "cooperation":
        return {
            "id": f"area-{i}",
            "area": sentence(rng, 2, 4)[:-1],
            "status": rng.choice(["proposed", "active", "expanding", "stalled"]),
            "statements": group,
        }
    return {"id": f"question-{i}", "question": sentence(rng, 5, 10)[:-1] + "?", "statements": group}


def _dump(path: Path, data: Any) -> None:
    path.write_text(
        yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100), encoding="utf-8"
    )


if __name__ == "__main__":
    generate(int(sys.argv[1]), Path(sys.argv[2]))
