"""The review engine: decisions after the delay, rejection rules, manual decisions."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import pytest

from harness.emulator import EmulatorProcess, start_emulator
from tests.emulator.api import RawApi, template_body
from tests.emulator.conftest import set_review


def _advance(emu: EmulatorProcess, api: RawApi, seconds: float) -> None:
    """Move the emulator's clock forward instead of sleeping (the client signs by it)."""
    current = emu.admin.get("/clock").json()["offset_seconds"]
    emu.admin.put("/clock", json={"offset_seconds": current + seconds}).raise_for_status()
    api.clock_offset = current + seconds


def test_submissions_are_approved_after_the_delay(emulator: EmulatorProcess, api: RawApi) -> None:
    set_review(emulator, "auto", 60)
    app = api.create_app()
    signature = api.create_signature(app["id"])
    template = api.create_template(app["id"], signature["id"])
    _advance(emulator, api, 59)
    assert api.signature(signature["id"])["status"] == "PENDING_REVIEW"
    assert api.template(template["id"])["flow_status"] == "Reviewing"
    _advance(emulator, api, 2)
    approved = api.signature(signature["id"])
    assert approved["status"] == "REVIEW_PROCESSING_COMPLETED" and approved["channel_num"]
    adopted = api.template(template["id"])
    assert adopted["flow_status"] == "Adopted" and adopted["template_id"]


def test_the_background_ticker_decides_without_any_request(tmp_path: Path) -> None:
    with start_emulator(tmp_path, "--review-delay", "0.2") as emu:
        api = RawApi(emu)
        signature = api.create_signature(api.create_app()["id"])
        database = sqlite3.connect(f"file:{emu.data_dir / 'emulator.db'}?mode=ro", uri=True)
        status = "PENDING_REVIEW"
        deadline = time.monotonic() + 30
        while status == "PENDING_REVIEW" and time.monotonic() < deadline:
            time.sleep(0.1)
            row = database.execute(
                "SELECT status FROM signatures WHERE id = ?", (signature["id"],)
            ).fetchone()
            status = row[0]
        database.close()
        api.close()
        assert status == "REVIEW_PROCESSING_COMPLETED"


@pytest.mark.parametrize(
    ("kind", "content", "reason"),
    [
        ("VERIFY_CODE_TYPE", "您的号码为${1}，请勿泄露。", "验证码"),
        ("VERIFY_CODE_TYPE", "您的验证码为${1}，订单${2}。", "exactly one variable"),
        ("VERIFY_CODE_TYPE", "验证码${1}，详见https://x.example", "links"),
        ("PROMOTION_TYPE", "全场五折，欢迎光临${1}。", "拒收请回复R"),
        ("NOTIFY_TYPE", "【云商城】您的订单${1}已发货。", "【】"),
        ("NOTIFY_TYPE", "订单${1}${2}已发货。", "separated by text"),
        ("NOTIFY_TYPE", "${1}", "variables only"),
        ("NOTIFY_TYPE", "通知" + "好" * 476 + "${1}", "limit is 500"),
    ],
)
def test_templates_that_break_the_rules_are_rejected(
    emulator: EmulatorProcess, api: RawApi, kind: str, content: str, reason: str
) -> None:
    set_review(emulator, "auto", 0)
    app = api.create_app()
    signature = api.create_signature(app["id"], "云商城", kind)
    template = api.create_template(app["id"], signature["id"], content=content, kind=kind)
    decided = api.template(template["id"])
    assert decided["flow_status"] == "Reject" and decided["template_id"] is None
    assert reason in decided["review_desc"]


@pytest.mark.parametrize(
    ("kind", "content"),
    [
        ("VERIFY_CODE_TYPE", "您的验证码为${1}，5分钟内有效，请勿泄露。"),
        ("PROMOTION_TYPE", "会员日全场五折，详询${1}。拒收请回复R"),
        ("NOTIFY_TYPE", "您的订单${1}已发货，预计${2}送达。"),
    ],
)
def test_templates_that_keep_the_rules_are_approved(
    emulator: EmulatorProcess, api: RawApi, kind: str, content: str
) -> None:
    set_review(emulator, "auto", 0)
    app = api.create_app()
    signature = api.create_signature(app["id"], "云商城", kind)
    template = api.create_template(app["id"], signature["id"], content=content, kind=kind)
    assert api.template(template["id"])["flow_status"] == "Adopted"


def test_an_all_digit_signature_name_is_rejected(emulator: EmulatorProcess, api: RawApi) -> None:
    set_review(emulator, "auto", 0)
    app = api.create_app()
    digits = api.create_signature(app["id"], "12345")
    decided = api.signature(digits["id"])
    assert decided["status"] == "REVIEW_NOT_PASS" and "digits" in decided["review_desc"]
    assert decided["channel_num"] is None
    mixed = api.create_signature(app["id"], "商城12345")
    assert api.signature(mixed["id"])["status"] == "REVIEW_PROCESSING_COMPLETED"


@pytest.mark.parametrize(
    ("name", "reason"),
    [("云", "2-32 characters"), ("【云商城】", "Chinese characters, letters and digits")],
)
def test_signature_names_that_break_the_naming_rules_are_submitted_then_rejected(
    emulator: EmulatorProcess, api: RawApi, name: str, reason: str
) -> None:
    set_review(emulator, "auto", 0)
    created = api.create_signature(api.create_app()["id"], name)
    decided = api.signature(created["id"])
    assert (decided["signature_name"], decided["status"]) == (name, "REVIEW_NOT_PASS")
    assert reason in decided["review_desc"]


def test_a_template_waits_for_its_signature(emulator: EmulatorProcess, api: RawApi) -> None:
    set_review(emulator, "manual")
    app = api.create_app()
    signature = api.create_signature(app["id"])
    set_review(emulator, "auto", 0)
    # the signature was submitted while reviews were manual: it is now due after the delay 0
    template = api.create_template(app["id"], signature["id"])
    assert api.template(template["id"])["flow_status"] == "Adopted"

    set_review(emulator, "manual")
    rejected_sig = api.create_signature(app["id"], "另一家店")
    waiting = api.create_template(app["id"], rejected_sig["id"], name="waiting")
    set_review(emulator, "auto", 3600)
    emulator.admin.post(
        f"/signatures/{rejected_sig['id']}/review", json={"decision": "reject", "review_desc": "x"}
    ).raise_for_status()
    _advance(emulator, api, 3601)
    decided = api.template(waiting["id"])
    assert decided["flow_status"] == "Reject" and "was not approved" in decided["review_desc"]


def _pending_pair(emu: EmulatorProcess, api: RawApi) -> tuple[str, str, str]:
    """App, signature and template ids, both under manual review."""
    set_review(emu, "manual")
    app = api.create_app()
    signature = api.create_signature(app["id"])
    template = api.create_template(app["id"], signature["id"])
    return app["id"], signature["id"], template["id"]


def test_a_pending_signature_holds_its_template_back(
    emulator: EmulatorProcess, api: RawApi
) -> None:
    app_id, signature_id, template_id = _pending_pair(emulator, api)
    emulator.admin.post(f"/templates/{template_id}/review", json={"decision": "reject"})
    api.ok("PUT", f"/templates/{template_id}", json_body=template_body(app_id, signature_id))
    set_review(emulator, "auto", 0)
    # both are due now; the signature is decided first, then its template
    assert api.template(template_id)["flow_status"] == "Adopted"
    assert api.signature(signature_id)["status"] == "REVIEW_PROCESSING_COMPLETED"


def test_deleting_the_signature_rejects_its_pending_template(
    emulator: EmulatorProcess, api: RawApi
) -> None:
    _, signature_id, template_id = _pending_pair(emulator, api)
    api.ok("DELETE", f"/signatures/{signature_id}")
    set_review(emulator, "auto", 0)
    decided = api.template(template_id)
    assert decided["flow_status"] == "Reject" and "no longer exists" in decided["review_desc"]


def test_manual_mode_waits_for_an_admin_decision(emulator: EmulatorProcess, api: RawApi) -> None:
    set_review(emulator, "manual")
    assert emulator.admin.get("/review-policy").json() == {
        "mode": "manual",
        "delay_seconds": 0.0,
        "reviewing_templates_deletable": False,
    }
    app = api.create_app()
    signature = api.create_signature(app["id"])
    _advance(emulator, api, 86400)
    assert api.signature(signature["id"])["status"] == "PENDING_REVIEW"
    decided = emulator.admin.post(
        f"/signatures/{signature['id']}/review",
        json={"decision": "reject", "review_desc": "资质不全"},
    )
    assert decided.status_code == 200
    assert decided.json() == api.signature(signature["id"])
    assert decided.json()["review_desc"] == "资质不全"


def test_admin_review_errors(emulator: EmulatorProcess, api: RawApi) -> None:
    missing = emulator.admin.post("/templates/nope/review", json={"decision": "approve"})
    assert missing.status_code == 404 and "nope" in missing.json()["error"]
    app = api.create_app()
    signature = api.create_signature(app["id"])
    template = api.create_template(app["id"], signature["id"])
    wrong = emulator.admin.post(
        f"/templates/{template['id']}/review",
        json={"decision": "approve", "status": "TO_BE_ACTIVATED"},
    )
    assert wrong.status_code == 400 and "signature only" in wrong.json()["error"]
    bad = emulator.admin.post(f"/signatures/{signature['id']}/review", json={"decision": "maybe"})
    assert bad.status_code == 400 and "decision" in bad.json()["error"]
    policy = emulator.admin.put("/review-policy", json={"mode": "auto", "delay_seconds": -1})
    assert policy.status_code == 400 and "delay_seconds" in policy.json()["error"]
