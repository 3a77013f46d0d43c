"""Rules for apps and signatures (reference §1.3)."""

from __future__ import annotations

from typing import Any

import pytest

from providers import rules
from providers.rules import UNKNOWN, Problem


def app(**changes: Any) -> dict[str, Any]:
    inputs = {"region": "cn-north-4", "app_name": "shop-notify", "scope": "cn"}
    inputs.update(changes)
    return {k: v for k, v in inputs.items() if v is not None}


def signature(**changes: Any) -> dict[str, Any]:
    inputs = {
        "region": "cn-north-4",
        "app_id": "9e61f59c-1a6b-4ee5-9651-5bca450694b3",
        "signature_name": "云商城",
        "signature_type": "NOTIFY_TYPE",
        "signature_source": 0,
        "is_involved_third": "No",
    }
    inputs.update(changes)
    return {k: v for k, v in inputs.items() if v is not None}


def test_a_complete_app_passes() -> None:
    full = app(
        up_link_addr="https://hooks.example.com/sms/up",
        enterprise_project_id="0",
        enterprise_project_name="default",
        adopt=True,
    )
    assert rules.check_app(full) == []


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        (
            {"region": "cn-north-1"},
            Problem(
                "region", "must be one of cn-north-4, cn-south-1, ap-southeast-1 (got 'cn-north-1')"
            ),
        ),
        ({"region": None}, Problem("region", "is required")),
        ({"app_name": None}, Problem("app_name", "is required")),
        ({"app_name": "   "}, Problem("app_name", "must not be blank")),
        ({"app_name": "a" * 65}, Problem("app_name", "must be 64 characters at most (got 65)")),
        (
            {"app_name": "shop notify"},
            Problem("app_name", "may contain only Chinese characters, letters, digits and _ . - @"),
        ),
        ({"app_name": 42}, Problem("app_name", "must be a string, got 42")),
        ({"scope": "CN"}, Problem("scope", "must be one of cn, intl (got 'CN')")),
        (
            {"up_link_addr": "hooks.example.com/up"},
            Problem(
                "up_link_addr",
                "must be an http:// or https:// URL that receives uplink (MO) messages",
            ),
        ),
        (
            {"up_link_addr": "https://h.example.com/" + "x" * 110},
            Problem("up_link_addr", "must be 128 characters at most (got 132)"),
        ),
        (
            {"enterprise_project_id": "x" * 65},
            Problem("enterprise_project_id", "must be 64 characters at most (got 65)"),
        ),
        ({"enterprise_project_name": ""}, Problem("enterprise_project_name", "must not be blank")),
        ({"adopt": "yes"}, Problem("adopt", "must be true or false, got 'yes'")),
    ],
)
def test_app_rules(changes: dict[str, Any], expected: Problem) -> None:
    assert rules.check_app(app(**changes)) == [expected]


def test_app_names_may_use_chinese_and_the_documented_symbols() -> None:
    assert rules.check_app(app(app_name="云商城_notify.v2-prod@cn")) == []


def test_uplink_is_domestic_only() -> None:
    problems = rules.check_app(app(scope="intl", up_link_addr="https://h.example.com/up"))
    assert problems == [
        Problem(
            "up_link_addr", "is only for scope cn (domestic); remove it (the scope here is intl)"
        )
    ]


def test_a_complete_signature_passes() -> None:
    full = signature(
        is_involved_third="Yes",
        power_attorney_file_id="f" * 40,
        file_id="e" * 40,
        apply_desc="order notices",
        qualification_id="Q-2024_01",
        source_title_content="",
        wait_for="approved",
        wait_timeout=300,
        adopt=False,
    )
    assert rules.check_signature(full) == []


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"signature_name": "云"}, [Problem("signature_name", "must be 2–32 characters (got 1)")]),
        (
            {"signature_name": "云" * 33},
            [Problem("signature_name", "must be 2–32 characters (got 33)")],
        ),
        ({"signature_name": "12345"}, [Problem("signature_name", "must not be all digits")]),
        (
            {"signature_name": "【云商城】"},
            [
                Problem(
                    "signature_name",
                    "may contain only Chinese characters, letters and digits; "
                    "do not type 【】, the platform adds them",
                )
            ],
        ),
        (
            {"signature_name": "Cloud Shop"},
            [
                Problem(
                    "signature_name",
                    "may contain only Chinese characters, letters and digits; "
                    "do not type 【】, the platform adds them",
                )
            ],
        ),
        (
            {"signature_type": "NOTICE"},
            [
                Problem(
                    "signature_type",
                    "must be one of VERIFY_CODE_TYPE, NOTIFY_TYPE, PROMOTION_TYPE (got 'NOTICE')",
                )
            ],
        ),
        (
            {"signature_source": 6},
            [Problem("signature_source", "must be one of 0, 1, 2, 3, 4, 5 (got 6)")],
        ),
        ({"signature_source": "0"}, [Problem("signature_source", "must be an integer, got '0'")]),
        ({"signature_source": True}, [Problem("signature_source", "must be an integer, got True")]),
        (
            {"is_involved_third": "yes"},
            [Problem("is_involved_third", "must be one of Yes, No (got 'yes')")],
        ),
        (
            {"is_involved_third": "Yes"},
            [
                Problem(
                    "power_attorney_file_id",
                    "is required for a signature that involves a third party: "
                    "upload the power of attorney",
                )
            ],
        ),
        (
            {"apply_desc": "x" * 101},
            [Problem("apply_desc", "must be 100 characters at most (got 101)")],
        ),
        (
            {"qualification_id": "Q 1"},
            [Problem("qualification_id", "may contain only letters, digits, _ and -")],
        ),
        (
            {"source_title_content": "x" * 513},
            [Problem("source_title_content", "must be 512 characters at most (got 513)")],
        ),
        (
            {"wait_for": "review"},
            [Problem("wait_for", "must be one of none, approved (got 'review')")],
        ),
        (
            {"wait_timeout": 0},
            [Problem("wait_timeout", "must be a positive number of seconds, got 0")],
        ),
        ({"app_id": None}, [Problem("app_id", "is required")]),
    ],
)
def test_signature_rules(changes: dict[str, Any], expected: list[Problem]) -> None:
    assert rules.check_signature(signature(**changes)) == expected


def test_signature_names_are_case_sensitive_letters_and_digits() -> None:
    assert rules.check_signature(signature(signature_name="ABC001")) == []


def test_integers_that_travelled_as_floats_are_accepted() -> None:
    # the Pulumi engine hands numbers back as floats (1 -> 1.0)
    assert rules.check_signature(signature(signature_source=2.0)) == []


def test_unknown_values_are_present_but_not_checked() -> None:
    unknown = signature(app_id=UNKNOWN, signature_name=UNKNOWN, signature_type=UNKNOWN)
    assert rules.check_signature(unknown) == []


def test_pulumi_unknown_is_recognised() -> None:
    from pulumi.output import UNKNOWN as PULUMI_UNKNOWN

    assert rules.is_unknown(PULUMI_UNKNOWN)
    assert rules.check_signature(signature(app_id=PULUMI_UNKNOWN)) == []
    assert not rules.is_unknown(None)
    assert not rules.is_unknown("x")


def test_every_problem_is_reported_at_once() -> None:
    problems = rules.check_signature(
        {"region": "eu", "signature_name": "1", "signature_type": "X", "signature_source": 9}
    )
    assert {p.property for p in problems} == {
        "region",
        "app_id",
        "signature_name",
        "signature_type",
        "signature_source",
        "is_involved_third",
    }
    assert Problem("signature_name", "must not be all digits") in problems


def test_check_dispatches_by_kind() -> None:
    assert rules.check("app", app(scope="x")) == [
        Problem("scope", "must be one of cn, intl (got 'x')")
    ]
    assert rules.check("signature", signature()) == []
