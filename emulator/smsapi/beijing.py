"""Beijing time: the calendar of billing months and of the promotion sending window."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

__all__ = ["BEIJING", "beijing_month", "beijing_time"]

BEIJING = timezone(timedelta(hours=8), "Asia/Shanghai")


def beijing_time(ts: float) -> datetime:
    return datetime.fromtimestamp(ts, BEIJING)


def beijing_month(ts: float) -> str:
    """``YYYY-MM`` of the Beijing calendar month ``ts`` falls in."""
    return beijing_time(ts).strftime("%Y-%m")
