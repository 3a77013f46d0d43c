"""msgsms:Signature through the real provider host against the emulator."""

from __future__ import annotations

from typing import Any

import pytest
from huaweicloudsdkmsgsms.v2 import (
    CreateSignatureRequest,
    SmsSignatureReq,
    UpdateSignatureRequest,
)

from harness.emulator import EmulatorProcess, decide, objects, set_review
from harness.results import ProviderError
from harness.sequences import Deployment, State
from providers.resources import SignatureProvider
from tests.emulator.sdk import msgsms_client
from tests.providers.support import intercepted, signature_inputs


@pytest.fixture
def app(deployment: Deployment) -> State:
    return deployment.app()


def signature(app: State, **extra: Any) -> dict[str, Any]:
    return signature_inputs(app, **{"apply_desc": "order notices", **extra})


def test_create_submits_for_review_and_outputs_the_status(
    deployment: Deployment, emulator: EmulatorProcess, app: State
) -> None:
    set_review(emulator, "manual")
    sig = deployment.create(SignatureProvider, "sig", signature(app))
    [stored] = objects(emulator, "signatures")
    assert sig.id == stored["id"]
    assert (sig["status"], sig["review_state"]) == ("PENDING_REVIEW", "pending")
    assert sig["signature_id"] == stored["signature_id"]
    assert sig["channel_num"] is None


def test_numbers_as_floats_and_lower_case_yes_no_make_no_diff(
    deployment: Deployment, app: State
) -> None:
    sig = deployment.create(SignatureProvider, "sig", signature(app))
    assert sig.inputs["signature_source"] == 0  # the engine sends 0.0; check made it an int
    mark = deployment.mark()
    same = signature(app, signature_source=0.0, is_involved_third="no")
    assert deployment.up(sig, same).op == "same"
    assert deployment.api_calls(mark) == []


def test_a_rejected_signature_changes_in_place_and_is_resubmitted(
    deployment: Deployment, emulator: EmulatorProcess, app: State
) -> None:
    set_review(emulator, "manual")
    sig = deployment.create(SignatureProvider, "sig", signature(app))
    decide(emulator, "signatures", sig.id, "reject", "describe the use")
    news = signature(app, apply_desc="notices about orders and parcels")
    step = deployment.up(sig, news)
    assert (step.op, step.state.id) == ("update", sig.id)
    [stored] = objects(emulator, "signatures")
    assert (stored["status"], stored["apply_desc"]) == (
        "PENDING_REVIEW",
        "notices about orders and parcels",
    )
    assert step.state["status"] == "PENDING_REVIEW"


@pytest.mark.parametrize("outcome", ["approve", "pending"])
def test_review_only_fields_of_an_approved_or_pending_signature_are_kept_with_a_notice(
    deployment: Deployment, emulator: EmulatorProcess, app: State, outcome: str
) -> None:
    set_review(emulator, "manual")
    sig = deployment.create(SignatureProvider, "sig", signature(app))
    if outcome == "approve":
        decide(emulator, "signatures", sig.id, "approve")
    mark = deployment.mark()
    news = signature(app, apply_desc="new words")
    step = deployment.up(sig, news)
    assert (step.op, step.state.id) == ("update", sig.id)
    calls = deployment.api_calls(mark)
    assert all(c.startswith("GET ") for c in calls), calls  # nothing was sent
    assert objects(emulator, "signatures")[0]["apply_desc"] == "order notices"
    assert step.state["apply_desc"] == "new words"
    assert deployment.saw(mark, "kept in the stack but not sent")
    assert deployment.up(step.state, news).op == "same"


@pytest.mark.parametrize(
    ("change", "key", "first"),
    [
        ({"signature_name": "云商城二"}, "signature_name", False),
        ({"signature_type": "PROMOTION_TYPE"}, "signature_type", False),
        ({"region": "cn-south-1"}, "region", False),
        ({"app_id": "other"}, "app_id", True),
    ],
)
def test_name_type_region_and_app_replace_and_moving_apps_deletes_first(
    deployment: Deployment,
    emulator: EmulatorProcess,
    app: State,
    change: dict[str, str],
    key: str,
    first: bool,
) -> None:
    news = signature(app, **change)
    if key == "app_id":
        other = deployment.app("other")
        news["app_id"] = other.id
    elif key == "region":
        moved = deployment.app("shop", region="cn-south-1")
        news["app_id"] = moved.id
    sig = deployment.create(SignatureProvider, "sig", signature(app))
    step = deployment.up(sig, news)
    assert step.op == "replace"
    assert key in step.diff.replaces
    # the same name and type cannot exist twice in a project: a move between apps must
    # delete the old signature before creating the new one
    assert step.diff.delete_before_replace is first
    assert [s["id"] for s in objects(emulator, "signatures")] == [step.state.id]


def test_adopt_takes_over_a_signature_made_outside_the_stack(
    deployment: Deployment, emulator: EmulatorProcess, app: State
) -> None:
    made = msgsms_client(emulator).create_signature(
        CreateSignatureRequest(
            body=SmsSignatureReq(
                app_id=app.id,
                signature_name="云商城",
                signature_type="NOTIFY_TYPE",
                signature_source=0,
                is_involved_third="No",
                apply_desc="order notices",
            )
        )
    )
    sig = deployment.create(SignatureProvider, "sig", signature(app, adopt=True))
    assert sig.id == made.id
    assert len(objects(emulator, "signatures")) == 1


def test_without_adopt_an_existing_signature_is_a_clear_error(
    deployment: Deployment, emulator: EmulatorProcess, app: State
) -> None:
    deployment.create(SignatureProvider, "sig", signature(app))
    with pytest.raises(ProviderError) as caught:
        deployment.create(SignatureProvider, "again", signature(app))
    assert "MSGSMS.0006" in caught.value.reason
    assert "adopt it (adopt: true)" in caught.value.reason
    assert len(objects(emulator, "signatures")) == 1


def test_adopt_refuses_a_signature_of_another_app(
    deployment: Deployment, emulator: EmulatorProcess, app: State
) -> None:
    other = deployment.app("other")
    deployment.create(SignatureProvider, "theirs", signature(other))
    with pytest.raises(ProviderError) as caught:
        deployment.create(SignatureProvider, "sig", signature(app, adopt=True))
    assert "belongs to app 'other'" in caught.value.reason


def test_a_lost_create_answer_leaves_no_duplicate(
    deployment: Deployment, emulator: EmulatorProcess, app: State
) -> None:
    with intercepted(emulator) as (cut, proxy):
        lost = proxy.on("POST", r"/msgsms/signatures$", "drop-answer")
        sig = cut.create(SignatureProvider, "sig", signature(app))
        assert cut.saw((0, 0), "answer to the create was lost")
    assert lost.hits and not lost.times
    [stored] = objects(emulator, "signatures")
    assert sig.id == stored["id"]
    assert proxy.requests("POST") == lost.hits  # looked up, not sent again


def test_refresh_sees_a_resubmission_made_with_the_official_sdk(
    deployment: Deployment, emulator: EmulatorProcess, app: State
) -> None:
    set_review(emulator, "manual")
    sig = deployment.create(SignatureProvider, "sig", signature(app))
    decide(emulator, "signatures", sig.id, "reject", "too vague")
    refreshed = deployment.refresh(sig)
    assert refreshed is not None
    assert (refreshed["status"], refreshed["review_desc"]) == ("REVIEW_NOT_PASS", "too vague")
    msgsms_client(emulator).update_signature(
        UpdateSignatureRequest(
            id=sig.id,
            body=SmsSignatureReq(
                app_id=app.id,
                signature_name="云商城",
                signature_type="NOTIFY_TYPE",
                signature_source=2,
                is_involved_third="No",
                apply_desc="changed by hand",
            ),
        )
    )
    again = deployment.refresh(refreshed)
    assert again is not None
    assert again["status"] == "PENDING_REVIEW"
    assert (again.inputs["apply_desc"], again.inputs["signature_source"]) == ("changed by hand", 2)
    assert again.inputs["app_id"] == app.id  # not shown by the API: kept
    # the program still declares the old values; under review they are kept with a notice
    assert deployment.diff(again, signature(app)).changes == "some"


def test_delete_removes_the_signature_and_a_missing_one_counts_as_deleted(
    deployment: Deployment, emulator: EmulatorProcess, app: State
) -> None:
    sig = deployment.create(SignatureProvider, "sig", signature(app))
    deployment.destroy(sig)
    assert objects(emulator, "signatures") == []
    deployment.destroy(sig)
    assert deployment.refresh(sig) is None


def test_check_reports_every_rule_by_property(deployment: Deployment, app: State) -> None:
    failures = deployment.check(
        SignatureProvider,
        signature(
            app,
            signature_name="12345",
            signature_type="SPAM",
            signature_source=9,
            is_involved_third="Yes",
            wait_for="forever",
        ),
    ).failures
    properties = sorted({f.property for f in failures})
    assert properties == [
        "power_attorney_file_id",
        "signature_name",
        "signature_source",
        "signature_type",
        "wait_for",
    ]


def test_refresh_of_an_unchanged_signature_leaves_no_diff(
    deployment: Deployment, app: State
) -> None:
    news = signature(app, qualification_id="")
    sig = deployment.create(SignatureProvider, "sig", news)
    refreshed = deployment.refresh(sig)
    assert refreshed is not None
    assert {k: v for k, v in refreshed.inputs.items() if k != "__provider"} == {
        k: v for k, v in sig.inputs.items() if k != "__provider"
    }
    assert deployment.diff(refreshed, news).changes == "none"
