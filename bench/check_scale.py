"""`briefgen check` on projects of many small briefs: how its time grows with the count.

    .venv/bin/python bench/check_scale.py [--counts 1 50 300 1000] [--write]

Each brief has one sourced statement, a source and every built-in audience: the
shape of a desk's many short notes, where what `check` does once per brief (and
not per statement) is what counts. Every run is a whole process, as CI runs it.
--write puts the table in BENCHMARKS.md, between the markers of its section.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BRIEFGEN = str(Path(sys.executable).parent / "briefgen")
START, END = "<!-- check-scale:start -->", "<!-- check-scale:end -->"

BRIEF = """\
title: Port note {n}
date: 2026-01-{day:02d}
authors: [Desk officer]
lang: en
marking: PUBLIC
summary:
  - text: The ministry funds storm defences at port number {n}.
    sources:
      - source: release
        locator: para {n}
"""
SOURCES = """\
- id: release
  type: webpage
  title: Ministry announces harbour resilience programme
  authors: [{literal: Example Ministry of Transport}]
  published: 2024-03-12
  kind: official
  reliability: B
"""


def make_project(root: Path, count: int) -> None:
    root.mkdir(parents=True)
    (root / "briefgen.yaml").write_text("title: Benchmark desk\n", encoding="utf-8")
    for n in range(count):
        folder = root / f"note-{n:04d}"
        folder.mkdir()
        (folder / "brief.yaml").write_text(BRIEF.format(n=n, day=n % 28 + 1), encoding="utf-8")
        (folder / "sources.yaml").write_text(SOURCES, encoding="utf-8")


def timed(root: Path) -> float:
    started = time.perf_counter()
    done = subprocess.run([BRIEFGEN, "check", str(root)], capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"check failed:\n{done.stdout}{done.stderr}")
    return time.perf_counter() - started


def measure(counts: list[int]) -> dict[int, float]:
    figures = {}
    with tempfile.TemporaryDirectory() as scratch:
        for count in counts:
            root = Path(scratch) / f"p{count}"
            make_project(root, count)
            figures[count] = timed(root)
            print(f"{count} briefs: {figures[count]:.1f} s", file=sys.stderr)
    return figures


def on_save(runs: int = 5) -> float:
    """`check` of the sample brief as an editor runs it on every save: the median of
    several runs, after one that fills the user's caches (fonts' coverage, templates)."""
    timed(ROOT / "content")
    seconds = sorted(timed(ROOT / "content") for _ in range(runs))[runs // 2]
    print(f"sample brief, on save: {seconds:.2f} s", file=sys.stderr)
    return seconds


def table(figures: dict[int, float], sample: float) -> str:
    one = figures.get(1)
    machine = f"{os.cpu_count()} cores; Python {platform.python_version()}"
    lines = [
        f"`check` of the sample brief (`content/`, three audiences), as an editor runs it "
        f"on every save: {sample:.2f} s (the median of five runs, a whole process each).",
        "",
        f"Projects of one-statement briefs, every built-in audience; {machine}; one run "
        "each, a whole process (start-up included).",
        "",
        "| briefs | check (s) | per brief (ms) | × one brief |",
        "|---|---|---|---|",
    ]
    for count, seconds in figures.items():
        ratio = f"{seconds / one:.1f}" if one else ""
        lines.append(f"| {count:,} | {seconds:.1f} | {seconds / count * 1000:.0f} | {ratio} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--counts", type=int, nargs="+", default=[1, 50, 300, 1000])
    parser.add_argument("--write", action="store_true", help="update BENCHMARKS.md")
    args = parser.parse_args()
    text = table(measure(args.counts), on_save())
    print(text)
    if args.write:
        path = ROOT / "BENCHMARKS.md"
        page = path.read_text(encoding="utf-8")
        section = f"{START}\n{text}\n{END}"
        if START in page:
            page = re.sub(
                f"{re.escape(START)}.*?{re.escape(END)}", lambda _: section, page, flags=re.S
            )
        else:
            page = (
                page.rstrip()
                + "\n\n## Checking many briefs\n\n"
                + "Made by `.venv/bin/python bench/check_scale.py --write`: what the check "
                "step of a CI run costs as a project grows.\n\n" + section + "\n"
            )
        path.write_text(page, encoding="utf-8")


if __name__ == "__main__":
    main()
