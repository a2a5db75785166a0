"""Moments that Ctrl-C or SIGTERM must not cut in two: held back, then delivered after."""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

# Ctrl-C, and what `timeout`, `kill` and a cancelled CI job send.
HELD = (signal.SIGINT, signal.SIGTERM)


@contextmanager
def held_interrupts() -> Iterator[None]:
    """Delay Ctrl-C and SIGTERM until the block is done.

    The Python-level handlers are swapped rather than the signals blocked: a signal
    that arrived just before the block is handled by whichever handler is installed
    when Python gets to it, which is then this one.
    """
    if threading.current_thread() is not threading.main_thread():
        yield  # only the main thread hears signals
        return
    received: list[signal.Signals] = []

    def hold(signum: int, frame: FrameType | None) -> None:
        received.append(signal.Signals(signum))

    previous = {signum: signal.signal(signum, hold) for signum in HELD}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        if received:
            _deliver(received[0], previous[received[0]])


def _deliver(signum: int, handler: object) -> None:
    if callable(handler):
        handler(signum, None)
    elif handler == signal.SIG_DFL and signum == signal.SIGINT:
        raise KeyboardInterrupt
    elif handler == signal.SIG_DFL:
        signal.raise_signal(signum)
