"""briefgen against the bare engine and the pandoc route; prints a table, writes BENCHMARKS.md.

    .venv/bin/python bench/run.py [--sizes 100,1000,2000] [--repeat 3]

Every figure is the median of --repeat runs of a whole process: wall time,
and peak memory (the largest resident set of the process and its workers).
Absolute times vary from machine to machine; the ratios are what to compare.
The pandoc route needs pandoc: pypandoc-binary is installed for it, into
this environment, by the benchmark alone.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
sys.path[:0] = [str(ROOT / "bench"), str(ROOT / "tests")]

from generate import generate  # noqa: E402

# Runs a command and reports its wall time and the peak RSS of its process tree.
WRAPPER = ("import resource, subprocess, sys, time; t = time.perf_counter(); "
           "r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL); "
           "print(time.perf_counter() - t, "
           "resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, r.returncode)")


def measure(command: list[str], repeat: int) -> tuple[float, float]:
    """Median wall seconds and median peak MB of `command`."""
    walls, peaks = [], []
    for _ in range(repeat):
        out = subprocess.run([sys.executable, "-c", WRAPPER, *command], check=True,
                             capture_output=True, text=True).stdout.split()
        if out[2] != "0":
            raise SystemExit(f"failed: {' '.join(command)}")
        walls.append(float(out[0]))
        peaks.append(int(out[1]) / 1024)
    return statistics.median(walls), statistics.median(peaks)


def shell(commands: list[str]) -> list[str]:
    return ["bash", "-c", " && ".join(commands)]


def print_html(content: Path, folder: Path) -> list[Path]:
    """briefgen's own print HTML for each audience: what the engine alone lays out."""
    from briefgen.audience import filter_content, find_audiences
    from briefgen.render import render_html
    from briefgen.validate import load_content

    brief, _ = load_content(content)
    paths = []
    for name, audience in find_audiences(content).items():
        path = folder / f"{name}.html"
        path.write_text(render_html(filter_content(brief, audience.config), audience, "print"),
                        encoding="utf-8")
        paths.append(path)
    return paths


def markdown(content: Path, folder: Path) -> list[Path]:
    """Each audience's content as Markdown with footnotes: the route a user scripts today."""
    from briefgen.audience import filter_content, find_audiences
    from briefgen.citations import NoteBook
    from briefgen.models import located_statements
    from briefgen.validate import load_content

    brief, _ = load_content(content)
    paths = []
    for name, audience in find_audiences(content).items():
        visible = filter_content(brief, audience.config)
        notes = NoteBook(visible, show_grades=audience.config.show_grades)
        lines, footnotes = [f"% {visible.brief.title}", ""], []
        for _, _, statement in located_statements(visible):
            note = notes.note(statement)
            lines.append(f"{statement.text}[^{note.number}]\n")
            footnotes.append(f"[^{note.number}]: {note.html.striptags()}")
        path = folder / f"{name}.md"
        path.write_text("\n".join(lines + [""] + footnotes) + "\n", encoding="utf-8")
        paths.append(path)
    return paths


def pandoc() -> str:
    try:
        import pypandoc
    except ImportError:
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", "pypandoc-binary"],
                       check=True)
        import pypandoc
    return str(pypandoc.get_pandoc_path())


def notes_on_their_page(pdf: Path) -> float:
    from pdfread import footnote_marks

    calls, notes, _ = footnote_marks(pdf)
    call_page = {c.number: c.page for c in calls}
    same = sum(call_page.get(n.number) == n.page for n in notes)
    return 100 * same / max(len(call_page), 1)


def run(sizes: list[int], repeat: int) -> dict[str, object]:
    briefgen = str(BIN / "briefgen")
    weasyprint = str(BIN / "weasyprint")
    results: dict[str, object] = {}
    results["help"] = measure([briefgen, "--help"], 5)
    shared = ROOT.parent / "shared" / "sources"
    check = [briefgen, "check", str(ROOT / "content")]
    results["check"] = measure(check + (["--snapshots", str(shared)] if shared.is_dir() else []), 5)
    pandoc_bin = pandoc()
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            content, out = Path(tmp) / f"brief-{n}", Path(tmp) / f"build-{n}"
            generate(n, content)
            build = [briefgen, "build", str(content), "--out", str(out), "--quiet"]
            full = measure([*build, "--force"], repeat)
            noop = measure(build, repeat)
            pages = Path(tmp) / f"print-{n}"
            pages.mkdir()
            floor = measure(shell([f"{weasyprint} {p} {p.with_suffix('.pdf')}"
                                   for p in print_html(content, pages)]), repeat)
            routes = []
            for md in markdown(content, pages):
                routes.append(f"{pandoc_bin} {md} -o {md.with_suffix('.p.pdf')} "
                              f"--pdf-engine={weasyprint}")
                routes.append(f"{pandoc_bin} {md} -s -o {md.with_suffix('.p.html')}")
            route = measure(["env", f"PATH={BIN}:{os.environ['PATH']}", *shell(routes)], repeat)
            results[str(n)] = {"full": full, "noop": noop, "floor": floor, "pandoc": route,
                               "placement": notes_on_their_page(out / "analyst" / "brief.pdf")}
    return results


def table(results: dict[str, object], sizes: list[int]) -> str:
    help_, check = results["help"], results["check"]
    lines = [f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python "
             f"{platform.python_version()}.", "",
             "| measure | wall (s) | peak (MB) |", "|---|---|---|",
             f"| `briefgen --help` | {help_[0]:.2f} | {help_[1]:.0f} |",  # type: ignore[index]
             f"| `briefgen check` on the sample | {check[0]:.2f} | {check[1]:.0f} |",  # type: ignore[index]
             "", "| N | full build | no-op | floor (weasyprint ×3) | pandoc route | "
             "full ÷ floor | full ÷ pandoc | no-op ÷ full | peak ÷ floor peak | "
             "notes on their page |", "|---|---|---|---|---|---|---|---|---|---|"]
    for n in sizes:
        r = results[str(n)]  # type: ignore[index]
        full, noop, floor, route = r["full"], r["noop"], r["floor"], r["pandoc"]
        lines.append(
            f"| {n} | {full[0]:.1f} s, {full[1]:.0f} MB | {noop[0]:.2f} s | "
            f"{floor[0]:.1f} s, {floor[1]:.0f} MB | {route[0]:.1f} s | {full[0] / floor[0]:.2f} | "
            f"{full[0] / route[0]:.2f} | {100 * noop[0] / full[0]:.1f} % | "
            f"{full[1] / floor[1]:.2f} | {r['placement']:.0f} % |")
    if len(sizes) > 1:
        first, last = results[str(sizes[0])], results[str(sizes[-1])]
        lines += ["", f"Growth: build at N = {sizes[-1]} ÷ build at N = {sizes[0]} = "
                  f"{last['full'][0] / first['full'][0]:.1f}."]  # type: ignore[index]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="100,1000,2000")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    results = run(sizes, args.repeat)
    report = table(results, sizes)
    print(report)
    (ROOT / "BENCHMARKS.md").write_text(
        "# Benchmarks\n\nMade by `.venv/bin/python bench/run.py "
        f"--sizes {args.sizes} --repeat {args.repeat}`; medians of whole processes.\n\n"
        + report + "\n\n<details><summary>raw figures</summary>\n\n```json\n"
        + json.dumps(results, indent=1) + "\n```\n</details>\n", encoding="utf-8")


if __name__ == "__main__":
    main()
