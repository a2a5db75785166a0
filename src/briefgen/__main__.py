"""The `briefgen` command's entry point, kept light: Ctrl-C at any moment, even while the
command line's modules are still loading, ends the command with one line and exit 130;
SIGTERM (what `timeout` and a cancelled CI job send) the same way, with exit 143."""

from __future__ import annotations

import signal
import sys
from types import FrameType

from .errors import Interrupted

INTERRUPTED = "interrupted; earlier outputs are unchanged"


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise Interrupted(signum)


def main() -> None:
    signal.signal(signal.SIGINT, _interrupt)
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        from .cli import app

        app(prog_name="briefgen")
    except Interrupted as exc:
        print(INTERRUPTED, file=sys.stderr)
        sys.exit(exc.exit_code)


if __name__ == "__main__":
    main()
