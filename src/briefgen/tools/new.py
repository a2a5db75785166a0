"""briefgen new: a brief folder that checks and builds as it is, to edit from."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ..errors import UsageError

SCAFFOLD = Path(__file__).parent / "scaffold"


def create_brief(target: Path, today: dt.date | None = None) -> list[Path]:
    """Write the example brief into `target`, which must be new or empty."""
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise UsageError(f"'{target}' already exists and is not empty: name a new folder")
    today = today or dt.date.today()
    written = []
    for source in sorted(SCAFFOLD.rglob("*")):
        if source.is_dir() or source.name.startswith((".", "__")):
            continue
        path = target / source.relative_to(SCAFFOLD)
        path.parent.mkdir(parents=True, exist_ok=True)
        text = source.read_text(encoding="utf-8").replace("{today}", today.isoformat())
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
