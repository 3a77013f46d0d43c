"""msgsms:Template through the real provider host against the emulator."""

from __future__ import annotations

from typing import Any

import pytest
from huaweicloudsdkmsgsms.v2 import (
    CreateTemplateRequest,
    SmsTemplateReq,
    SmsTemplateVariableAttrReq,
    UpdateTemplateRequest,
)

from harness.emulator import Decision, EmulatorProcess, decide, objects, set_review
from harness.results import ProviderError
from harness.sequences import Deployment, State
from providers.resources import SignatureProvider, TemplateProvider
from tests.emulator.sdk import msgsms_client
from tests.providers.support import intercepted, signature_inputs

CONTENT = "您的订单${1}已发货，预计${2}送达。"
VARIABLES = [
    {"variable_index": 1, "variable_type": "CHARDIGIT"},
    {"variable_index": 2, "variable_type": "DATETIME"},
]


def make_signature(deployment: Deployment, emulator: EmulatorProcess, app: State) -> State:
    """An approved signature of ``app`` (reviews are manual in these tests)."""
    sig = deployment.create(
        SignatureProvider, f"sig-{app.name}", signature_inputs(app, f"云商城{app.name}")
    )
    decide(emulator, "signatures", sig.id, "approve")
    return sig


@pytest.fixture
def shop(deployment: Deployment, emulator: EmulatorProcess) -> tuple[State, State]:
    """A cn app and its approved signature; reviews stay manual from here on."""
    set_review(emulator, "manual")
    app = deployment.app()
    return app, make_signature(deployment, emulator, app)


def template(shop: tuple[State, State], **extra: Any) -> dict[str, Any]:
    app, sig = shop
    return {
        "region": app["region"],
        "app_id": app.id,
        "scope": "cn",
        "template_name": "order-shipped",
        "template_content": CONTENT,
        "template_type": "NOTIFY_TYPE",
        "sign_id": sig.id,
        "signature_name": sig["signature_name"],
        "universal_template": 0,
        "variable_attributes": VARIABLES,
        **extra,
    }


def test_under_an_app_the_host_created_even_the_first_create_is_its_post(
    deployment: Deployment, shop: tuple[State, State]
) -> None:
    """An app this provider process created cannot hold what an earlier run left: its
    templates are not listed before the first create, nor is the app read for its key."""
    mark = deployment.mark()
    deployment.create(TemplateProvider, "first", template(shop, template_name="first"))
    assert [c.split()[0] for c in deployment.api_calls(mark)] == ["POST"]


def test_create_is_its_post_and_a_refresh_reads_the_review_and_variables(
    deployment: Deployment, emulator: EmulatorProcess, shop: tuple[State, State]
) -> None:
    deployment.create(TemplateProvider, "other", template(shop, template_name="other"))
    mark = deployment.mark()
    tpl = deployment.create(TemplateProvider, "shipped", template(shop))
    # the app's templates were listed by the first create: this one is its POST alone
    assert [c.split()[0] for c in deployment.api_calls(mark)] == ["POST"]
    stored = next(t for t in objects(emulator, "templates") if t["id"] == tpl.id)
    assert (tpl["flow_status"], tpl["review_state"]) == ("Reviewing", "pending")
    assert tpl["template_id"] is None and tpl["submitted_at"]
    assert tpl["variables"] == [
        {"variable_index": 1, "variable_type": "CHARDIGIT"},
        {"variable_index": 2, "variable_type": "DATETIME"},
    ]
    # 【云商城shop】 (9) + 13 fixed characters + 2 x 20 for the variables = 62: one segment
    assert tpl["segments"] == 1
    decide(emulator, "templates", tpl.id, "approve")
    refreshed = deployment.refresh(tpl)
    assert refreshed is not None
    assert (refreshed["flow_status"], refreshed["review_state"]) == ("Adopted", "approved")
    assert refreshed["template_id"] == stored["template_id"] or refreshed["template_id"]
    assert refreshed["variables"] == [
        {"variable_index": 1, "variable_type": "CHARDIGIT", "variable_length": 20},
        {"variable_index": 2, "variable_type": "DATETIME", "variable_length": 20},
    ]
    assert refreshed["submitted_at"] == tpl["submitted_at"]


def test_a_second_up_makes_no_api_call_even_with_reordered_lists(
    deployment: Deployment, shop: tuple[State, State]
) -> None:
    tpl = deployment.create(TemplateProvider, "shipped", template(shop))
    mark = deployment.mark()
    reordered = template(shop, variable_attributes=list(reversed(VARIABLES)))
    del reordered["universal_template"]  # absent is the server's 0
    assert deployment.up(tpl, reordered).op == "same"
    assert deployment.api_calls(mark) == []


def test_the_type_follows_the_signature_when_not_given(
    deployment: Deployment, emulator: EmulatorProcess, shop: tuple[State, State]
) -> None:
    news = template(shop)
    del news["template_type"]
    tpl = deployment.create(TemplateProvider, "shipped", news)
    assert objects(emulator, "templates")[0]["template_type"] == "NOTIFY_TYPE"
    assert deployment.up(tpl, news).op == "same"
    refreshed = deployment.refresh(tpl)
    assert refreshed is not None and "template_type" not in refreshed.inputs


def test_a_rejected_template_changes_in_place_and_is_resubmitted(
    deployment: Deployment, emulator: EmulatorProcess, shop: tuple[State, State]
) -> None:
    tpl = deployment.create(TemplateProvider, "shipped", template(shop))
    decide(emulator, "templates", tpl.id, "reject", "say when")
    news = template(shop, template_content="您的订单${1}已于${2}发货。")
    mark = deployment.mark()
    step = deployment.up(tpl, news)
    assert (step.op, step.state.id) == ("update", tpl.id)
    [stored] = objects(emulator, "templates")
    assert stored["template_content"] == news["template_content"]
    assert stored["flow_status"] == "Reviewing"
    assert step.state["flow_status"] == "Reviewing" and step.state["review_desc"] is None
    assert deployment.saw(mark, "resubmits it for review")


@pytest.mark.parametrize("decision", ["approve", None])
def test_a_content_change_of_an_approved_or_reviewing_template_replaces_it(
    deployment: Deployment,
    emulator: EmulatorProcess,
    shop: tuple[State, State],
    decision: Decision | None,
) -> None:
    tpl = deployment.create(TemplateProvider, "shipped", template(shop))
    if decision:
        decide(emulator, "templates", tpl.id, decision)
    news = template(shop, template_content="您的订单${1}已发货，${2}送达。")
    diff = deployment.diff(tpl, news)
    assert (diff.changes, diff.replaces) == ("some", ("template_content",))
    assert not diff.delete_before_replace
    if decision:
        step = deployment.up(tpl, news)
        assert step.op == "replace"
        assert [t["id"] for t in objects(emulator, "templates")] == [step.state.id]
        return
    # under review the old template cannot be deleted yet: the replacement exists, the
    # deletion fails clearly and works on a later run
    with pytest.raises(ProviderError) as caught:
        deployment.up(tpl, news)
    assert "under review (Reviewing)" in caught.value.reason
    assert "run the same `pulumi up` or `pulumi destroy` again" in caught.value.reason
    assert len(objects(emulator, "templates")) == 2
    decide(emulator, "templates", tpl.id, "reject")
    deployment.destroy(tpl)
    assert tpl.id not in {t["id"] for t in objects(emulator, "templates")}


def test_a_new_description_of_an_approved_template_is_kept_with_a_notice(
    deployment: Deployment, emulator: EmulatorProcess, shop: tuple[State, State]
) -> None:
    tpl = deployment.create(TemplateProvider, "shipped", template(shop))
    decide(emulator, "templates", tpl.id, "approve")
    news = template(shop, template_desc="shipping notices")
    mark = deployment.mark()
    step = deployment.up(tpl, news)
    assert (step.op, step.state.id) == ("update", tpl.id)
    assert all(c.startswith("GET ") for c in deployment.api_calls(mark))
    assert deployment.saw(mark, "kept in the stack but not sent")
    assert objects(emulator, "templates")[0]["template_desc"] is None


@pytest.mark.parametrize("key", ["app_id", "region"])
def test_another_app_or_region_replaces_the_template(
    deployment: Deployment, emulator: EmulatorProcess, shop: tuple[State, State], key: str
) -> None:
    tpl = deployment.create(TemplateProvider, "shipped", template(shop))
    decide(emulator, "templates", tpl.id, "approve")
    region = "cn-south-1" if key == "region" else "cn-north-4"
    other = deployment.app("other", region=region)
    moved = template((other, make_signature(deployment, emulator, other)))
    step = deployment.up(tpl, moved)
    assert step.op == "replace"
    assert key in step.diff.replaces
    assert [t["id"] for t in objects(emulator, "templates")] == [step.state.id]


def test_an_international_template_with_countries_in_any_order(
    deployment: Deployment, emulator: EmulatorProcess
) -> None:
    world = deployment.app("world", scope="intl")
    news = {
        "region": "cn-north-4",
        "app_id": world.id,
        "scope": "intl",
        "template_name": "otp",
        "template_content": "Your code is ${1}",
        "send_country": [44, 33.0, 1],
        "variable_attributes": [{"variable_index": 1.0, "variable_type": "CHARDIGIT"}],
    }
    tpl = deployment.create(TemplateProvider, "otp", news)
    assert tpl.inputs["send_country"] == [1, 33, 44]
    [stored] = objects(emulator, "templates")
    assert (stored["template_type"], stored["brackets"]) == ("NOTIFY_TYPE", None)
    assert deployment.up(tpl, {**news, "send_country": [33, 1, 44]}).op == "same"
    refreshed = deployment.refresh(tpl)
    assert refreshed is not None
    assert {k: v for k, v in refreshed.inputs.items() if k != "__provider"} == {
        **news,
        "send_country": [1, 33, 44],
        "variable_attributes": [{"variable_index": 1, "variable_type": "CHARDIGIT"}],
    }


def test_a_universal_template_needs_no_signature(
    deployment: Deployment, emulator: EmulatorProcess, shop: tuple[State, State]
) -> None:
    news = template(shop, universal_template=1)
    del news["sign_id"], news["signature_name"]
    tpl = deployment.create(TemplateProvider, "any", news)
    assert objects(emulator, "templates")[0]["universal_template"] == 1
    assert deployment.up(tpl, news).op == "same"


def test_adopt_takes_over_a_template_with_the_same_name_and_content(
    deployment: Deployment, emulator: EmulatorProcess, shop: tuple[State, State]
) -> None:
    app, sig = shop
    made = msgsms_client(emulator).create_template(
        CreateTemplateRequest(
            body=SmsTemplateReq(
                app_id=app.id,
                region="cn",
                template_name="order-shipped",
                template_content=CONTENT,
                template_type="NOTIFY_TYPE",
                sign_id=sig.id,
                universal_template=0,
                variable_attributes=[
                    SmsTemplateVariableAttrReq(variable_index=1, variable_type="CHARDIGIT"),
                    SmsTemplateVariableAttrReq(variable_index=2, variable_type="DATETIME"),
                ],
            )
        )
    )
    tpl = deployment.create(TemplateProvider, "shipped", template(shop, adopt=True))
    assert tpl.id == made.id
    assert len(objects(emulator, "templates")) == 1


def test_adopt_leaves_a_same_name_template_whose_content_cannot_change(
    deployment: Deployment, emulator: EmulatorProcess, shop: tuple[State, State]
) -> None:
    old = deployment.create(TemplateProvider, "old", template(shop))
    decide(emulator, "templates", old.id, "approve")
    mark = deployment.mark()
    news = template(shop, adopt=True, template_content="订单${1}已发货，${2}送达")
    tpl = deployment.create(TemplateProvider, "shipped", news)
    assert tpl.id != old.id
    assert deployment.saw(mark, "exists with other content")


def test_a_lost_create_answer_leaves_no_duplicate(
    deployment: Deployment, emulator: EmulatorProcess, shop: tuple[State, State]
) -> None:
    with intercepted(emulator) as (cut, proxy):
        lost = proxy.on("POST", r"/msgsms/templates$", "drop-answer")
        tpl = cut.create(TemplateProvider, "shipped", template(shop))
    assert lost.hits and not lost.times
    [stored] = objects(emulator, "templates")
    assert tpl.id == stored["id"]
    assert proxy.requests("POST") == lost.hits  # looked up, not sent again


def test_refresh_sees_a_resubmission_made_with_the_official_sdk(
    deployment: Deployment, emulator: EmulatorProcess, shop: tuple[State, State]
) -> None:
    app, sig = shop
    tpl = deployment.create(TemplateProvider, "shipped", template(shop))
    decide(emulator, "templates", tpl.id, "reject", "too long")
    msgsms_client(emulator).update_template(
        UpdateTemplateRequest(
            id=tpl.id,
            body=SmsTemplateReq(
                app_id=app.id,
                region="cn",
                template_name="order-shipped",
                template_content="订单${1}已发货",
                template_type="NOTIFY_TYPE",
                sign_id=sig.id,
                variable_attributes=[
                    SmsTemplateVariableAttrReq(variable_index=1, variable_type="CHARDIGIT")
                ],
            ),
        )
    )
    refreshed = deployment.refresh(tpl)
    assert refreshed is not None
    assert refreshed.inputs["template_content"] == "订单${1}已发货"
    assert refreshed.inputs["variable_attributes"] == [
        {"variable_index": 1, "variable_type": "CHARDIGIT"}
    ]
    assert refreshed["flow_status"] == "Reviewing"
    assert [v["variable_index"] for v in refreshed["variables"]] == [1]
    assert refreshed.inputs["signature_name"] == sig["signature_name"]  # kept: not in the API
    # the program still declares the old content: the template is under review, so replace
    assert deployment.diff(refreshed, template(shop)).replaces == (
        "template_content",
        "variable_attributes",
    )


def test_delete_under_review_fails_clearly_and_a_missing_template_counts_as_deleted(
    deployment: Deployment, emulator: EmulatorProcess, shop: tuple[State, State]
) -> None:
    tpl = deployment.create(TemplateProvider, "shipped", template(shop))
    with pytest.raises(ProviderError) as caught:
        deployment.destroy(tpl)
    assert "is under review (Reviewing)" in caught.value.reason
    decide(emulator, "templates", tpl.id, "approve")
    deployment.destroy(tpl)
    assert objects(emulator, "templates") == []
    deployment.destroy(tpl)
    assert deployment.refresh(tpl) is None


def test_check_reports_template_rules_by_property(
    deployment: Deployment, shop: tuple[State, State]
) -> None:
    failures = deployment.check(
        TemplateProvider,
        template(
            shop,
            template_type="VERIFY_CODE_TYPE",
            template_content="【云商城】您好${1}${2}",
            variable_attributes=[{"variable_index": 3, "variable_type": "TEXT"}],
        ),
    ).failures
    by_property = {f.property: f.reason for f in failures}
    assert {
        "template_content",
        "variable_attributes",
        "variable_attributes[0].variable_index",
        "variable_attributes[0].variable_desc",
    } <= set(by_property)
    assert any("verification-code" in f.reason for f in failures)


def test_refresh_of_an_unchanged_template_leaves_no_diff(
    deployment: Deployment, shop: tuple[State, State]
) -> None:
    tpl = deployment.create(TemplateProvider, "shipped", template(shop))
    refreshed = deployment.refresh(tpl)
    assert refreshed is not None
    assert {k: v for k, v in refreshed.inputs.items() if k != "__provider"} == {
        k: v for k, v in tpl.inputs.items() if k != "__provider"
    }
    assert deployment.diff(refreshed, template(shop)).changes == "none"


def test_a_new_signature_name_only_recounts_segments_without_api_calls(
    deployment: Deployment, shop: tuple[State, State]
) -> None:
    tpl = deployment.create(TemplateProvider, "shipped", template(shop))
    mark = deployment.mark()
    step = deployment.up(
        tpl, template(shop, signature_name="一个很长很长很长很长很长很长的签名名称")
    )
    assert (step.op, step.state.id) == ("update", tpl.id)
    assert deployment.api_calls(mark) == []
    # 【19 characters】 (21) + 13 fixed + 2 x 20 for the variables = 74 > 70: two segments
    assert (tpl["segments"], step.state["segments"]) == (1, 2)
