"""Moments that Ctrl-C must not cut in two: it is held back, then delivered after."""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType


@contextmanager
def held_interrupts() -> Iterator[None]:
    """Delay Ctrl-C until the block is done.

    The Python-level handler is swapped rather than the signal blocked: a
    Ctrl-C that arrived just before the block is handled by whichever handler
    is installed when Python gets to it, which is then this one.
    """
    if threading.current_thread() is not threading.main_thread():
        yield  # only the main thread hears signals
        return
    received: list[int] = []

    def hold(signum: int, frame: FrameType | None) -> None:
        received.append(signum)

    previous = signal.signal(signal.SIGINT, hold)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        if received:
            _deliver(previous)


def _deliver(handler: object) -> None:
    if callable(handler):
        handler(signal.SIGINT, None)
    elif handler == signal.SIG_DFL:
        raise KeyboardInterrupt
