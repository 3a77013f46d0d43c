"""Lifecycle rules and limits of reference §1.4 and §6."""

from __future__ import annotations

from typing import Any

import pytest

from harness.emulator import EmulatorProcess
from tests.emulator.api import RawApi, error_of, signature_body, template_body

pytestmark = pytest.mark.usefixtures("manual_review")


def _decide(emu: EmulatorProcess, kind: str, object_id: str, decision: str, **extra: Any) -> Any:
    response = emu.admin.post(f"/{kind}/{object_id}/review", json={"decision": decision, **extra})
    assert response.status_code == 200, response.text
    return response.json()


def test_two_apps_per_scope_and_region_by_default(emulator: EmulatorProcess, api: RawApi) -> None:
    api.create_app("one")
    api.create_app("two")
    refused = api.send("POST", "/apps", json_body={"app_name": "three", "region": "cn"})
    assert error_of(refused) == "MSGSMS.0002"
    assert "app quota reached: 2 of 2 cn apps" in refused.json()["error_detail"]
    assert api.ok("GET", "/apps-count", params=[("region", "cn")]) == {"total": 2, "used": 2}
    assert api.ok("GET", "/apps-count", params=[("region", "intl")]) == {"total": 2, "used": 0}
    api.create_app("world", "intl")
    south = RawApi(emulator, "cn-south-1")
    assert south.create_app("one")["app_name"] == "one"  # quotas are per region
    south.close()
    emulator.admin.put(
        "/quotas", json={"apps_per_region": 3, "signatures_per_app": 200, "templates_per_app": 2000}
    ).raise_for_status()
    assert api.create_app("three")["app_name"] == "three"
    assert api.ok("GET", "/apps-count", params=[("region", "cn")]) == {"total": 3, "used": 3}


def test_app_updates_keep_the_region_and_may_clear_the_uplink(api: RawApi) -> None:
    app = api.create_app(up_link_addr="https://hooks.example.com/up")
    body = {"app_name": "renamed", "region": "cn"}
    assert api.ok("PUT", f"/apps/{app['id']}", json_body=body)["app_name"] == "renamed"
    kept = api.ok("GET", f"/apps/{app['id']}")
    assert kept["up_link_addr"] == "https://hooks.example.com/up"
    api.ok("PUT", f"/apps/{app['id']}", json_body={**body, "up_link_addr": ""})
    assert api.ok("GET", f"/apps/{app['id']}")["up_link_addr"] is None
    moved = api.send("PUT", f"/apps/{app['id']}", json_body={**body, "region": "intl"})
    assert error_of(moved) == "MSGSMS.0002" and "cannot change" in moved.json()["error_detail"]
    missing = api.send("PUT", "/apps/nope", json_body=body)
    assert error_of(missing) == "MSGSMS.0014"


def test_signature_name_and_type_are_unique_in_the_account_region(api: RawApi) -> None:
    first, second = api.create_app("one"), api.create_app("two")
    api.create_signature(first["id"], "云商城", "NOTIFY_TYPE")
    duplicate = api.send("POST", "/signatures", json_body=signature_body(second["id"]))
    assert error_of(duplicate) == "MSGSMS.0006"
    other_type = signature_body(second["id"], signature_type="VERIFY_CODE_TYPE")
    assert api.ok("POST", "/signatures", json_body=other_type)["signature_name"] == "云商城"
    case_differs = signature_body(second["id"], signature_name="ABC001")
    api.ok("POST", "/signatures", json_body=case_differs)
    assert api.ok("POST", "/signatures", json_body={**case_differs, "signature_name": "abc001"})


def test_per_app_quotas_of_signatures_and_templates(emulator: EmulatorProcess, api: RawApi) -> None:
    emulator.admin.put(
        "/quotas", json={"apps_per_region": 2, "signatures_per_app": 2, "templates_per_app": 1}
    ).raise_for_status()
    app = api.create_app()
    signature = api.create_signature(app["id"], "签名甲")
    api.create_signature(app["id"], "签名乙")
    third = api.send(
        "POST", "/signatures", json_body=signature_body(app["id"], signature_name="签名丙")
    )
    assert error_of(third) == "MSGSMS.0002" and "2 of 2 signatures" in third.text
    api.create_template(app["id"], signature["id"])
    body = template_body(app["id"], signature["id"], template_name="again")
    refused = api.send("POST", "/templates", json_body=body)
    assert error_of(refused) == "MSGSMS.0002" and "1 of 1 templates" in refused.text
    emulator.reset()
    assert emulator.admin.get("/quotas").json() == {
        "apps_per_region": 2,
        "signatures_per_app": 200,
        "templates_per_app": 2000,
    }


def test_a_signature_changes_only_while_rejected_and_the_change_resubmits(
    emulator: EmulatorProcess, api: RawApi
) -> None:
    app = api.create_app()
    signature = api.create_signature(app["id"])
    body = signature_body(app["id"], apply_desc="second try")
    pending = api.send("PUT", f"/signatures/{signature['id']}", json_body=body)
    assert error_of(pending) == "MSGSMS.0007" and "PENDING_REVIEW" in pending.text
    rejected = _decide(emulator, "signatures", signature["id"], "reject", review_desc="no licence")
    assert (rejected["status"], rejected["review_desc"]) == ("REVIEW_NOT_PASS", "no licence")
    assert rejected["channel_num"] is None
    api.ok("PUT", f"/signatures/{signature['id']}", json_body=body)
    again = api.signature(signature["id"])
    assert (again["status"], again["review_desc"], again["apply_desc"]) == (
        "PENDING_REVIEW",
        None,
        "second try",
    )
    approved = _decide(emulator, "signatures", signature["id"], "approve")
    assert approved["status"] == "REVIEW_PROCESSING_COMPLETED"
    assert approved["channel_num"] and approved["channel_num"].isdigit()
    refused = api.send("PUT", f"/signatures/{signature['id']}", json_body=body)
    assert error_of(refused) == "MSGSMS.0007"
    moved = api.send(
        "PUT",
        f"/signatures/{signature['id']}",
        json_body={**body, "app_id": api.create_app("b")["id"]},
    )
    assert error_of(moved) == "MSGSMS.0002"


def test_only_a_to_be_activated_signature_applies_for_activation(
    emulator: EmulatorProcess, api: RawApi
) -> None:
    app = api.create_app()
    signature = api.create_signature(app["id"])
    early = api.send("PUT", f"/signatures/{signature['id']}/active")
    assert error_of(early) == "MSGSMS.0002" and "TO_BE_ACTIVATED" in early.text
    _decide(emulator, "signatures", signature["id"], "approve", status="TO_BE_ACTIVATED")
    response = api.send("PUT", f"/signatures/{signature['id']}/active")
    assert (response.status_code, response.content) == (200, b"")
    assert api.signature(signature["id"])["status"] == "PENDING_ACTIVATE"
    emulator.admin.put("/review-policy", json={"mode": "auto", "delay_seconds": 0})
    assert api.signature(signature["id"])["status"] == "REVIEW_PROCESSING_COMPLETED"


def test_signatures_belong_to_cn_apps(api: RawApi) -> None:
    world = api.create_app("world", "intl")
    refused = api.send("POST", "/signatures", json_body=signature_body(world["id"]))
    assert error_of(refused) == "MSGSMS.0002" and "intl app" in refused.text


def test_template_ids_come_with_approval_and_changes_need_a_rejection(
    emulator: EmulatorProcess, api: RawApi
) -> None:
    app = api.create_app()
    signature = api.create_signature(app["id"])
    template = api.create_template(app["id"], signature["id"])
    shown = api.template(template["id"])
    assert (shown["flow_status"], shown["template_id"]) == ("Reviewing", None)
    body = template_body(app["id"], signature["id"], template_content="您的订单${1}已发出。")
    assert error_of(api.send("PUT", f"/templates/{template['id']}", json_body=body)) == (
        "MSGSMS.0010"
    )
    refused = api.send("DELETE", f"/templates/{template['id']}")
    assert error_of(refused) == "MSGSMS.0035" and "under review" in refused.text
    _decide(emulator, "templates", template["id"], "reject", review_desc="too vague")
    api.ok("PUT", f"/templates/{template['id']}", json_body=body)
    resubmitted = api.template(template["id"])
    assert (resubmitted["flow_status"], resubmitted["review_desc"]) == ("Reviewing", None)
    assert resubmitted["template_content"] == "您的订单${1}已发出。"
    adopted = _decide(emulator, "templates", template["id"], "approve")
    assert adopted["flow_status"] == "Adopted" and len(adopted["template_id"]) == 32
    assert error_of(api.send("PUT", f"/templates/{template['id']}", json_body=body)) == (
        "MSGSMS.0010"
    )
    response = api.send("DELETE", f"/templates/{template['id']}")
    assert (response.status_code, response.content) == (204, b"")
    assert error_of(api.send("GET", f"/templates/{template['id']}")) == "MSGSMS.0009"


def test_templates_under_review_are_deletable_when_the_review_policy_says_so(
    emulator: EmulatorProcess, api: RawApi
) -> None:
    emulator.admin.put("/review-policy", json={"mode": "manual"}).raise_for_status()
    app = api.create_app()
    signature = api.create_signature(app["id"])
    kept = api.create_template(app["id"], signature["id"])
    refused = api.send("DELETE", f"/templates/{kept['id']}")
    assert error_of(refused) == "MSGSMS.0035"
    assert refused.json()["error_msg"] == "Failed to delete template from OMP"
    deletable = {"mode": "manual", "delay_seconds": 1.0, "reviewing_templates_deletable": True}
    assert emulator.admin.put("/review-policy", json=deletable).json() == deletable
    assert api.send("DELETE", f"/templates/{kept['id']}").status_code == 204
    second = api.create_template(app["id"], signature["id"], name="second")
    batch = api.ok("POST", "/templates/batch-delete", json_body={"ids": [second["id"]]})
    assert batch["success_ids"] == [second["id"]]


def test_send_country_zero_names_no_country(api: RawApi) -> None:
    world = api.create_app("world", "intl")
    body = {
        "app_id": world["id"],
        "region": "intl",
        "template_name": "otp",
        "template_content": "Your code is ${1}",
        "template_type": "NOTIFY_TYPE",
        "send_country": [44, 0],
    }
    created = api.ok("POST", "/templates", json_body=body)
    shown = api.template(created["id"])
    assert [shown[f"send_country{i}"] for i in (1, 2, 3)] == [44, None, None]
    only_zero = api.send("POST", "/templates", json_body={**body, "send_country": [0]})
    assert error_of(only_zero) == "MSGSMS.0002" and "1-3 country ids" in only_zero.text
    shop = api.create_app()
    signature = api.create_signature(shop["id"])
    bound = template_body(shop["id"], signature["id"], send_country=[0])
    assert api.ok("POST", "/templates", json_body=bound)["template_name"] == "shipped"


def test_a_pending_template_is_saved_unsubmitted_and_may_be_submitted(
    emulator: EmulatorProcess, api: RawApi
) -> None:
    emulator.admin.put("/review-policy", json={"mode": "auto", "delay_seconds": 0})
    app = api.create_app()
    signature = api.create_signature(app["id"])
    draft = api.create_template(app["id"], signature["id"], flow_status="Pending")
    assert api.template(draft["id"])["flow_status"] == "Pending"
    body = template_body(app["id"], signature["id"])
    api.ok("PUT", f"/templates/{draft['id']}", json_body=body)
    assert api.template(draft["id"])["flow_status"] == "Adopted"


def test_the_variables_listing_follows_content_and_attributes(api: RawApi) -> None:
    app = api.create_app()
    notify = api.create_signature(app["id"])
    verify = api.create_signature(app["id"], "云商城", "VERIFY_CODE_TYPE")
    attributes = [{"variable_index": 3, "variable_type": "MONEY", "variable_desc": "amount"}]
    mixed = api.create_template(
        app["id"],
        notify["id"],
        content="尊敬的${PHONE}用户，订单${NUM_6}已付款${1}元，备注${TXT_12}，${2}。",
        variable_attributes=attributes,
    )
    listing = api.ok("GET", f"/templates/{mixed['id']}/varilable")
    assert listing["total"] == 5
    rows = [
        (r["variable_index"], r["variable_type"], r["variable_length"], r["variable_desc"])
        for r in listing["results"]
    ]
    assert rows == [
        (1, "PHONE", 15, None),
        (2, "CHARDIGIT", 6, None),
        (3, "MONEY", 20, "amount"),
        (4, "TEXT", 12, None),
        (5, "TEXT", 20, None),
    ]
    assert {r["temp_name"] for r in listing["results"]} == {"shipped"}
    code = api.create_template(
        app["id"], verify["id"], content="您的验证码为${1}，5分钟内有效。", kind="VERIFY_CODE_TYPE"
    )
    code_rows = api.ok("GET", f"/templates/{code['id']}/varilable")["results"]
    assert [(r["variable_type"], r["variable_length"]) for r in code_rows] == [("TEXT", 8)]
    plain = api.create_template(app["id"], notify["id"], content="您的订单已发货。", name="plain")
    assert api.ok("GET", f"/templates/{plain['id']}/varilable") == {"results": [], "total": 0}
    assert api.template(plain["id"])["has_variable"] == "No"


def test_listings_filter_by_their_documented_parameters(
    emulator: EmulatorProcess, api: RawApi
) -> None:
    shop, other = api.create_app("shop"), api.create_app("other")
    shop_sig = api.create_signature(shop["id"], "云商城")
    other_sig = api.create_signature(other["id"], "好物店")
    with_vars = api.create_template(shop["id"], shop_sig["id"], name="with-vars")
    without = api.create_template(other["id"], other_sig["id"], content="已发货。", name="plain")
    _decide(emulator, "templates", without["id"], "approve")

    def ids(suffix: str, **params: str) -> list[str]:
        page = api.ok("GET", suffix, params=list(params.items()))
        return [item["id"] for item in page["results"]]

    assert ids("/signatures", app_name="shop") == [shop_sig["id"]]
    assert ids("/signatures", signature_id=other_sig["signature_id"]) == [other_sig["id"]]
    assert ids("/signatures", status="PENDING_REVIEW", signature_type="NOTIFY_TYPE") == [
        other_sig["id"],
        shop_sig["id"],
    ]
    assert ids("/templates", sign_name="好物") == [without["id"]]
    assert ids("/templates", has_variable="Yes") == [with_vars["id"]]
    assert ids("/templates", app_key=shop["app_key"]) == [with_vars["id"]]
    assert ids("/templates", flow_status="Adopted") == [without["id"]]
    assert ids("/templates", template_name="vars", region="cn") == [with_vars["id"]]
    assert ids("/apps", app_name="oth", status="LAUNCHED") == [other["id"]]
    assert ids("/apps", start_time="2000-01-01", end_time="2000-12-31") == []
    assert len(ids("/apps", start_time="2000-01-01 00:00:00")) == 2


def test_a_new_cn_app_can_come_with_a_test_signature_and_template(
    emulator: EmulatorProcess, api: RawApi
) -> None:
    app = api.create_app(create_sign_and_template=True)
    signatures = api.ok("GET", "/signatures")["results"]
    templates = api.ok("GET", "/templates")["results"]
    assert [s["status"] for s in signatures] == ["REVIEW_PROCESSING_COMPLETED"]
    assert signatures[0]["app_key"] == app["app_key"] and signatures[0]["channel_num"]
    assert [(t["status"], t["flow_status"]) for t in templates] == [("Test", "Adopted")]
    assert templates[0]["sign_id"] == signatures[0]["id"] and templates[0]["template_id"]
