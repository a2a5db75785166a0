"""What a build shows while it runs: a progress bar on a terminal, plain lines elsewhere."""

from __future__ import annotations

import sys
from pathlib import Path
from types import TracebackType
from typing import Any

from ..errors import display_path


class BuildDisplay:
    def __init__(self, *, quiet: bool, verbose: bool) -> None:
        self.quiet = quiet
        self.verbose = verbose
        self._progress: Any = None
        self._task: Any = None

    def __enter__(self) -> BuildDisplay:
        if not self.quiet and sys.stderr.isatty():
            from rich.console import Console
            from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

            self._progress = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                TextColumn("{task.completed} done"),
                TimeElapsedColumn(),
                console=Console(stderr=True),
                transient=True,
            )
            self._progress.start()
            self._task = self._progress.add_task("building", total=None)
        return self

    def update(self, event: str, path: Path) -> None:
        if self._progress is not None:
            self._progress.update(
                self._task, advance=1, description=f"{event} {display_path(path)}"
            )
        if self.verbose and not self.quiet:
            print(f"{event} {display_path(path)}", file=sys.stderr)

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self._progress is not None:
            self._progress.stop()
