"""``msgsms:Reviews``: one wait for every review of a stack, through the real provider host.

The objects are created first (each create returns once submitted); the Reviews resource then
polls their apps' lists together until each is decided or its timeout passes.
"""

from __future__ import annotations

from typing import Any

import pytest

from harness.emulator import EmulatorProcess, decide, set_review
from harness.results import ProviderError
from harness.sequences import Deployment, State
from providers.resources import ReviewsProvider, SignatureProvider, TemplateProvider
from tests.providers.support import ReviewDecision, Reviewer, signature_inputs
from tests.providers.test_template import template

APPROVE: ReviewDecision = ("approve", None, None)
REJECT: ReviewDecision = ("reject", "too vague", None)


def waited(key: str, state: State, timeout: float = 60.0) -> dict[str, Any]:
    """A Reviews ``objects`` entry, as ``providers.resources.waited`` builds it in a program."""
    kind, name_key = (
        ("template", "template_name")
        if state.kind is TemplateProvider
        else ("signature", "signature_name")
    )
    return {
        "key": key,
        "kind": kind,
        "region": state["region"],
        "app_id": state["app_id"],
        "id": state.id,
        "name": state[name_key],
        "submitted_at": state["submitted_at"],
        "timeout": timeout,
    }


def approve_all(emulator: EmulatorProcess, submitted: dict[str, State]) -> None:
    for key, state in submitted.items():
        if key.startswith("signatures/"):
            decide(emulator, "signatures", state.id, "approve")
        else:
            decide(emulator, "templates", state.id, "approve")


def objects(submitted: dict[str, State], timeout: float = 60.0) -> dict[str, Any]:
    return {"objects": [waited(key, state, timeout) for key, state in submitted.items()]}


@pytest.fixture
def submitted(deployment: Deployment, emulator: EmulatorProcess) -> dict[str, State]:
    """A signature and two templates of one app, all submitted; reviews are manual."""
    set_review(emulator, "manual")
    app = deployment.app()
    sig = deployment.create(SignatureProvider, "sig", signature_inputs(app))
    shop = (app, sig)
    return {
        "signatures/sig": sig,
        "templates/a": deployment.create(TemplateProvider, "a", template(shop, template_name="a")),
        "templates/b": deployment.create(TemplateProvider, "b", template(shop, template_name="b")),
    }


def test_every_review_is_waited_for_at_once_with_one_listing_per_app_and_kind(
    deployment: Deployment, emulator: EmulatorProcess, submitted: dict[str, State]
) -> None:
    """The reviewer decides only once the wait is under way, and all at once: one wait sees
    every decision, reading them from one listing per app and kind per poll."""
    mark = deployment.mark()

    def waiting() -> bool:
        return deployment.saw(mark, "waiting for review: 0 of 3 decided")

    with (
        Reviewer(emulator, "signatures", APPROVE, when=waiting),
        Reviewer(emulator, "templates", APPROVE, when=waiting),
    ):
        reviews = deployment.create(ReviewsProvider, "reviews", objects(submitted))

    decisions = reviews["decisions"]
    assert {k: d["review_state"] for k, d in decisions.items()} == dict.fromkeys(
        submitted, "approved"
    )
    assert decisions["templates/a"]["template_id"] and decisions["templates/b"]["template_id"]
    assert decisions["signatures/sig"]["channel_num"]
    calls = deployment.api_calls(mark)
    assert not [c for c in calls if "/templates/" in c or "/signatures/" in c]  # no single reads
    template_lists = [c for c in calls if c.endswith("/templates")]
    signature_lists = [c for c in calls if c.endswith("/signatures")]
    assert len(template_lists) >= 2  # a poll before the decisions, one after
    assert len(template_lists) == len(signature_lists)  # one of each per poll
    assert deployment.saw(mark, "'a' (templates/a, cn-north-4")


def test_a_rejection_fails_the_wait_with_the_reason_once_the_rest_is_decided(
    deployment: Deployment, emulator: EmulatorProcess, submitted: dict[str, State]
) -> None:
    mark = deployment.mark()
    with (
        Reviewer(emulator, "signatures", APPROVE),
        Reviewer(emulator, "templates", REJECT, APPROVE) as templates,
        pytest.raises(ProviderError) as failed,
    ):
        deployment.create(ReviewsProvider, "reviews", objects(submitted))

    [rejected] = [
        k for k in ("templates/a", "templates/b") if submitted[k].id == templates.decided[0]
    ]
    assert f"1 object(s) rejected in review: {rejected} (Reject: too vague)" in failed.value.reason
    assert "run `pulumi up` again to resubmit" in failed.value.reason
    assert deployment.saw(mark, "approved (REVIEW_PROCESSING_COMPLETED)")
    assert deployment.saw(mark, "rejected (Reject): too vague")


def test_the_wait_ends_at_the_timeout_and_the_next_up_waits_again(
    deployment: Deployment, emulator: EmulatorProcess, submitted: dict[str, State]
) -> None:
    mark = deployment.mark()
    reviews = deployment.create(ReviewsProvider, "reviews", objects(submitted, timeout=1.5))

    assert {d["review_state"] for d in reviews["decisions"].values()} == {"pending"}
    assert deployment.saw(mark, "still Reviewing after 2s")
    # undecided: the next up's Diff asks for another wait
    approve_all(emulator, submitted)
    step = deployment.up(reviews, objects(submitted, timeout=1.5))
    assert step.op == "update"
    assert {d["review_state"] for d in step.state["decisions"].values()} == {"approved"}


def test_a_settled_wait_costs_nothing_and_a_resubmission_is_waited_for_alone(
    deployment: Deployment, emulator: EmulatorProcess, submitted: dict[str, State]
) -> None:
    approve_all(emulator, submitted)
    reviews = deployment.create(ReviewsProvider, "reviews", objects(submitted))
    mark = deployment.mark()
    assert deployment.up(reviews, objects(submitted)).op == "same"
    assert deployment.api_calls(mark) == []

    again = dict(submitted)
    news = objects(again)
    news["objects"][1] = {**news["objects"][1], "submitted_at": "2030-01-01T00:00:00Z"}
    decide(emulator, "templates", submitted["templates/a"].id, "reject", "no")
    with pytest.raises(ProviderError) as failed:
        deployment.up(reviews, news)  # an update: only the resubmitted template is polled

    assert "templates/a (Reject: no)" in failed.value.reason
    calls = deployment.api_calls(mark)
    assert [c.rsplit("/", 1)[-1] for c in calls] == ["templates"]


def test_a_signature_approved_into_to_be_activated_is_activated_by_the_wait(
    deployment: Deployment, emulator: EmulatorProcess, submitted: dict[str, State]
) -> None:
    sig = {"signatures/sig": submitted["signatures/sig"]}
    mark = deployment.mark()
    decisions: list[ReviewDecision] = [("approve", None, "TO_BE_ACTIVATED"), APPROVE]
    with Reviewer(emulator, "signatures", *decisions) as reviewer:
        reviews = deployment.create(ReviewsProvider, "reviews", objects(sig))

    assert reviews["decisions"]["signatures/sig"]["status"] == "REVIEW_PROCESSING_COMPLETED"
    assert reviewer.decided == [sig["signatures/sig"].id] * 2
    assert deployment.saw(mark, "applying for activation")
    assert any(c.endswith("/active") for c in deployment.api_calls(mark))


def test_a_refresh_reads_every_decision_with_one_poll(
    deployment: Deployment, emulator: EmulatorProcess, submitted: dict[str, State]
) -> None:
    reviews = deployment.create(ReviewsProvider, "reviews", objects(submitted, timeout=0.5))
    decide(emulator, "templates", submitted["templates/b"].id, "approve")
    mark = deployment.mark()

    refreshed = deployment.refresh(reviews)

    assert refreshed is not None
    states = {k: d["review_state"] for k, d in refreshed["decisions"].items()}
    assert states == {
        "signatures/sig": "pending",
        "templates/a": "pending",
        "templates/b": "approved",
    }
    assert sorted(c.rsplit("/", 1)[-1] for c in deployment.api_calls(mark)) == [
        "signatures",
        "templates",
    ]
