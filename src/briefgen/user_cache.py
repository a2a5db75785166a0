"""The user's cache folder: what a build can make again but need not, kept between
runs (web font subsets, font metrics, compiled templates). $XDG_CACHE_HOME/briefgen,
else ~/.cache/briefgen. A cache that cannot be read or written costs time, never a
build: nothing here raises.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any


def cache_folder(name: str) -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "briefgen" / name


def read_cached(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


def keep(path: Path, data: bytes) -> None:
    """Written whole or not at all: a rename over the old file."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.tmp")
        partial.write_bytes(data)
        os.replace(partial, path)
    except OSError:
        pass


class Memo:
    """A table of texts kept between runs (SQLite in the cache folder), for results that
    take long to make and depend only on their key: formatted notes and reference
    lists. `version` names what the results also depend on (the code that makes
    them); a new version starts a new table. Safe across processes; any failure is a
    miss."""

    def __init__(self, name: str, version: str) -> None:
        self.path = cache_folder("memo") / f"{name}.sqlite3"
        self.table = "t_" + "".join(c for c in version if c.isalnum())[:40]
        self._connection: Any = None
        self._pid = 0

    def get(self, key: str) -> str | None:
        import sqlite3

        try:
            row = (
                self._db()
                .execute(f"SELECT value FROM {self.table} WHERE key = ?", (key,))
                .fetchone()
            )
        except (sqlite3.Error, OSError):
            return None
        return str(row[0]) if row else None

    def put(self, key: str, value: str) -> None:
        import sqlite3

        try:
            with self._db() as db:
                db.execute(f"INSERT OR REPLACE INTO {self.table} VALUES (?, ?)", (key, value))
        except (sqlite3.Error, OSError):
            pass

    def _db(self) -> Any:
        """A connection of this process's own: a worker forked from another opens anew."""
        import sqlite3

        if self._connection is None or self._pid != os.getpid():
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._connection = sqlite3.connect(self.path, timeout=5)
            self._connection.execute(
                f"CREATE TABLE IF NOT EXISTS {self.table} (key TEXT PRIMARY KEY, value TEXT)"
            )
            self._pid = os.getpid()
        return self._connection
