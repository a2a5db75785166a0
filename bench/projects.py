"""A project of many briefs: full build, no-op build, and a build after one brief changed.

    .venv/bin/python bench/projects.py [--briefs 50] [--repeat 3] [--write]

Each brief is a generated one of 40 to 89 statements (bench/generate.py), every
audience and format; the project's templates/ lets the minister's note overflow.
Figures are medians of --repeat whole processes; --write puts them in
BENCHMARKS.md, between the markers of its "A project of many briefs" section.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BRIEFGEN = str(Path(sys.executable).parent / "briefgen")
sys.path[:0] = [str(ROOT / "bench")]

from generate import generate  # noqa: E402

START, END = "<!-- projects:start -->", "<!-- projects:end -->"


def make_project(root: Path, briefs: int) -> None:
    root.mkdir(parents=True)
    (root / "briefgen.yaml").write_text("title: Benchmark desk\n", encoding="utf-8")
    # Generated key judgments run past the minister's two pages: a shared override
    # in the project's templates/ lets them (and shows shared templates at work).
    minister = root / "templates" / "minister"
    minister.mkdir(parents=True)
    (minister / "audience.yaml").write_text("allow_overflow: true\n", encoding="utf-8")
    for i in range(briefs):
        generate(40 + i, root / "briefs" / f"brief-{i:03d}")


def timed(*args: str) -> float:
    started = time.perf_counter()
    subprocess.run([BRIEFGEN, *args], check=True, capture_output=True)
    return time.perf_counter() - started


def touch_one(root: Path, run: int) -> None:
    """Reword one statement of one brief: a real change, not a new timestamp."""
    path = root / "briefs" / "brief-007" / "brief.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"text: ", f"text: ({run}) ", text, count=1), encoding="utf-8")


def measure(briefs: int, repeat: int) -> dict[str, float]:
    full, noop, one = [], [], []
    with tempfile.TemporaryDirectory() as scratch:
        root, out = Path(scratch) / "project", Path(scratch) / "out"
        make_project(root, briefs)
        for run in range(repeat):
            full.append(timed("build", str(root), "-o", str(out), "--force", "-q"))
            noop.append(timed("build", str(root), "-o", str(out), "-q"))
            touch_one(root, run)
            one.append(timed("build", str(root), "-o", str(out), "-q"))
        outputs = sum(1 for p in out.rglob("brief.*"))
        indexes = len(list(out.glob("*/index.html")))
    return {
        "full": statistics.median(full),
        "noop": statistics.median(noop),
        "one": statistics.median(one),
        "outputs": outputs,
        "indexes": indexes,
    }


def table(briefs: int, figures: dict[str, float], repeat: int) -> str:
    machine = f"{os.cpu_count()} cores; Python {platform.python_version()}"
    return "\n".join(
        [
            f"{briefs} generated briefs of 40–89 statements, every audience and format "
            f"({figures['outputs']:.0f} outputs and {figures['indexes']:.0f} index pages); "
            f"{machine}; the median of {repeat} run{'s' * (repeat != 1)}.",
            "",
            "| build | wall (s) | per brief |",
            "|---|---|---|",
            f"| full (`--force`) | {figures['full']:.1f} | {figures['full'] / briefs:.2f} s |",
            f"| no-op | {figures['noop']:.2f} | {figures['noop'] / briefs * 1000:.0f} ms |",
            f"| one brief changed | {figures['one']:.1f} | |",
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--briefs", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--write", action="store_true", help="update BENCHMARKS.md")
    args = parser.parse_args()
    text = table(args.briefs, measure(args.briefs, args.repeat), args.repeat)
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
                + "\n\n## A project of many briefs\n\n"
                + "Made by `.venv/bin/python bench/projects.py --write`. A brief changed: one "
                "statement reworded, so its eight outputs and the indexes are made again.\n\n"
                + section
                + "\n"
            )
        path.write_text(page, encoding="utf-8")


if __name__ == "__main__":
    main()
