"""Per-recipient sending limits and the promotion window (reference §4.7).

The service still accepts a message over a limit (``000000`` in the answer); its status report
then says ``MILIMIT`` (a per-minute limit) or ``LIMIT`` (an hourly or daily one, or the same
content too often). Only messages that reached a carrier count towards a limit. The limits are
the Chinese mainland's; international numbers have none.
Promotions may be sent only between 08:00 and 22:00 Beijing time.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import time

from .reports import PER_HOUR_OR_DAY_LIMIT, PER_MINUTE_LIMIT

__all__ = [
    "PROMOTION_HOURS",
    "RateLimit",
    "exceeded_limit",
    "promotion_allowed",
]

DAY = 24 * 3600


@dataclass(frozen=True)
class RateLimit:
    count: int
    seconds: float
    status: str
    same_content: bool = False


_PER_TYPE: dict[str, tuple[RateLimit, ...]] = {
    "VERIFY_CODE_TYPE": (
        RateLimit(2, 60, PER_MINUTE_LIMIT),
        RateLimit(50, DAY, PER_HOUR_OR_DAY_LIMIT),
    ),
    "NOTIFY_TYPE": (
        RateLimit(10, 60, PER_MINUTE_LIMIT),
        RateLimit(50, DAY, PER_HOUR_OR_DAY_LIMIT),
    ),
    "PROMOTION_TYPE": (
        RateLimit(4, 3600, PER_HOUR_OR_DAY_LIMIT),
        RateLimit(10, DAY, PER_HOUR_OR_DAY_LIMIT),
    ),
}
_SAME_CONTENT = (
    RateLimit(2, 59, PER_MINUTE_LIMIT, same_content=True),
    RateLimit(5, 59 * 60, PER_HOUR_OR_DAY_LIMIT, same_content=True),
)
PROMOTION_HOURS = (time(8, 0), time(22, 0))


def exceeded_limit(
    conn: sqlite3.Connection, recipient: str, template_type: str, content: str, now: float
) -> str | None:
    """``MILIMIT`` or ``LIMIT`` if one more message to ``recipient`` breaks a limit, else None."""
    for limit in (*_PER_TYPE.get(template_type, ()), *_SAME_CONTENT):
        column, value = ("template_type", template_type)
        if limit.same_content:
            column, value = ("content", content)
        sent = conn.execute(
            f"SELECT count(*) FROM messages WHERE recipient = ? AND {column} = ?"
            " AND created_at > ? AND carried = 1",
            (recipient, value, now - limit.seconds),
        ).fetchone()[0]
        if sent >= limit.count:
            return limit.status
    return None


def promotion_allowed(moment: time) -> bool:
    start, end = PROMOTION_HOURS
    return start <= moment < end
