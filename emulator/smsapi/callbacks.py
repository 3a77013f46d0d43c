"""Callbacks to the customer's servers: status reports and uplink messages.

Every callback is a row of the ``callbacks`` table (an outbox) written in the same
transaction as the message it reports, so a restart loses none; a background worker POSTs the
due ones as form fields with an outbound httpx client and short timeouts. A status report whose
receiver fails (a transport error or a non-2xx answer) is retried with doubling backoff, up to
the configured number of attempts; an uplink message is retried on transport errors only,
because the platform ignores what the receiver answers (reference §4.5).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import urlencode

import anyio.to_thread
import httpx

from ..core.clock import Clock
from ..core.store import Store

__all__ = ["CallbackKind", "CallbackOutbox", "CallbackWorker", "RetryPolicy"]

logger = logging.getLogger("emulator.callbacks")

CallbackKind = Literal["status", "uplink"]
#: Callbacks sent per tick, concurrently.
BATCH = 32
TICK_SECONDS = 0.1
MAX_BACKOFF_SECONDS = 60.0
_TIMEOUT = httpx.Timeout(3.0, connect=2.0)


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int
    backoff_seconds: float

    def delay(self, attempts_made: int) -> float:
        return min(MAX_BACKOFF_SECONDS, self.backoff_seconds * 2 ** (attempts_made - 1))


def _form(stored: str) -> str:
    """The stored ``[[name, value], ...]`` as a form body, fields in their order."""
    return urlencode([(name, value) for name, value in json.loads(stored)])


@dataclass(frozen=True)
class _Due:
    id: int
    url: str
    body: str
    retry_on_status: bool


@dataclass(frozen=True)
class _Attempt:
    id: int
    delivered: bool
    error: str | None
    retryable: bool


class CallbackOutbox:
    """The ``callbacks`` table: what is to be sent, when, and how it went."""

    def __init__(self, store: Store, clock: Clock, policy: Callable[[], RetryPolicy]) -> None:
        self._store = store
        self._clock = clock
        self._policy = policy

    @staticmethod
    def enqueue(
        conn: sqlite3.Connection,
        kind: CallbackKind,
        sms_msg_id: str,
        url: str,
        fields: Sequence[tuple[str, str]],
        due_at: float,
    ) -> None:
        conn.execute(
            "INSERT INTO callbacks (kind, sms_msg_id, url, fields, retry_on_status, state,"
            " due_at) VALUES (?, ?, ?, ?, ?, 'pending', ?)",
            (kind, sms_msg_id, url, json.dumps(list(fields), ensure_ascii=False),
             kind == "status", due_at),
        )  # fmt: skip

    def due(self) -> list[_Due]:
        with self._store.transaction() as conn:
            rows = conn.execute(
                "SELECT id, url, fields, retry_on_status FROM callbacks"
                " WHERE state = 'pending' AND due_at <= ? ORDER BY due_at, id LIMIT ?",
                (self._clock.now(), BATCH),
            ).fetchall()
        return [
            _Due(r["id"], r["url"], _form(r["fields"]), bool(r["retry_on_status"])) for r in rows
        ]

    def record(self, attempts: Sequence[_Attempt]) -> None:
        policy = self._policy()
        now = self._clock.now()
        with self._store.transaction() as conn:
            for attempt in attempts:
                row = conn.execute(
                    "SELECT attempts FROM callbacks WHERE id = ? AND state = 'pending'",
                    (attempt.id,),
                ).fetchone()
                if row is None:  # wiped by a reset while in flight
                    continue
                made = row["attempts"] + 1
                if attempt.delivered:
                    state, due = "delivered", now
                elif attempt.retryable and made < policy.attempts:
                    state, due = "pending", now + policy.delay(made)
                else:
                    state, due = "failed", now
                conn.execute(
                    "UPDATE callbacks SET state = ?, attempts = ?, due_at = ?, last_error = ?,"
                    " delivered_at = ? WHERE id = ?",
                    (state, made, due, attempt.error, now if attempt.delivered else None,
                     attempt.id),
                )  # fmt: skip

    def listing(self, kind: str | None) -> list[dict[str, Any]]:
        sql = "SELECT * FROM callbacks"
        params: list[Any] = []
        if kind:
            sql += " WHERE kind = ?"
            params.append(kind)
        with self._store.transaction() as conn:
            rows = conn.execute(sql + " ORDER BY id", params).fetchall()
        return [{**dict(r), "fields": dict(json.loads(r["fields"]))} for r in rows]


class CallbackWorker:
    """Sends due callbacks until cancelled; runs as a task of the app's lifespan."""

    def __init__(self, outbox: CallbackOutbox) -> None:
        self.outbox = outbox

    async def run(self) -> None:
        async with httpx.AsyncClient(timeout=_TIMEOUT, trust_env=False) as client:
            while True:
                try:
                    due = await anyio.to_thread.run_sync(self.outbox.due)
                    if due:
                        attempts = await asyncio.gather(*(self._post(client, d) for d in due))
                        await anyio.to_thread.run_sync(self.outbox.record, attempts)
                        continue
                except Exception:
                    logger.exception("callback worker failed")
                await asyncio.sleep(TICK_SECONDS)

    @staticmethod
    async def _post(client: httpx.AsyncClient, due: _Due) -> _Attempt:
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        try:
            response = await client.post(due.url, content=due.body.encode(), headers=headers)
        except httpx.HTTPError as error:
            reason = f"{type(error).__name__}: {error}".strip().rstrip(":")
            logger.info("callback %s to %s failed: %s", due.id, due.url, reason)
            return _Attempt(due.id, delivered=False, error=reason, retryable=True)
        with contextlib.suppress(httpx.HTTPError):
            await response.aclose()
        if response.is_success or not due.retry_on_status:
            answer = None if response.is_success else f"HTTP {response.status_code}"
            return _Attempt(due.id, delivered=True, error=answer, retryable=False)
        logger.info("callback %s to %s answered %s", due.id, due.url, response.status_code)
        return _Attempt(
            due.id, delivered=False, error=f"HTTP {response.status_code}", retryable=True
        )
