"""A process-wide cache for values that are expensive to fetch and may expire: IAM tokens
(per IAM endpoint, user and region) and project ids (per IAM endpoint, principal and region).

Each key is fetched at most once at a time: concurrent callers wait on the key's lock and
share the result. A value is renewed shortly before it expires.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any

__all__ = ["PROCESS_CACHE", "KeyLocks", "RenewingCache"]

# Renew this long before expiry, or halfway through a shorter lifetime.
DEFAULT_RENEW_MARGIN = 30 * 60.0


class KeyLocks:
    """One lock per key, made on first use: work on one key waits for work on the same key
    only."""

    def __init__(self) -> None:
        self._locks: dict[Hashable, threading.Lock] = {}
        self._lock = threading.Lock()

    def __call__(self, key: Hashable) -> threading.Lock:
        with self._lock:
            return self._locks.setdefault(key, threading.Lock())


@dataclass(frozen=True)
class _Entry:
    value: Any
    renew_at: float


class RenewingCache:
    """Thread-safe `key -> value` cache; `fetch()` returns `(value, expires_at)` where
    `expires_at` is a `clock()` timestamp (`math.inf` for values that never expire)."""

    def __init__(
        self,
        *,
        clock: Callable[[], float] = time.time,
        renew_margin: float = DEFAULT_RENEW_MARGIN,
    ) -> None:
        self._clock = clock
        self._renew_margin = renew_margin
        self._entries: dict[Hashable, _Entry] = {}
        self._lock = KeyLocks()

    def _entry(self, value: Any, expires_at: float, now: float) -> _Entry:
        if math.isinf(expires_at):
            return _Entry(value, math.inf)
        lifetime = max(expires_at - now, 0.0)
        return _Entry(value, expires_at - min(self._renew_margin, lifetime / 2))

    def get(self, key: Hashable, fetch: Callable[[], tuple[Any, float]]) -> Any:
        entry = self._entries.get(key)
        if entry is not None and self._clock() < entry.renew_at:
            return entry.value
        with self._lock(key):
            entry = self._entries.get(key)
            now = self._clock()
            if entry is not None and now < entry.renew_at:
                return entry.value
            value, expires_at = fetch()
            self._entries[key] = self._entry(value, expires_at, now)
            return value

    def expire(self, key: Hashable, is_stale: Callable[[Any], bool]) -> None:
        """Drop `key` if its value is the stale one: many threads may report the same stale
        token, only the first report forces a fetch."""
        with self._lock(key):
            entry = self._entries.get(key)
            if entry is not None and is_stale(entry.value):
                del self._entries[key]

    def clear(self) -> None:
        self._entries.clear()


PROCESS_CACHE = RenewingCache()
