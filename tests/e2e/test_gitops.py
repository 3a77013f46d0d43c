"""GitOps scenarios: the example catalog, edited as pull requests would, against a real emulator.

Each scenario starts from an empty emulator and a copy of ``stacks/dev.sms.yaml``; it runs
under the offline engine and, when ``pulumi`` is on PATH, under the real CLI. Reviews are
decided at once (review delay 0) unless a scenario says otherwise, so passes do not wait.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from huaweicloudsdkmsgsms.v2 import DeleteTemplateRequest, SmsAppUpdateReq, UpdateAppRequest

from harness.emulator import EmulatorProcess
from harness.engine import Engine, PassFailed, PassSummary
from harness.engine.automation import CliStack, cli_missing_reason
from harness.engine.properties import is_secret, plain
from harness.wire import SECRET_SIG, SIG_KEY
from tests.e2e.gitops import EXAMPLE, GitopsStack, Reviewer, plain_secrets, replaced
from tests.emulator.sdk import msgsms_client

pytestmark = pytest.mark.slow

APPROVED_SIGNATURE = "REVIEW_PROCESSING_COMPLETED"
APPROVED_TEMPLATE = "Adopted"


@pytest.fixture(params=["offline", pytest.param("cli", marks=pytest.mark.cli)])
def gitops(
    request: pytest.FixtureRequest, tmp_path: Path, emulator: EmulatorProcess
) -> Iterator[GitopsStack]:
    """The dev stack on a fresh catalog copy, under each driver, against a reset emulator."""
    if request.param == "cli" and (reason := cli_missing_reason()):
        pytest.skip(reason)
    stack = GitopsStack.create(
        Engine if request.param == "offline" else CliStack, tmp_path, emulator
    )
    stack.set_review("auto", delay=0.0)
    yield stack


def deploy(gitops: GitopsStack) -> PassSummary:
    """The first ``up`` of the example catalog: everything is created, then waited for."""
    summary = gitops.up()
    assert gitops.steps(summary) == {name: ["create"] for name in gitops.catalog.names()}
    assert gitops.review_steps(summary) == ["create"]
    return summary


def settled(gitops: GitopsStack) -> None:
    """The next ``up`` finds nothing to do and asks the API nothing: no perpetual diff."""
    again = gitops.up()
    assert gitops.steps(again) == gitops.unchanged()
    assert gitops.review_steps(again) == ["same"]
    assert again.api_requests == 0


def make_world_domestic(catalog: dict[str, Any]) -> None:
    """A pull request turning app ``world`` domestic: its one-time password template follows."""
    catalog["apps"]["world"]["scope"] = "cn"
    otp = catalog["templates"]["global_otp"]
    del otp["send_countries"]  # domestic templates have no destinations
    otp.update(
        universal=True,
        type="VERIFY_CODE_TYPE",
        content="您的验证码为${1}，5分钟内有效，请勿泄露给他人。",
    )


def refreshed(summary: PassSummary) -> dict[str, str | None]:
    """What a refresh found per catalog resource: same, update or delete."""
    return {
        step.name: step.result
        for step in summary.steps
        if step.op == "refresh" and step.type.startswith("pulumi-python:dynamic/")
    }


# -------------------------------------------------------------------------------------------
# up from empty, then nothing to do


def test_up_from_empty_creates_everything_and_a_second_up_is_all_same(
    gitops: GitopsStack,
) -> None:
    # Reviews decided a second after each submission: the catalog's wait_for: approved has
    # to wait for them, so the pass ends with approved objects (checked below).
    gitops.set_review("auto", delay=1.0)

    first = deploy(gitops)

    checkpoint = gitops.stack.checkpoint()
    keys = gitops.catalog.keys()
    for section in ("apps", "signatures", "templates"):
        declared = {checkpoint.find(key).id for key in keys[section]}
        assert gitops.ids(section) == declared, f"{section}: one object per entry, no strays"
    [upload] = gitops.objects("files")
    licence = checkpoint.find("licence")
    assert upload["file_id"] == licence.id
    assert (
        upload["sha256"]
        == hashlib.sha256((EXAMPLE.parent / "files" / "licence.png").read_bytes()).hexdigest()
    )
    assert {o["flow_status"] for o in gitops.objects("templates")} == {APPROVED_TEMPLATE}
    assert {o["status"] for o in gitops.objects("signatures")} == {APPROVED_SIGNATURE}

    apps = first.outputs["apps"]
    for key in keys["apps"]:
        live = gitops.object("apps", checkpoint.find(key).id)
        assert plain(apps[key]["id"]) == live["id"]
        assert plain(apps[key]["app_key"]) == live["app_key"]
        assert is_secret(apps[key]["app_secret"])
        assert plain(apps[key]["app_secret"]) == live["app_secret"]
    templates = plain(first.outputs["templates"])
    for key in keys["templates"]:
        live = gitops.object("templates", checkpoint.find(key).id)
        assert templates[key]["template_id"] == live["template_id"]
        assert templates[key]["flow_status"] == APPROVED_TEMPLATE
    signatures = plain(first.outputs["signatures"])
    assert {s["status"] for s in signatures.values()} == {APPROVED_SIGNATURE}
    assert plain(first.outputs["files"])["licence"]["file_id"] == licence.id

    second = gitops.up()

    assert gitops.steps(second) == gitops.unchanged()
    assert second.api_requests == 0
    assert plain(second.outputs) == plain(first.outputs)
    assert (
        gitops.stack.checkpoint().find("order_shipped").outputs
        == checkpoint.find("order_shipped").outputs
    )


# -------------------------------------------------------------------------------------------
# pull requests that change the catalog


def test_editing_an_approved_template_replaces_it(gitops: GitopsStack) -> None:
    deploy(gitops)
    old = gitops.object("templates", gitops.resource_id("order_shipped"))
    new_content = "您的订单${1}已于${2}发货，快递单号${3}，如有疑问请致电客服热线${4}。"
    with gitops.catalog.edit() as catalog:
        catalog["templates"]["order_shipped"]["content"] = new_content

    mark = gitops.emulator.last_seq()
    plan = gitops.preview()

    assert gitops.steps(plan) == gitops.unchanged(order_shipped=replaced())
    assert gitops.writes(mark) == []
    assert gitops.object("templates", old["id"])["template_content"] == old["template_content"]

    summary = gitops.up()

    assert gitops.steps(summary) == gitops.unchanged(order_shipped=replaced())
    new_id = gitops.resource_id("order_shipped")
    assert new_id != old["id"]
    assert old["id"] not in gitops.ids("templates")
    [new] = gitops.named("templates", "order-shipped")
    assert new["id"] == new_id
    assert new["template_content"] == new_content
    assert new["flow_status"] == APPROVED_TEMPLATE
    assert new["template_id"] != old["template_id"]
    assert plain(summary.outputs["templates"])["order_shipped"]["id"] == new_id
    settled(gitops)


def test_editing_a_rejected_template_updates_it_in_place_and_resubmits_it(
    gitops: GitopsStack,
) -> None:
    gitops.set_review("manual")
    with (
        Reviewer(gitops.emulator, reject=frozenset({"order-shipped"})) as review,
        pytest.raises(PassFailed) as failed,
    ):
        gitops.up()
    # a rejection fails the run with the reviewer's reason, once every review is decided;
    # everything was created and stays in the stack
    assert ("templates", "order-shipped", "reject") in review.decisions
    errors = "\n".join(failed.value.summary.errors)
    assert f"templates/order_shipped (Reject: {review.reject_desc})" in errors
    assert gitops.steps(failed.value.summary) == {
        name: ["create"] for name in gitops.catalog.names()
    }
    assert any(
        f"rejected (Reject): {review.reject_desc}" in d for d in failed.value.summary.diagnostics
    )
    template_id = gitops.resource_id("order_shipped")
    new_content = "您的订单${1}已于${2}交给快递，运单号${3}，如有疑问请致电${4}。"
    with gitops.catalog.edit() as catalog:
        catalog["templates"]["order_shipped"]["content"] = new_content

    mark = gitops.emulator.last_seq()
    with Reviewer(gitops.emulator) as review:
        summary = gitops.up()

    assert gitops.steps(summary) == gitops.unchanged(order_shipped=["update"])
    assert gitops.review_steps(summary) == ["create"]  # the failed one is not in the stack
    # resubmitted: the same template, sent back with the change, under review once more
    assert gitops.resource_id("order_shipped") == template_id
    project = gitops.emulator.region("cn-north-4")["project_id"]
    assert gitops.writes(mark) == [("PUT", f"/v2/{project}/msgsms/templates/{template_id}")]
    assert review.decisions == [("templates", "order-shipped", "approve")]
    assert any("resubmitted for review" in line for line in summary.diagnostics)
    [live] = gitops.named("templates", "order-shipped")
    assert live["id"] == template_id
    assert live["template_content"] == new_content
    assert live["flow_status"] == APPROVED_TEMPLATE
    approved = plain(summary.outputs["templates"])["order_shipped"]
    assert approved["flow_status"] == APPROVED_TEMPLATE
    assert approved["review_desc"] is None
    settled(gitops)


def test_renaming_an_app_updates_it_in_place(gitops: GitopsStack) -> None:
    first = deploy(gitops)
    app_id = gitops.resource_id("shop")
    with gitops.catalog.edit() as catalog:
        catalog["apps"]["shop"]["name"] = "shop-mall"

    summary = gitops.up()

    assert gitops.steps(summary) == gitops.unchanged(shop=["update"])
    assert gitops.resource_id("shop") == app_id
    assert {a["app_name"] for a in gitops.objects("apps")} == {"shop-mall", "shop-global"}
    assert gitops.object("apps", app_id)["app_name"] == "shop-mall"
    apps = summary.outputs["apps"]
    assert plain(apps["shop"]["id"]) == app_id
    # the secret is shown only when the app is created: an update keeps it
    assert plain(apps["shop"]["app_secret"]) == plain(first.outputs["apps"]["shop"]["app_secret"])
    settled(gitops)


def test_changing_an_apps_scope_replaces_it_and_its_templates(gitops: GitopsStack) -> None:
    deploy(gitops)
    old_app = gitops.resource_id("world")
    old_template = gitops.resource_id("global_otp")
    with gitops.catalog.edit() as catalog:
        make_world_domestic(catalog)

    summary = gitops.up()

    assert gitops.steps(summary) == gitops.unchanged(world=replaced(), global_otp=replaced())
    new_app = gitops.resource_id("world")
    assert new_app != old_app
    # MSGSMS cannot delete apps: the old one stays, said so, and is no longer managed
    world = {a["id"]: a["region"] for a in gitops.named("apps", "shop-global")}
    assert world == {old_app: "intl", new_app: "cn"}
    assert any("left in place" in line and old_app in line for line in summary.diagnostics)
    assert old_template not in gitops.ids("templates")
    [otp] = gitops.named("templates", "global-otp")
    assert otp["id"] == gitops.resource_id("global_otp")
    assert otp["app_key"] == gitops.object("apps", new_app)["app_key"]
    assert otp["region"] == "cn"

    apps = summary.outputs["apps"]
    assert plain(apps["world"]["id"]) == new_app
    assert plain(apps["world"]["app_secret"]) == gitops.object("apps", new_app)["app_secret"]
    settled(gitops)


def test_removing_a_template_deletes_it(gitops: GitopsStack) -> None:
    deploy(gitops)
    removed = gitops.resource_id("spring_sale")
    with gitops.catalog.edit() as catalog:
        del catalog["templates"]["spring_sale"]

    summary = gitops.up()

    assert gitops.steps(summary) == gitops.unchanged(spring_sale=["delete"])
    assert removed not in gitops.ids("templates")
    assert gitops.named("templates", "spring-sale") == []
    assert len(gitops.objects("templates")) == 4
    assert "spring_sale" not in plain(summary.outputs["templates"])
    assert gitops.stack.checkpoint().find_all("spring_sale") == []
    settled(gitops)


def test_moving_a_template_to_another_region_replaces_it(gitops: GitopsStack) -> None:
    deploy(gitops)
    old = gitops.resource_id("service_visit")
    with gitops.catalog.edit() as catalog:
        catalog["apps"]["south"] = {"name": "shop-south", "scope": "cn", "region": "cn-south-1"}
        catalog["templates"]["service_visit"]["app"] = "south"  # the region comes with the app

    summary = gitops.up()

    assert gitops.steps(summary) == gitops.unchanged(south=["create"], service_visit=replaced())
    assert old not in gitops.ids("templates")
    [moved] = gitops.named("templates", "service-visit")
    assert moved["id"] == gitops.resource_id("service_visit") != old
    assert moved["endpoint_region"] == "cn-south-1"
    assert moved["app_key"] == gitops.object("apps", gitops.resource_id("south"))["app_key"]
    assert [t["template_name"] for t in gitops.objects("templates", region="cn-south-1")] == [
        "service-visit"
    ]
    settled(gitops)


# -------------------------------------------------------------------------------------------
# drift, destroy and secrets


def test_an_out_of_band_change_shows_in_refresh_and_the_next_up_restores_it(
    gitops: GitopsStack,
) -> None:
    deploy(gitops)
    app_id = gitops.resource_id("shop")
    gone = gitops.resource_id("spring_sale")
    sdk = msgsms_client(gitops.emulator, "cn-north-4")
    sdk.update_app(
        UpdateAppRequest(
            id=app_id,
            body=SmsAppUpdateReq(app_name="renamed-by-hand", region="cn", up_link_addr=""),
        )
    )
    sdk.delete_template(DeleteTemplateRequest(id=gone))

    found = gitops.refresh()

    expected = {name: "same" for name in gitops.catalog.names()}
    assert refreshed(found) == {
        **expected,
        "shop": "update",
        "spring_sale": "delete",
        "reviews": "same",  # every review was decided: nothing to show
    }
    checkpoint = gitops.stack.checkpoint()
    shop = checkpoint.find("shop")
    assert plain(shop.outputs["app_name"]) == "renamed-by-hand"
    assert plain(shop.inputs["app_name"]) == "renamed-by-hand"
    assert "up_link_addr" not in shop.inputs
    assert checkpoint.find_all("spring_sale") == []

    plan = gitops.preview()
    assert gitops.steps(plan) == gitops.unchanged(shop=["update"], spring_sale=["create"])

    summary = gitops.up()

    assert gitops.steps(summary) == gitops.unchanged(shop=["update"], spring_sale=["create"])
    declared = gitops.catalog.read()["apps"]["shop"]
    live = gitops.object("apps", app_id)
    assert (live["app_name"], live["up_link_addr"]) == (declared["name"], declared["uplink_url"])
    [sale] = gitops.named("templates", "spring-sale")
    assert sale["id"] == gitops.resource_id("spring_sale") != gone
    settled(gitops)


def test_destroy_removes_all_but_the_apps_which_are_reported_as_retained(
    gitops: GitopsStack,
) -> None:
    deploy(gitops)
    apps = {key: gitops.resource_id(key) for key in gitops.catalog.keys()["apps"]}
    deletions = sorted(
        ("DELETE", f"/v2/{live['project_id']}/msgsms/{section}/{live['id']}")
        for section in ("signatures", "templates")
        for live in gitops.objects(section)
    )
    assert len(deletions) == 8
    licence = gitops.resource_id("licence")
    mark = gitops.emulator.last_seq()

    summary = gitops.destroy()

    assert gitops.steps(summary) == {name: ["delete"] for name in gitops.catalog.names()}
    assert sorted(gitops.writes(mark)) == deletions
    assert gitops.objects("templates") == []
    assert gitops.objects("signatures") == []
    assert gitops.ids("apps") == set(apps.values())
    # uploads have no delete operation: the platform keeps them, at no cost
    assert [f["file_id"] for f in gitops.objects("files")] == [licence]
    for app_id in apps.values():
        assert any("left in place" in line and app_id in line for line in summary.diagnostics)
    checkpoint = gitops.stack.checkpoint()
    assert [r.name for r in checkpoint.resources if r.type.startswith("pulumi-python:")] == []

    # the stack comes back on the retained apps: adopted, not duplicated
    again = gitops.up()

    assert gitops.steps(again) == {name: ["create"] for name in gitops.catalog.names()}
    assert gitops.ids("apps") == set(apps.values())
    assert {key: gitops.resource_id(key) for key in apps} == apps
    assert any("adopting the existing App" in line for line in again.diagnostics)


def test_no_credential_or_app_secret_shows_in_plain_text(gitops: GitopsStack) -> None:
    deploy(gitops)
    assert gitops.plain_secrets() == []
    secrets = gitops.secrets()
    app_secrets = [value for label, value in secrets.items() if label.startswith("app secret")]
    assert len(app_secrets) == 2
    resources = gitops.stack.checkpoint().resources
    assert all("__provider" in r.inputs for r in resources if r.type.startswith("pulumi-python:"))
    if isinstance(gitops.stack, Engine):
        # the scan has something to find: the offline checkpoint keeps secrets readable, wrapped
        text = gitops.stack.checkpoint_path.read_text(encoding="utf-8")
        assert all(value in text for value in app_secrets)

    with gitops.catalog.edit() as catalog:  # a new app secret, and an app left behind
        make_world_domestic(catalog)
    gitops.up()
    gitops.refresh()
    gitops.preview()
    gitops.destroy()

    assert len([k for k in gitops.secrets() if k.startswith("app secret")]) == 3
    assert [s.kind for s in gitops.passes] == ["up", "up", "refresh", "preview", "destroy"]
    assert gitops.plain_secrets() == []


def test_the_secret_scan_finds_plain_values_and_passes_wrapped_ones() -> None:
    secrets = {"app secret": "Zx9secretvalue"}
    wrapped = {SIG_KEY: SECRET_SIG, "plaintext": '"Zx9secretvalue"'}

    found = plain_secrets(
        "state",
        {"a": {"outputs": {"app_secret": wrapped, "note": "was Zx9secretvalue"}}, "b": [1, None]},
        secrets,
    )

    assert found == ["state a.outputs.note: app secret"]
    assert plain_secrets("state", {"Zx9secretvalue": 1}, secrets) == [
        "state key Zx9secretvalue: app secret"
    ]
