"""Usage and billing (reference §4.8): marginal monthly tiers, computed from recorded usage.

Tier boundaries are reached by recording usage through ``POST /_emulator/usage`` rather than
by sending a million messages; the emulator adds those rows to what sends recorded and prices
the sum, so every expected cost below is worked out here by hand from the price table.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from emulator.smsapi.billing import charge
from harness.emulator import EmulatorProcess
from tests.emulator.api import RawApi
from tests.emulator.sending import (
    ReadyApp,
    SendApi,
    approved_template,
    configure,
    ready_app,
    results,
)

M = 1_000_000


@pytest.mark.parametrize(
    ("segments", "category", "cost"),
    [
        (0, "industry", "0"),
        (1, "industry", "0.065"),
        (M, "industry", "65000"),
        (M + 1, "industry", "65000.060"),
        (3 * M, "industry", "185000"),  # 1M × 0.065 + 2M × 0.060
        (3 * M + 1, "industry", "185000.055"),
        (5 * M, "industry", "295000"),  # the reference's example: + 2M × 0.055
        (M, "promotion", "80000"),
        (M + 1, "promotion", "80000.075"),
        (3 * M + 1, "promotion", "230000.070"),  # 80000 + 150000 + 0.070
    ],
)
def test_tiers_are_marginal(segments: int, category: Any, cost: str) -> None:
    assert sum((tier.cost for tier in charge(segments, category)), Decimal(0)) == Decimal(cost)


def _seed(emu: EmulatorProcess, month: str, template_type: str, segments: int) -> dict[str, Any]:
    body = {"month": month, "template_type": template_type, "segments": segments}
    response = emu.admin.post("/usage", json=body)
    assert response.status_code == 200, response.text
    return dict(response.json())


def _usage(emu: EmulatorProcess, month: str | None = None) -> dict[str, Any]:
    response = emu.admin.get("/usage", params={"month": month} if month else {})
    assert response.status_code == 200, response.text
    return dict(response.json())


def test_verification_codes_and_notifications_pool_promotions_do_not(
    emulator: EmulatorProcess,
) -> None:
    _seed(emulator, "2030-01", "VERIFY_CODE_TYPE", 500_000)
    _seed(emulator, "2030-01", "NOTIFY_TYPE", 500_000)
    _seed(emulator, "2030-01", "PROMOTION_TYPE", 600_000)
    usage = _seed(emulator, "2030-01", "PROMOTION_TYPE", 400_001)
    industry, promotion = usage["categories"]["industry"], usage["categories"]["promotion"]
    assert (industry["segments"], industry["cost"]) == (M, "65000.000")
    assert [t["segments"] for t in industry["tiers"]] == [M, 0, 0]
    assert (promotion["segments"], promotion["cost"]) == (M + 1, "80000.075")
    assert [(t["segments"], t["price"]) for t in promotion["tiers"]] == [
        (M, "0.080"),
        (1, "0.075"),
        (0, "0.070"),
    ]
    assert usage["cost"] == "145000.075"
    assert usage["template_types"]["PROMOTION_TYPE"] == {"segments": M + 1, "messages": M + 1}


def test_the_third_tier_starts_after_three_million(emulator: EmulatorProcess) -> None:
    _seed(emulator, "2030-02", "NOTIFY_TYPE", 1_500_000)
    at_boundary = _seed(emulator, "2030-02", "VERIFY_CODE_TYPE", 1_500_000)
    assert at_boundary["cost"] == "185000.000"
    beyond = _seed(emulator, "2030-02", "NOTIFY_TYPE", 1)
    assert beyond["cost"] == "185000.055"
    assert [t["segments"] for t in beyond["categories"]["industry"]["tiers"]] == [M, 2 * M, 1]
    assert _usage(emulator, "2030-03")["cost"] == "0.000", "months are billed apart"


@pytest.fixture
def shop(emulator: EmulatorProcess, api: RawApi, instant_review: None) -> ReadyApp:
    configure(emulator, report_delay_seconds=0)
    return ready_app(api)


def _this_month() -> str:
    return (datetime.now(UTC) + timedelta(hours=8)).strftime("%Y-%m")


def test_sent_segments_join_the_recorded_usage_of_the_beijing_month(
    emulator: EmulatorProcess, api: RawApi, shop: ReadyApp
) -> None:
    two_segments = approved_template(api, shop, "通" * 70 + "${1}", ["CHARDIGIT"])
    month = _this_month()
    _seed(emulator, month, "NOTIFY_TYPE", M - 1)
    form = {"from": shop.channel, "to": "+8613800000000", "templateId": two_segments}
    [sent] = results(
        SendApi(emulator).post("batchSendSms", shop, form={**form, "templateParas": '["A1"]'})
    )
    assert sent["total"] == 2
    usage = _usage(emulator)
    assert usage["month"] == month
    assert usage["template_types"]["NOTIFY_TYPE"] == {"segments": M + 1, "messages": M}
    assert usage["cost"] == "65000.060"


def test_what_the_platform_stops_is_not_billed(
    emulator: EmulatorProcess, api: RawApi, shop: ReadyApp
) -> None:
    template_id = approved_template(api, shop, "您的订单${1}已发货。", ["CHARDIGIT"])
    emulator.admin.put("/outcomes", json={"numbers": {"+8613800000002": "E200027"}})
    send = SendApi(emulator)
    form = {"from": shop.channel, "templateId": template_id, "templateParas": '["SAME"]'}
    to = "+8613800000000,+8613800000001,+8613800000002,+447911123456"
    statuses = [
        r["status"] for r in results(send.post("batchSendSms", shop, form={**form, "to": to}))
    ]
    assert statuses == ["000000", "000000", "000000", "E200024"]
    for _ in range(2):  # the same content a third time to the same number: MILIMIT
        send.post("batchSendSms", shop, form={**form, "to": "+8613800000000"})
    usage = _usage(emulator)
    billed = usage["template_types"]["NOTIFY_TYPE"]
    assert billed == {"segments": 3, "messages": 3}, "2 + 1 DELIVRD; not E200027, MILIMIT, E200024"
    assert usage["unbilled"] == {"messages": 2, "segments": 2}
    assert usage["cost"] == "0.195"


@pytest.mark.parametrize(
    ("method", "kwargs"),
    [
        ("GET", {"params": {"month": "2024-13"}}),
        ("GET", {"params": {"month": "202401"}}),
        ("POST", {"json": {"month": "2024-01", "template_type": "NOTIFY_TYPE", "segments": 0}}),
        ("POST", {"json": {"month": "2024-01", "template_type": "MARKETING", "segments": 1}}),
        ("POST", {"json": {"month": "January", "template_type": "NOTIFY_TYPE", "segments": 1}}),
        ("POST", {"json": {"template_type": "NOTIFY_TYPE", "segments": 1}}),
    ],
)
def test_bad_usage_requests_are_refused(
    emulator: EmulatorProcess, method: str, kwargs: dict[str, Any]
) -> None:
    response = emulator.admin.request(method, "/usage", **kwargs)
    assert response.status_code == 400, response.text
    assert "error" in response.json()


def test_reset_clears_usage(emulator: EmulatorProcess) -> None:
    _seed(emulator, "2030-04", "NOTIFY_TYPE", 10)
    emulator.reset()
    assert _usage(emulator, "2030-04")["categories"]["industry"]["segments"] == 0


# ---- billing modes and international messages --------------------------------------------------


@pytest.mark.parametrize("mode", ["pay_per_use", "resource_package"])
def test_a_failed_mainland_message_is_billed_by_resource_packages_only(
    emulator: EmulatorProcess, api: RawApi, shop: ReadyApp, mode: str
) -> None:
    configure(emulator, report_delay_seconds=0, billing_mode=mode)
    template_id = approved_template(api, shop, "您的订单${1}已发货。", ["CHARDIGIT"])
    emulator.admin.put("/outcomes", json={"numbers": {"+8613800000001": "UNDELIV"}})
    form = {"from": shop.channel, "templateId": template_id, "templateParas": '["A1"]'}
    form["to"] = "+8613800000000,+8613800000001"
    assert [
        r["status"] for r in results(SendApi(emulator).post("batchSendSms", shop, form=form))
    ] == [
        "000000",
        "000000",
    ]
    usage = _usage(emulator)
    delivered_only = mode == "pay_per_use"
    assert usage["template_types"]["NOTIFY_TYPE"]["messages"] == (1 if delivered_only else 2)
    assert usage["unbilled"]["messages"] == (1 if delivered_only else 0)


@pytest.mark.parametrize("mode", ["pay_per_use", "resource_package"])
def test_international_messages_are_billed_per_country_apart_from_the_mainland_tiers(
    emulator: EmulatorProcess, api: RawApi, mode: str, instant_review: None
) -> None:
    configure(
        emulator,
        report_delay_seconds=0,
        billing_mode=mode,
        international_prices={"GB": "0.0450"},
    )
    world = ready_app(api, name="world", scope="intl")
    template_id = approved_template(
        api, world, "Your parcel ${1} has shipped.", ["CHARDIGIT"], send_country=[44, 65]
    )
    emulator.admin.put("/outcomes", json={"numbers": {"+447911123457": "UNDELIV"}})
    form = {"from": world.intl_channel or "", "templateId": template_id, "templateParas": '["A1"]'}
    form["to"] = "+447911123456,+447911123457,+6581234567"
    sent = results(SendApi(emulator).post("batchSendSms", world, form=form))
    assert [(r["status"], r["countryId"]) for r in sent] == [
        ("000000", "GB"),
        ("000000", "GB"),
        ("000000", "SG"),
    ]
    usage = _usage(emulator)
    # international SMS is billed on sending in every mode, failed or delivered
    assert usage["international"] == {
        "currency": "USD",
        "countries": {
            "GB": {"segments": 2, "messages": 2, "price": "0.0450", "cost": "0.0900"},
            "SG": {"segments": 1, "messages": 1, "price": None, "cost": None},
        },
        "cost": "0.0900",
        "unpriced_segments": 1,
    }
    # and neither pooled with nor priced by the mainland's tiers
    assert usage["categories"]["industry"]["segments"] == 0
    assert usage["cost"] == "0.000"


def test_international_usage_can_be_seeded_and_prices_must_name_destinations(
    emulator: EmulatorProcess,
) -> None:
    body = {"month": "2030-05", "template_type": "NOTIFY_TYPE", "segments": 10, "country": "FR"}
    seeded = emulator.admin.post("/usage", json=body)
    assert seeded.status_code == 200, seeded.text
    assert seeded.json()["international"]["countries"]["FR"]["segments"] == 10
    assert seeded.json()["categories"]["industry"]["segments"] == 0
    mainland = emulator.admin.post("/usage", json={**body, "country": "CN"})
    assert mainland.status_code == 400
    prices = emulator.admin.put("/sending", json={"international_prices": {"CN": "0.01"}})
    assert prices.status_code == 400
    bad = emulator.admin.put("/sending", json={"billing_mode": "free"})
    assert bad.status_code == 400
