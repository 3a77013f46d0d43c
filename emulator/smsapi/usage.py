"""Usage and billing: the ledger of billed segments per Beijing month, and what it costs.

Every billed message adds a row to the ``usage`` table as it is sent. Administrators may add
rows of their own (``source = "seeded"``) to put a month at a tier boundary without sending a
million messages; the cost is always computed from the rows, with the marginal tiers of
:mod:`emulator.smsapi.billing`.
"""

from __future__ import annotations

import re
import sqlite3
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from ..core.clock import Clock
from ..core.store import Store
from .beijing import beijing_month
from .billing import CATEGORIES, category_of, charge

__all__ = ["MONTH_PATTERN", "TEMPLATE_TYPES", "UsageLedger", "UsageSeed"]

MONTH_PATTERN = r"^\d{4}-(0[1-9]|1[0-2])$"
TEMPLATE_TYPES = ("VERIFY_CODE_TYPE", "NOTIFY_TYPE", "PROMOTION_TYPE")


class UsageSeed(BaseModel):
    """Recorded usage added by an administrator (``POST /_emulator/usage``)."""

    model_config = ConfigDict(extra="forbid")

    month: Annotated[str, Field(pattern=MONTH_PATTERN)]
    template_type: Literal["VERIFY_CODE_TYPE", "NOTIFY_TYPE", "PROMOTION_TYPE"]
    segments: Annotated[int, Field(ge=1, le=10**10)]
    messages: Annotated[int, Field(ge=0, le=10**10)] | None = None


def _money(amount: Decimal) -> str:
    return f"{amount:.3f}"


class UsageLedger:
    def __init__(self, store: Store, clock: Clock) -> None:
        self._store = store
        self._clock = clock

    def record(
        self,
        conn: sqlite3.Connection,
        template_type: str,
        segments: int,
        sms_msg_id: str,
        sent_at: float,
    ) -> None:
        conn.execute(
            "INSERT INTO usage (month, template_type, segments, messages, source, sms_msg_id,"
            " recorded_at) VALUES (?, ?, ?, 1, 'sent', ?, ?)",
            (beijing_month(sent_at), template_type, segments, sms_msg_id, sent_at),
        )

    def seed(self, seed: UsageSeed) -> None:
        with self._store.transaction() as conn:
            conn.execute(
                "INSERT INTO usage (month, template_type, segments, messages, source,"
                " recorded_at) VALUES (?, ?, ?, ?, 'seeded', ?)",
                (
                    seed.month,
                    seed.template_type,
                    seed.segments,
                    seed.messages if seed.messages is not None else seed.segments,
                    self._clock.now(),
                ),
            )

    def current_month(self) -> str:
        return beijing_month(self._clock.now())

    def summary(self, month: str) -> dict[str, Any]:
        """Segments and messages per template type and category, and the cost, of ``month``."""
        if not re.match(MONTH_PATTERN, month):
            raise ValueError(f"month {month!r} is not YYYY-MM")
        with self._store.transaction() as conn:
            rows = conn.execute(
                "SELECT template_type, sum(segments) AS segments, sum(messages) AS messages"
                " FROM usage WHERE month = ? GROUP BY template_type",
                (month,),
            ).fetchall()
            unbilled = conn.execute(
                "SELECT count(*) AS messages, coalesce(sum(total), 0) AS segments"
                " FROM messages WHERE status = '000000' AND billed = 0"
                " AND strftime('%Y-%m', created_at + 8 * 3600, 'unixepoch') = ?",
                (month,),
            ).fetchone()
        by_type = {t: {"segments": 0, "messages": 0} for t in TEMPLATE_TYPES}
        for row in rows:
            by_type[row["template_type"]] = {
                "segments": int(row["segments"]),
                "messages": int(row["messages"]),
            }
        categories: dict[str, Any] = {}
        total = Decimal(0)
        for category in CATEGORIES:
            segments = sum(v["segments"] for t, v in by_type.items() if category_of(t) == category)
            tiers = charge(segments, category)
            cost = sum((tier.cost for tier in tiers), Decimal(0))
            total += cost
            categories[category] = {
                "segments": segments,
                "cost": _money(cost),
                "tiers": [
                    {
                        "up_to": tier.up_to,
                        "price": str(tier.price),
                        "segments": tier.segments,
                        "cost": _money(tier.cost),
                    }
                    for tier in tiers
                ],
            }
        return {
            "month": month,
            "currency": "CNY",
            "template_types": by_type,
            "categories": categories,
            "cost": _money(total),
            "unbilled": {"messages": unbilled["messages"], "segments": unbilled["segments"]},
        }
