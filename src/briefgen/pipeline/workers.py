"""The processes that lay out PDFs: forked from a server that has loaded WeasyPrint and
nothing else, so the engine loads once and each worker holds only its own document.

Workers leave Ctrl-C to the build, which ends them, and end themselves when the
build is gone, even after a `kill -9` that gives it no chance to clean up.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from typing import Any

from .interrupts import held_interrupts

PARENT_POLL_SECONDS = 0.5


def engine_processes(preload: str = "briefgen.render.pdf") -> Any:
    """The multiprocessing context: a fork server preloaded with WeasyPrint (or the
    module named) where the platform has one, else fresh processes."""
    import multiprocessing

    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    from multiprocessing import forkserver

    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([preload])
    # Started with Ctrl-C ignored, which the server inherits through exec: the terminal
    # sends Ctrl-C to every process of the build, and the server, still loading the
    # engine, would print a traceback of its own. The build ends the server itself.
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        forkserver.ensure_running()  # loads WeasyPrint now, while the print HTML is made
    finally:
        signal.signal(signal.SIGINT, previous)
    return context


def pool(workers: int, preload: str = "briefgen.render.pdf") -> Any:
    """A pool of PDF workers (or, with `preload`, of workers for another task); the
    caller terminates it if anything goes wrong.

    Ctrl-C waits until the pool stands: interrupted halfway, it would leave
    workers starting up with nobody to end them.
    """
    with held_interrupts():
        context = engine_processes(preload)
        return context.Pool(workers, initializer=_start_worker, initargs=(os.getpid(),))


def _start_worker(build_pid: int) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the build hears Ctrl-C and ends us
    watch = threading.Thread(target=_exit_with_build, args=(build_pid,), daemon=True)
    watch.start()


def _exit_with_build(build_pid: int) -> None:
    """Exit as soon as the build is gone. A worker's parent is the fork server, which
    exits when the build does; either change of parent, or the build's pid gone, ends
    the worker."""
    parent = os.getppid()
    while True:
        time.sleep(PARENT_POLL_SECONDS)
        if os.getppid() != parent or not _alive(build_pid):
            os._exit(1)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, and another user's: the pid was reused
        return False
    return True
