"""Prices of the send side (reference §4.8): CNY per segment, monthly, marginal tiers.

Verification codes and notifications share one volume ("industry" SMS); promotions have their
own. Each band of a month's volume is charged at its own price: 1,000,001 industry segments
cost ``1,000,000 × 0.065 + 1 × 0.060``.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

__all__ = ["CATEGORIES", "TIERS", "Category", "TierCharge", "category_of", "charge"]

Category = Literal["industry", "promotion"]
CATEGORIES: tuple[Category, ...] = ("industry", "promotion")


@dataclass(frozen=True)
class _Tier:
    up_to: int | None  # monthly segments, inclusive; None for the open top band
    industry: Decimal
    promotion: Decimal


TIERS: tuple[_Tier, ...] = (
    _Tier(1_000_000, Decimal("0.065"), Decimal("0.080")),
    _Tier(3_000_000, Decimal("0.060"), Decimal("0.075")),
    _Tier(None, Decimal("0.055"), Decimal("0.070")),
)


def category_of(template_type: str) -> Category:
    return "promotion" if template_type == "PROMOTION_TYPE" else "industry"


@dataclass(frozen=True)
class TierCharge:
    """The part of a month's volume that falls in one band, and what it costs."""

    up_to: int | None
    price: Decimal
    segments: int

    @property
    def cost(self) -> Decimal:
        return self.price * self.segments


def charge(segments: int, category: Category) -> list[TierCharge]:
    """A month's ``segments`` of one category split over the bands, lowest first."""
    charges = []
    below = 0
    for tier in TIERS:
        top = segments if tier.up_to is None else min(segments, tier.up_to)
        price = tier.promotion if category == "promotion" else tier.industry
        charges.append(TierCharge(tier.up_to, price, max(0, top - below)))
        if tier.up_to is not None:
            below = tier.up_to
    return charges
