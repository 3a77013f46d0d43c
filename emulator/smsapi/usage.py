"""Usage and billing: the ledger of billed segments per Beijing month, and what it costs.

Every billed message adds a row to the ``usage`` table as it is sent. Administrators may add
rows of their own (``source = "seeded"``) to put a month at a tier boundary without sending a
million messages; the cost is always computed from the rows. Chinese mainland segments are
priced with the marginal tiers of :mod:`emulator.smsapi.billing` (CNY); international ones
(rows with a ``country``) are apart, neither pooled with that volume nor priced by its tiers,
at the per-country prices of the sending settings (USD).
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Mapping
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from ..core.clock import Clock
from ..core.store import Store
from .beijing import beijing_month
from .billing import CATEGORIES, category_of, charge
from .settings import INTERNATIONAL_DESTINATIONS

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
    #: An international destination (ISO 3166 alpha-2); none for Chinese mainland usage.
    country: Literal[tuple(sorted(INTERNATIONAL_DESTINATIONS))] | None = None  # type: ignore[valid-type]


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
        country: str | None = None,
    ) -> None:
        """One billed message; ``country`` is the destination of an international one."""
        conn.execute(
            "INSERT INTO usage (month, template_type, segments, messages, source, sms_msg_id,"
            " recorded_at, country) VALUES (?, ?, ?, 1, 'sent', ?, ?, ?)",
            (beijing_month(sent_at), template_type, segments, sms_msg_id, sent_at, country),
        )

    def seed(self, seed: UsageSeed) -> None:
        with self._store.transaction() as conn:
            conn.execute(
                "INSERT INTO usage (month, template_type, segments, messages, source,"
                " recorded_at, country) VALUES (?, ?, ?, ?, 'seeded', ?, ?)",
                (
                    seed.month,
                    seed.template_type,
                    seed.segments,
                    seed.messages if seed.messages is not None else seed.segments,
                    self._clock.now(),
                    seed.country,
                ),
            )

    def current_month(self) -> str:
        return beijing_month(self._clock.now())

    def summary(self, month: str, prices: Mapping[str, str]) -> dict[str, Any]:
        """Segments and messages per template type and category, and the cost, of ``month``;
        ``prices`` are the international ones (USD per segment by ISO code)."""
        if not re.match(MONTH_PATTERN, month):
            raise ValueError(f"month {month!r} is not YYYY-MM")
        with self._store.transaction() as conn:
            rows = conn.execute(
                "SELECT template_type, sum(segments) AS segments, sum(messages) AS messages"
                " FROM usage WHERE month = ? AND country IS NULL GROUP BY template_type",
                (month,),
            ).fetchall()
            abroad = conn.execute(
                "SELECT country, sum(segments) AS segments, sum(messages) AS messages"
                " FROM usage WHERE month = ? AND country IS NOT NULL GROUP BY country"
                " ORDER BY country",
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
            "international": _international(abroad, prices),
            "unbilled": {"messages": unbilled["messages"], "segments": unbilled["segments"]},
        }


def _international(rows: list[sqlite3.Row], prices: Mapping[str, str]) -> dict[str, Any]:
    countries: dict[str, Any] = {}
    total = Decimal(0)
    unpriced = 0
    for row in rows:
        price = prices.get(row["country"])
        cost = None
        if price is None:
            unpriced += int(row["segments"])
        else:
            cost = Decimal(price) * int(row["segments"])
            total += cost
        countries[row["country"]] = {
            "segments": int(row["segments"]),
            "messages": int(row["messages"]),
            "price": price,
            "cost": None if cost is None else f"{cost:.4f}",
        }
    return {
        "currency": "USD",
        "countries": countries,
        "cost": f"{total:.4f}",
        "unpriced_segments": unpriced,
    }
