"""Ctrl-C at any moment ends a command with one line and exit 130; a killed build leaves
no process behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import SAMPLE

from briefgen.__main__ import INTERRUPTED

# Sends Ctrl-C to itself while a module loads: the moment a user presses it early.
INTERRUPT_DURING_IMPORT = """
import importlib.abc, os, signal, sys
class Interrupt(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name == {module!r}:
            os.kill(os.getpid(), signal.SIGINT)
        return None
sys.meta_path.insert(0, Interrupt())
sys.argv = ["briefgen", *{args!r}]
from briefgen.__main__ import main
main()
"""


@pytest.mark.parametrize(
    ("module", "args"),
    [
        ("typer", ["--help"]),  # the command line's own modules
        ("pydantic", ["check", str(SAMPLE)]),  # the content models
        ("weasyprint", ["build", str(SAMPLE), "-f", "pdf", "-j", "1", "--force"]),
    ],
)
def test_ctrl_c_while_modules_load(module: str, args: list[str], tmp_path: Path) -> None:
    if args[0] == "build":
        args = [*args, "--out", str(tmp_path)]
    code = INTERRUPT_DURING_IMPORT.format(module=module, args=args)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 130, done.stderr
    assert done.stderr == INTERRUPTED + "\n"
    assert not list(tmp_path.rglob("brief.*"))


def marked_processes(mark: str, command: bytes = b"") -> list[int]:
    """Processes whose environment carries `mark` (a build and everything it started), and
    whose command line holds `command`."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            environ = (entry / "environ").read_bytes()
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        if f"BRIEFGEN_TEST_MARK={mark}".encode() in environ.split(b"\0") and command in cmdline:
            found.append(int(entry.name))
    return found


def workers_started(mark: str) -> bool:
    """The fork server and a worker it made: the build is laying out pages. (A count of
    every marked process would also count a short helper such as fc-list.)"""
    return len(marked_processes(mark, b"multiprocessing")) >= 2


def wait_for(check: Callable[[], bool], seconds: float = 20) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.05)
    return False


def start_build(tmp_path: Path, mark: str) -> subprocess.Popen[str]:
    """A parallel build of a brief long enough (a table of 1,000 rows, 14 s) that the
    signal always finds it laying out, however loaded the machine: the sample brief
    could finish between the check for workers and the signal."""
    from blockbrief import write_brief

    brief = write_brief(tmp_path / "source", seed=3, rows=1000)
    env = {**os.environ, "BRIEFGEN_TEST_MARK": mark}
    out = tmp_path / "out"
    command = [sys.executable, "-m", "briefgen", "build", str(brief), "--out", str(out)]
    return subprocess.Popen(
        [*command, "-a", "analyst", "-a", "public", "--force", "-j", "2", "-q"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="needs /proc")
def test_a_killed_build_leaves_no_worker_or_fork_server(tmp_path: Path) -> None:
    mark = uuid.uuid4().hex
    build = start_build(tmp_path, mark)
    # Workers are the build's grandchildren: wait until the fork server has made some.
    assert wait_for(lambda: workers_started(mark)), "no workers started"
    build.kill()
    build.wait()
    assert wait_for(lambda: not marked_processes(mark), seconds=10), marked_processes(mark)


@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="needs /proc")
def test_ctrl_c_during_a_parallel_build(tmp_path: Path) -> None:
    mark = uuid.uuid4().hex
    build = start_build(tmp_path, mark)
    assert wait_for(lambda: workers_started(mark)), "no workers started"
    build.send_signal(signal.SIGINT)
    _, stderr = build.communicate(timeout=30)
    assert build.returncode == 130
    assert stderr == INTERRUPTED + "\n"  # one line: no worker prints a traceback
    assert wait_for(lambda: not marked_processes(mark), seconds=10)
    assert not list((tmp_path / "out").rglob("brief.*"))


def test_serve_on_a_port_out_of_range_is_a_usage_error() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "briefgen", "serve", str(SAMPLE), "--port", "99999"],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2
    assert "Invalid value for '--port'" in done.stderr
    assert "Traceback" not in done.stderr


def test_audiences_of_a_missing_folder_is_a_usage_error(tmp_path: Path) -> None:
    code = textwrap.dedent(f"""
        import sys
        sys.argv = ["briefgen", "audiences", {str(tmp_path / "nothing")!r}]
        from briefgen.__main__ import main
        main()
    """)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 2
    assert done.stderr.startswith("error: no brief folder at ")
