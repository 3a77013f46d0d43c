"""The request log: one row per API request (IAM, MSGSMS, SMSApi), kept in the database.

Tests and the offline engine read it to count the API calls a run made
(``GET /_emulator/requests?since=<seq>``). Admin and health calls are not logged.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..core.store import Store

__all__ = ["REQLOG_SCHEMA", "LoggedRequest", "RequestLog"]

REQLOG_SCHEMA: list[str] = [
    """
    CREATE TABLE request_log (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        time REAL NOT NULL, api TEXT NOT NULL, region TEXT,
        method TEXT NOT NULL, path TEXT NOT NULL, query TEXT NOT NULL,
        status INTEGER NOT NULL, request_id TEXT NOT NULL, fault TEXT
    );
    """,
]


@dataclass(frozen=True)
class LoggedRequest:
    time: float
    api: str
    region: str | None
    method: str
    path: str
    query: str
    status: int
    request_id: str
    fault: str | None  # None, "error" or "dropped"


class RequestLog:
    def __init__(self, store: Store) -> None:
        self._store = store
        store.migrate("reqlog", REQLOG_SCHEMA)

    def record(self, entry: LoggedRequest) -> int:
        with self._store.transaction() as conn:
            cursor = conn.execute(
                "INSERT INTO request_log (time, api, region, method, path, query, status,"
                " request_id, fault) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    entry.time,
                    entry.api,
                    entry.region,
                    entry.method,
                    entry.path,
                    entry.query,
                    entry.status,
                    entry.request_id,
                    entry.fault,
                ),
            )
            return int(cursor.lastrowid or 0)

    def entries(self, since: int = 0, api: str | None = None) -> list[dict[str, Any]]:
        sql = "SELECT * FROM request_log WHERE seq > ?"
        params: list[Any] = [since]
        if api:
            sql += " AND api = ?"
            params.append(api)
        with self._store.transaction() as conn:
            return [dict(row) for row in conn.execute(sql + " ORDER BY seq", params)]

    def last_seq(self) -> int:
        with self._store.transaction() as conn:
            row = conn.execute("SELECT max(seq) AS seq FROM request_log").fetchone()
            if row["seq"] is not None:
                return int(row["seq"])
            # After a clear, keep counting from where the log was so `since` stays monotonic.
            seq = conn.execute(
                "SELECT seq FROM sqlite_sequence WHERE name = 'request_log'"
            ).fetchone()
            return int(seq["seq"]) if seq else 0

    def clear(self) -> None:
        with self._store.transaction() as conn:
            conn.execute("DELETE FROM request_log")
