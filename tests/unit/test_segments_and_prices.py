"""Segment counting (reference §4.6) and the monthly price tiers (reference §4.8)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from providers import rules
from providers.rules import SegmentCount


@pytest.mark.parametrize(
    ("length", "segments"),
    [(1, 1), (68, 1), (70, 1), (71, 2), (134, 2), (135, 3), (201, 3), (202, 4), (500, 8)],
)
def test_domestic_splits_70_then_67(length: int, segments: int) -> None:
    assert rules.count_segments("中" * length) == SegmentCount(length, segments, "UCS-2")


def test_domestic_counts_the_bracketed_signature() -> None:
    # 【华为云】 counts 5: 65 + 5 = 70 is one segment, 66 + 5 = 71 is two
    assert rules.count_segments("a" * 65, signature_name="华为云").segments == 1
    assert rules.count_segments("a" * 66, signature_name="华为云") == SegmentCount(71, 2, "UCS-2")
    assert rules.count_segments("a" * 66, signature_name="华为云", brackets="GB").characters == 71


def test_domestic_counts_every_character_once() -> None:
    mixed = "订单A1，。 ,.!€"
    assert rules.count_segments(mixed).characters == len(mixed)


@pytest.mark.parametrize(
    ("length", "segments"), [(158, 1), (160, 1), (161, 2), (164, 2), (306, 2), (307, 3), (320, 3)]
)
def test_international_gsm7_splits_160_then_153(length: int, segments: int) -> None:
    assert rules.count_segments("a" * length, "intl") == SegmentCount(length, segments, "GSM-7")


def test_gsm7_extension_characters_count_twice() -> None:
    assert rules.count_segments("€" * 80, "intl") == SegmentCount(160, 1, "GSM-7")
    assert rules.count_segments("{" * 80 + "a", "intl") == SegmentCount(161, 2, "GSM-7")


@pytest.mark.parametrize(("length", "segments"), [(70, 1), (71, 2), (134, 2), (135, 3)])
def test_international_ucs2_splits_70_then_67(length: int, segments: int) -> None:
    text = "é" + "好" + "a" * (length - 2)  # one non-GSM character switches to UCS-2
    assert rules.count_segments(text, "intl") == SegmentCount(length, segments, "UCS-2")


def test_international_messages_carry_no_signature() -> None:
    assert rules.count_segments("a" * 160, "intl", signature_name="Shop").characters == 160


def estimate(content: str, attributes: list[dict[str, Any]], **extra: Any) -> SegmentCount:
    inputs = {"scope": "cn", "template_content": content, "variable_attributes": attributes}
    return rules.estimate_template_segments({**inputs, **extra})


def test_estimates_count_each_variable_at_its_type_maximum() -> None:
    attributes = [
        {"variable_index": i, "variable_type": kind}
        for i, kind in enumerate(rules.VARIABLE_TYPES, start=1)
    ]
    content = "，".join(f"${{{i}}}" for i in range(1, 8)) + "。"
    expected = sum(rules.VARIABLE_MAX_LENGTH.values()) + 7
    assert estimate(content, attributes).characters == expected
    assert rules.VARIABLE_MAX_LENGTH["PHONE"] == 15
    assert rules.VARIABLE_MAX_LENGTH["TEXT"] == 20


def test_estimates_count_a_verification_code_at_8_at_most() -> None:
    code = [{"variable_index": 1, "variable_type": "CHARDIGIT"}]
    count = estimate("验证码${1}。", code, template_type="VERIFY_CODE_TYPE")
    assert count.characters == 3 + 8 + 1


def test_estimates_count_legacy_variables_as_the_console_does() -> None:
    legacy = [{"variable_index": 1, "variable_type": "TEXT", "variable_desc": "x"}]
    assert estimate("名称${TXT_20}。", legacy).characters == 3


def test_estimates_add_the_signature() -> None:
    attributes = [{"variable_index": 1, "variable_type": "CHARDIGIT"}]
    base = estimate("订单${1}已发货。", attributes)
    signed = estimate("订单${1}已发货。", attributes, signature_name="云商城")
    assert signed.characters == base.characters + 5
    override = rules.estimate_template_segments(
        {"scope": "cn", "template_content": "订单${1}", "variable_attributes": attributes},
        signature_name="长长长长长长长长",
    )
    assert override.characters == 2 + 20 + 10


def test_international_estimates_stay_gsm7() -> None:
    attributes = [{"variable_index": 1, "variable_type": "CHARDIGIT"}]
    count = estimate("Your code is ${1}.", attributes, scope="intl")
    assert count == SegmentCount(13 + 20 + 1, 1, "GSM-7")


def test_price_category_pools_verification_codes_with_notifications() -> None:
    assert rules.price_category("VERIFY_CODE_TYPE") == "industry"
    assert rules.price_category("NOTIFY_TYPE") == "industry"
    assert rules.price_category("PROMOTION_TYPE") == "promotion"


def test_cost_per_10000_messages_at_each_tier() -> None:
    assert rules.tier_costs(1, "NOTIFY_TYPE") == {
        "≤1M": Decimal("650"),
        "1M–3M": Decimal("600"),
        ">3M": Decimal("550"),
    }
    assert rules.tier_costs(2, "PROMOTION_TYPE", messages=100) == {
        "≤1M": Decimal("16"),
        "1M–3M": Decimal("15"),
        ">3M": Decimal("14"),
    }


@pytest.mark.parametrize(
    ("segments", "category", "cost"),
    [
        (0, "industry", "0"),
        (1, "industry", "0.065"),
        (1_000_000, "industry", "65000"),
        (1_000_001, "industry", "65000.060"),
        (3_000_000, "industry", "185000"),  # 65,000 + 2M * 0.060
        (3_000_001, "industry", "185000.055"),
        (4_000_000, "industry", "240000"),  # the reference's example: 1M*.065 + 2M*.060 + 1M*.055
        (1_000_000, "promotion", "80000"),
        (4_000_000, "promotion", "300000"),  # 80,000 + 150,000 + 70,000
    ],
)
def test_monthly_cost_is_marginal(segments: int, category: str, cost: str) -> None:
    assert rules.monthly_cost(segments, category) == Decimal(cost)


def test_usage_cost_pools_industry_and_keeps_promotion_apart() -> None:
    # 600k codes + 600k notices cross the 1M boundary together; 600k promotions do not
    cost = rules.usage_cost(
        {"VERIFY_CODE_TYPE": 600_000, "NOTIFY_TYPE": 600_000, "PROMOTION_TYPE": 600_000}
    )
    industry = Decimal("65000") + 200_000 * Decimal("0.060")
    promotion = 600_000 * Decimal("0.080")
    assert cost == industry + promotion
