"""The emulator's clock: wall time plus an offset an administrator can move.

Every time-dependent rule (token expiry, AK/SK clock skew, review delays) reads this clock, so
tests can move time forward instead of sleeping.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime

__all__ = ["Clock", "api_time", "iso_time"]


class Clock:
    def __init__(self) -> None:
        self.offset_seconds = 0.0

    def now(self) -> float:
        """Seconds since the epoch, as the emulator sees it."""
        return time.time() + self.offset_seconds


def api_time(ts: float) -> str:
    """The management API's timestamp format, ``yyyy-MM-dd HH:mm:ss`` in UTC."""
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%d %H:%M:%S")


def iso_time(ts: float) -> str:
    """IAM's timestamp format, e.g. ``2020-01-04T09:05:22.701000Z``."""
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
