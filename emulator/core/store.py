"""The emulator's SQLite database: one file in the data dir, durable before every answer.

One connection serialised by a lock: requests are short, and a single writer is what SQLite
does best. WAL with ``synchronous=FULL`` makes a commit durable once ``transaction()`` returns,
so a response sent after it survives a ``kill -9``.

Each component owns its tables and brings its own ordered list of migration scripts
(``Store.migrate(component, scripts)``); the applied version per component is kept in
``schema_versions``, so a component can add tables later without touching the others.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

__all__ = ["Store"]


class Store:
    """A SQLite database file with per-component schema migrations."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.RLock()
        self._conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self._conn.row_factory = sqlite3.Row
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA synchronous=FULL")
        self._conn.execute("PRAGMA foreign_keys=ON")
        self._conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_versions ("
            " component TEXT PRIMARY KEY, version INTEGER NOT NULL)"
        )

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """Run a block atomically; committed (and on disk) when the block exits normally.

        Nested use joins the outer transaction.
        """
        with self._lock:
            if self._conn.in_transaction:
                yield self._conn
                return
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    def migrate(self, component: str, scripts: Sequence[str]) -> None:
        """Apply the scripts of ``component`` that this database has not seen yet, in order."""
        with self.transaction() as conn:
            row = conn.execute(
                "SELECT version FROM schema_versions WHERE component = ?", (component,)
            ).fetchone()
            version = row["version"] if row else 0
            if version > len(scripts):
                raise RuntimeError(
                    f"{self.path}: schema of {component!r} is at version {version}, newer than "
                    f"this emulator ({len(scripts)}); use a newer emulator or a fresh --data-dir"
                )
            for number, script in enumerate(scripts[version:], start=version + 1):
                for statement in _statements(script):
                    conn.execute(statement)
                conn.execute(
                    "INSERT INTO schema_versions (component, version) VALUES (?, ?)"
                    " ON CONFLICT (component) DO UPDATE SET version = excluded.version",
                    (component, number),
                )

    def close(self) -> None:
        with self._lock:
            self._conn.close()


def _statements(script: str) -> list[str]:
    # executescript() would commit the surrounding transaction; split complete statements
    # instead so a migration and its version bump land together.
    statements: list[str] = []
    current = ""
    for line in script.splitlines(keepends=True):
        current += line
        if sqlite3.complete_statement(current):
            statements.append(current.strip())
            current = ""
    if current.strip():
        raise ValueError(f"incomplete SQL statement in migration: {current.strip()[:80]}")
    return statements
