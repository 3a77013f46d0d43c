"""How long a template's messages get (reference §4.6) and what they cost (reference §4.8)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal, NamedTuple

from providers.spec.vocabulary import VARIABLE_MAX_LENGTH, VERIFY_CODE_MAX_LENGTH

from .values import as_int
from .variables import template_variables

__all__ = [
    "PRICE_TIERS",
    "PriceTier",
    "SegmentCount",
    "bracketed",
    "count_segments",
    "estimate_template_segments",
    "longest_content",
    "monthly_cost",
    "price_category",
    "tier_costs",
    "usage_cost",
]

_BRACKETS = {"CN": ("【", "】"), "GB": ("[", "]")}


def bracketed(signature_name: str, brackets: Any) -> str:
    """The signature as the platform prepends it: 【name】 or [name]."""
    left, right = _BRACKETS.get(brackets if isinstance(brackets, str) else "CN", _BRACKETS["CN"])
    return f"{left}{signature_name}{right}"


# GSM 03.38: the basic set counts 1, the extension set 2 (escape + char); anything else makes
# the whole message UCS-2.
_GSM7_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
_GSM7_EXTENSION = set("\f^{}\\[~]|€")


class SegmentCount(NamedTuple):
    """How a message splits: its counted length, its segments and the encoding used."""

    characters: int
    segments: int
    encoding: Literal["UCS-2", "GSM-7"]


def _split(characters: int, single: int, part: int) -> int:
    return 1 if characters <= single else math.ceil(characters / part)


def count_segments(
    text: str,
    scope: str = "cn",
    *,
    signature_name: str | None = None,
    brackets: str | None = None,
) -> SegmentCount:
    """Segments of a concrete message (reference §4.6).

    Domestic: every character counts 1, the bracketed signature included; ≤ 70 is one
    segment, longer messages are 67 per segment. International: all-GSM-7 text counts the
    extension characters ``^ { } \\ [ ~ ] | €`` twice (the common industry rule) and splits
    160/153; any other character makes it UCS-2, split 70/67.
    """
    if scope == "cn":
        signature = bracketed(signature_name, brackets) if signature_name else ""
        characters = len(signature) + len(text)
        return SegmentCount(characters, _split(characters, 70, 67), "UCS-2")
    if all(c in _GSM7_BASIC or c in _GSM7_EXTENSION for c in text):
        characters = sum(2 if c in _GSM7_EXTENSION else 1 for c in text)
        return SegmentCount(characters, _split(characters, 160, 153), "GSM-7")
    return SegmentCount(len(text), _split(len(text), 70, 67), "UCS-2")


def longest_content(inputs: Mapping[str, Any], *, console: bool) -> str:
    """The content with every variable filled with its longest value (``x`` characters).

    A variable takes the maximum of its type in ``variable_attributes``
    (:data:`VARIABLE_MAX_LENGTH`; TEXT when undescribed), a verification code 8 at most.
    With ``console``, a legacy ``${TXT_n}``/``${NUM_n}``/``${DATE}``/``${TIME}`` variable
    counts 0, as the reference's FAQ says the console's split estimate does.
    """
    content = inputs["template_content"]
    kinds: dict[int, Any] = {}
    attributes = inputs.get("variable_attributes")
    for item in attributes if isinstance(attributes, list | tuple) else ():
        index = as_int(item.get("variable_index")) if isinstance(item, Mapping) else None
        if index is not None:
            kinds[index] = item.get("variable_type")
    pieces = []
    position = 0
    for var in template_variables(content):
        pieces.append(content[position : var.start])
        kind = kinds.get(var.index)
        length = VARIABLE_MAX_LENGTH.get(kind if isinstance(kind, str) else "TEXT", 20)
        if inputs.get("template_type") == "VERIFY_CODE_TYPE":
            length = min(length, VERIFY_CODE_MAX_LENGTH)
        if console and var.style == "legacy":
            length = 0
        pieces.append("x" * length)
        position = var.end
    pieces.append(content[position:])
    return "".join(pieces)


def estimate_template_segments(
    inputs: Mapping[str, Any], *, signature_name: str | None = None
) -> SegmentCount:
    """The most segments a message from this template can take.

    Each variable counts at the longest value of its type (:data:`VARIABLE_MAX_LENGTH`; a
    verification code at 8 at most), and a legacy ``${TXT_n}``/``${NUM_n}``/``${DATE}``/
    ``${TIME}`` variable at 0, as the reference's FAQ says the console counts. Variable values
    are assumed to be GSM-7 text in international messages. ``signature_name`` overrides the
    template's own (e.g. the longest signature a universal template may be sent with).
    """
    name = signature_name or inputs.get("signature_name")
    return count_segments(
        longest_content(inputs, console=True),
        inputs.get("scope", "cn"),
        signature_name=name if isinstance(name, str) else None,
        brackets=inputs.get("brackets"),
    )


# --------------------------------------------------------------------------------------------
# Prices (reference §4.8): CNY per segment, monthly, marginal tiers


@dataclass(frozen=True)
class PriceTier:
    """A monthly volume band and its price per segment for each category."""

    name: str
    up_to: int | None  # segments per month, inclusive; None for the last band
    industry: Decimal  # verification codes and notifications, pooled
    promotion: Decimal

    def price(self, category: str) -> Decimal:
        return self.promotion if category == "promotion" else self.industry


PRICE_TIERS = (
    PriceTier("≤1M", 1_000_000, Decimal("0.065"), Decimal("0.080")),
    PriceTier("1M–3M", 3_000_000, Decimal("0.060"), Decimal("0.075")),
    PriceTier(">3M", None, Decimal("0.055"), Decimal("0.070")),
)


def price_category(template_type: str | None) -> Literal["industry", "promotion"]:
    """Verification codes and notifications share the "industry" volume; promotions do not."""
    return "promotion" if template_type == "PROMOTION_TYPE" else "industry"


def tier_costs(
    segments: int, template_type: str | None, messages: int = 10_000
) -> dict[str, Decimal]:
    """Cost in CNY of ``messages`` messages of ``segments`` segments at each tier's price."""
    category = price_category(template_type)
    return {tier.name: tier.price(category) * segments * messages for tier in PRICE_TIERS}


def monthly_cost(segments: int, category: str) -> Decimal:
    """Cost in CNY of a month's segments of one category, each band at its own price."""
    cost = Decimal(0)
    floor = 0
    for tier in PRICE_TIERS:
        ceiling = segments if tier.up_to is None else min(segments, tier.up_to)
        if ceiling > floor:
            cost += (ceiling - floor) * tier.price(category)
        if tier.up_to is None or segments <= tier.up_to:
            break
        floor = tier.up_to
    return cost


def usage_cost(segments_by_type: Mapping[str, int]) -> Decimal:
    """A month's cost from segments per template type, pooling the industry categories."""
    pooled: dict[str, int] = {}
    for template_type, segments in segments_by_type.items():
        category = price_category(template_type)
        pooled[category] = pooled.get(category, 0) + segments
    return sum((monthly_cost(n, category) for category, n in pooled.items()), Decimal(0))
