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
import itertools
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import pypdf

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
sys.path[:0] = [str(ROOT / "bench"), str(ROOT / "tests")]

from generate import generate  # noqa: E402


def measure(command: list[str], repeat: int) -> tuple[float, float, float]:
    """Median wall seconds, largest process (MB) and whole process tree (MB) of `command`."""
    runs = [sampled(command) for _ in range(repeat)]
    return tuple(statistics.median(run[i] for run in runs) for i in range(3))  # type: ignore[return-value]


def sampled(command: list[str]) -> tuple[float, float, float]:
    """Runs `command`, sampling the memory of its process tree.

    Memory is read from /proc, not from getrusage: a PDF worker forked from
    a fork server is not a child the build waits for, so getrusage would miss
    it. Two figures: the largest resident set of any one process (what
    `/usr/bin/time -v` reports for a single process), sampled every 0.1 s;
    and the largest total of the tree's proportional set sizes, which counts
    pages shared between forked processes once: the memory the whole build
    needs at its peak. That one is sampled every second only, since reading
    it costs the kernel a few milliseconds a process and would slow the run.
    """
    peaks = [0.0, 0.0]
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    stop = threading.Event()

    def sample() -> None:
        for tick in itertools.count():
            if stop.wait(0.1):
                return
            pids = _tree(process.pid)
            peaks[0] = max(peaks[0], *(_rss(pid) for pid in pids), 0)
            if tick % 10 == 9:
                peaks[1] = max(peaks[1], sum(_pss(pid) for pid in pids))

    sampler = threading.Thread(target=sample)
    sampler.start()
    code = process.wait()
    wall = time.perf_counter() - started
    stop.set()
    sampler.join()
    if code != 0:
        raise SystemExit(f"failed: {' '.join(command)}")
    return wall, peaks[0] / 1024, peaks[1] / 1024


def _tree(pid: int) -> list[int]:
    pids, todo = [], [pid]
    while todo:
        current = todo.pop()
        pids.append(current)
        try:
            for task in Path(f"/proc/{current}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
    return pids


def _rss(pid: int) -> int:
    """Resident set size in kB; 0 once the process is gone."""
    return _field(f"/proc/{pid}/status", "VmRSS")


def _pss(pid: int) -> int:
    """Proportional set size in kB: shared pages divided among their sharers."""
    return _field(f"/proc/{pid}/smaps_rollup", "Pss")


def _field(path: str, name: str) -> int:
    try:
        text = Path(path).read_text()
    except OSError:
        return 0
    for line in text.splitlines():
        if line.startswith(name + ":"):
            return int(line.split()[1])
    return 0


def shell(commands: list[str]) -> list[str]:
    return ["bash", "-c", " && ".join(commands)]


def print_html(content: Path, folder: Path) -> list[Path]:
    """briefgen's own print HTML for each audience: what the engine alone lays out."""
    from briefgen.document import document_for
    from briefgen.opening import open_brief
    from briefgen.render.html import render_html

    brief = open_brief(content)
    paths = []
    for name, audience in brief.audiences.items():
        path = folder / f"{name}.html"
        path.write_text(
            render_html(document_for(brief.content, audience), audience, "print"),
            encoding="utf-8",
        )
        paths.append(path)
    return paths


def markdown(content: Path, folder: Path) -> list[Path]:
    """Each audience's content as Markdown with footnotes: the route a user scripts today."""
    from briefgen.clearance import filter_content
    from briefgen.content.sections import located_statements
    from briefgen.document.citations import NoteBook
    from briefgen.document.i18n import I18n
    from briefgen.opening import open_brief

    brief = open_brief(content)
    paths = []
    for name, audience in brief.audiences.items():
        visible = filter_content(brief.content, audience)
        i18n = I18n(visible.brief.lang)
        notes = NoteBook(visible, i18n, show_grades=audience.config.show_grades)
        lines, footnotes = [f"% {visible.brief.title}", ""], []
        for found in located_statements(visible):
            statement = found.statement
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
        subprocess.run(
            [sys.executable, "-m", "pip", "install", "-q", "pypandoc-binary"], check=True
        )
        import pypandoc
    return str(pypandoc.get_pandoc_path())


def notes_on_their_page(pdf: Path) -> float:
    from pdfread import footnote_marks

    calls, notes, _ = footnote_marks(pdf)
    call_page = {c.number: c.page for c in calls}
    same = sum(call_page.get(n.number) == n.page for n in notes)
    return float(100 * same / max(len(call_page), 1))


def run(sizes: list[int], repeat: int, smoke: bool = False) -> dict[str, Any]:
    briefgen = str(BIN / "briefgen")
    weasyprint = str(BIN / "weasyprint")
    results: dict[str, Any] = {"machine": machine()}
    times = 1 if smoke else 5
    results["help"] = measure([briefgen, "--help"], times)
    shared = ROOT.parent / "shared" / "sources"
    check = [briefgen, "check", str(ROOT / "content")]
    snapshots = ["--snapshots", str(shared)] if shared.is_dir() else []
    results["check"] = measure(check + snapshots, times)
    pandoc_bin = "" if smoke else pandoc()
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            content, out = Path(tmp) / f"brief-{n}", Path(tmp) / f"build-{n}"
            generate(n, content)
            build = [briefgen, "build", str(content), "--out", str(out), "--quiet"]
            full = measure([*build, "--force"], repeat)
            noop = measure(build, repeat)
            pages = Path(tmp) / f"print-{n}"
            pages.mkdir()
            floor = measure(
                shell(
                    [
                        f"{weasyprint} {p} {p.with_suffix('.pdf')}"
                        for p in print_html(content, pages)
                    ]
                ),
                repeat,
            )
            routes: list[str] = []
            for md in [] if smoke else markdown(content, pages):
                routes.append(
                    f"{pandoc_bin} {md} -o {md.with_suffix('.p.pdf')} --pdf-engine={weasyprint}"
                )
                routes.append(f"{pandoc_bin} {md} -s -o {md.with_suffix('.p.html')}")
            route = (
                (1.0, 1.0, 1.0)
                if smoke
                else measure(["env", f"PATH={BIN}:{os.environ['PATH']}", *shell(routes)], repeat)
            )
            analyst = out / "analyst" / "brief.pdf"
            results[str(n)] = {
                "full": full,
                "noop": noop,
                "floor": floor,
                "pandoc": route,
                "placement": notes_on_their_page(analyst),
                "pages": len(pypdf.PdfReader(analyst).pages),
            }
        if smoke:
            return results
        results["one"] = one_pdf(1000 if 1000 in sizes else sizes[-1], Path(tmp), repeat)
        # One worker: the memory a build needs when it lays out one PDF at a time.
        n = sizes[-1]
        results[str(n)]["serial"] = measure(
            [
                briefgen,
                "build",
                str(Path(tmp) / f"brief-{n}"),
                "--out",
                str(Path(tmp) / "serial"),
                "--quiet",
                "-j",
                "1",
            ],
            1,
        )
    return results


def one_pdf(n: int, tmp: Path, repeat: int) -> dict[str, Any]:
    """The analyst's PDF alone, one worker, against the engine on the same print HTML:
    the plain `weasyprint` command, and the same command making what briefgen makes
    (a tagged PDF/UA-1 file)."""
    briefgen = str(BIN / "briefgen")
    weasyprint = str(BIN / "weasyprint")
    content = tmp / f"brief-{n}"
    folder = tmp / f"one-{n}"
    folder.mkdir()
    (html,) = [p for p in print_html(content, folder) if p.stem == "analyst"]
    pdf = str(html.with_suffix(".pdf"))
    build = [briefgen, "build", str(content), "-a", "analyst", "-f", "pdf", "-j", "1"]
    return {
        "n": n,
        "briefgen": measure([*build, "--force", "-q", "-o", str(folder / "out")], repeat),
        "plain": measure([weasyprint, str(html), pdf], repeat),
        "ua": measure([weasyprint, "--pdf-variant", "pdf/ua-1", str(html), pdf], repeat),
    }


def machine() -> str:
    import weasyprint

    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.machine(),
    )
    memory = int(Path("/proc/meminfo").read_text().split()[1]) // 1024 // 1024
    return (
        f"{cpu}, {os.cpu_count()} cores, {memory} GB; {platform.system()} "
        f"{platform.release()}; Python {platform.python_version()}; "
        f"WeasyPrint {weasyprint.__version__}"
    )


def table(results: dict[str, Any], sizes: list[int]) -> str:
    help_, check = results["help"], results["check"]
    lines = [
        f"Machine: {results['machine']}.",
        "",
        "| command | wall (s) | memory (MB) |",
        "|---|---|---|",
        f"| `briefgen --help` | {help_[0]:.2f} | {help_[1]:.0f} |",
        f"| `briefgen check content` (with snapshots) | {check[0]:.2f} | {check[1]:.0f} |",
        "",
        "**Time.** Full build: `briefgen build --force`, all audiences and formats. "
        "Floor: the `weasyprint` command on briefgen's own print HTML, one audience after "
        "another. Pandoc route: each audience as Markdown with footnotes, to PDF "
        "(`--pdf-engine=weasyprint`) and to HTML, one after another.",
        "",
        "| N | analyst pages | full build | no-op | floor | pandoc route | full ÷ floor | "
        "full ÷ pandoc | no-op ÷ full | notes on their page (analyst) |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for n in sizes:
        r = results[str(n)]
        full, noop, floor, route = r["full"], r["noop"], r["floor"], r["pandoc"]
        lines.append(
            f"| {n} | {r['pages']} | {full[0]:.1f} s | {noop[0]:.2f} s | {floor[0]:.1f} s | "
            f"{route[0]:.1f} s | {full[0] / floor[0]:.2f} | {full[0] / route[0]:.2f} | "
            f"{100 * noop[0] / full[0]:.1f} % | {r['placement']:.0f} % |"
        )
    lines += [
        "",
        "**Memory.** Largest process: the largest resident set of any one process "
        "(what `/usr/bin/time -v` gives for one). Whole build: the largest total, over "
        "the build's processes, of their proportional set sizes (shared pages counted "
        "once): what the machine must hold at the build's peak.",
        "",
        "| N | build: largest process | floor: largest process | ratio | "
        "build: whole build | ratio to floor |",
        "|---|---|---|---|---|---|",
    ]
    for n in sizes:
        r = results[str(n)]
        full, floor = r["full"], r["floor"]
        lines.append(
            f"| {n} | {full[1]:.0f} MB | {floor[1]:.0f} MB | {full[1] / floor[1]:.2f} | "
            f"{full[2]:.0f} MB | {full[2] / floor[1]:.2f} |"
        )
    last = results[str(sizes[-1])]
    if "serial" in last:
        serial = last["serial"]
        lines += [
            "",
            f"With one worker (`-j 1`) at N = {sizes[-1]}: {serial[0]:.1f} s, whole "
            f"build {serial[2]:.0f} MB ({serial[2] / last['floor'][1]:.2f} × the floor's "
            "largest process).",
        ]
    if "one" in results:
        one = results["one"]
        ours, plain, ua = one["briefgen"], one["plain"], one["ua"]
        lines += [
            "",
            f"**One PDF against the engine** (N = {one['n']}, the analyst's PDF alone, "
            "`-j 1`, the largest process):",
            "",
            "| | wall (s) | memory (MB) | briefgen ÷ it: time | memory |",
            "|---|---|---|---|---|",
            f"| briefgen | {ours[0]:.1f} | {ours[1]:.0f} | | |",
            f"| `weasyprint` | {plain[0]:.1f} | {plain[1]:.0f} | "
            f"{ours[0] / plain[0]:.2f} | {ours[1] / plain[1]:.2f} |",
            f"| `weasyprint --pdf-variant pdf/ua-1` (what briefgen makes) | {ua[0]:.1f} | "
            f"{ua[1]:.0f} | {ours[0] / ua[0]:.2f} | {ours[1] / ua[1]:.2f} |",
        ]
    if len(sizes) > 1:
        first = results[str(sizes[0])]
        lines += [
            "",
            f"Growth: build at N = {sizes[-1]} ÷ build at N = {sizes[0]} = "
            f"{last['full'][0] / first['full'][0]:.1f} (analyst pages: "
            f"{last['pages'] / first['pages']:.1f} ×).",
        ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="100,1000,2000")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--smoke", action="store_true", help="Run it through once, small, and write nothing."
    )
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    results = run(sizes, args.repeat, smoke=args.smoke)
    report = table(results, sizes)
    print(report)
    if args.smoke:
        return
    path = ROOT / "BENCHMARKS.md"
    # The sections other scripts write (projects.py, check_scale.py) stay as they are.
    page = path.read_text(encoding="utf-8") if path.exists() else ""
    others = page[page.index("\n## ") :] if "\n## " in page else ""
    path.write_text(
        "# Benchmarks\n\nMade by `.venv/bin/python bench/run.py "
        f"--sizes {args.sizes} --repeat {args.repeat}`; medians of whole processes.\n\n"
        + report
        + "\n\n<details><summary>raw figures</summary>\n\n```json\n"
        + json.dumps(results, indent=1)
        + "\n```\n</details>\n"
        + others,
        encoding="utf-8",
    )


if __name__ == "__main__":
    main()
