"""msgsms:App through the real provider host against the emulator."""

from __future__ import annotations

import pytest
from huaweicloudsdkmsgsms.v2 import (
    CreateAppRequest,
    SmsAppAddReq,
    SmsAppUpdateReq,
    UpdateAppRequest,
)

from harness.emulator import EmulatorProcess, objects
from harness.results import ProviderError
from harness.sequences import Deployment
from providers.resources import AppProvider
from tests.emulator.sdk import msgsms_client
from tests.providers.support import intercepted

SHOP = {
    "region": "cn-north-4",
    "app_name": "shop-notify",
    "scope": "cn",
    "up_link_addr": "https://hooks.example.com/sms/up",
}


def test_create_returns_what_the_answer_shows_and_a_refresh_reads_the_rest(
    deployment: Deployment, emulator: EmulatorProcess
) -> None:
    mark = deployment.mark()
    app = deployment.create(AppProvider, "shop", SHOP)
    [stored] = objects(emulator, "apps")
    # the adopt lookup (apps adopt by default), then the POST: nothing is read back
    assert [c.split()[0] for c in deployment.api_calls(mark)] == ["GET", "POST"]
    assert app.id == stored["id"]
    assert app["app_key"] == stored["app_key"]
    assert app["app_secret"] == stored["app_secret"]
    assert (app["app_name"], app["scope"]) == ("shop-notify", "cn")
    assert app["up_link_addr"] == SHOP["up_link_addr"]
    assert app["status"] is None and app["app_access_addr"] is None  # not in the answer
    refreshed = deployment.refresh(app)
    assert refreshed is not None
    assert refreshed["status"] == "LAUNCHED"
    assert refreshed["app_access_addr"] == stored["app_access_addr"]
    assert refreshed["app_secret"] == stored["app_secret"]  # kept: only the answer had it


def test_a_second_up_with_nothing_changed_makes_no_api_call(deployment: Deployment) -> None:
    app = deployment.create(AppProvider, "shop", SHOP)
    mark = deployment.mark()
    step = deployment.up(app, dict(SHOP))
    assert step.op == "same"
    assert deployment.api_calls(mark) == []


def test_declaring_the_enterprise_project_it_is_in_changes_nothing_remotely(
    deployment: Deployment, emulator: EmulatorProcess
) -> None:
    app = deployment.create(AppProvider, "shop", SHOP)
    declared = {**SHOP, "enterprise_project_id": "0", "enterprise_project_name": "default"}
    step = deployment.up(app, declared)
    # the stack did not know the project before: one update records it, then nothing
    assert step.op == "update"
    [stored] = objects(emulator, "apps")
    assert (stored["enterprise_project_id"], stored["enterprise_project_name"]) == ("0", "default")
    assert deployment.up(step.state, declared).op == "same"


def test_name_uplink_and_enterprise_project_change_in_place(
    deployment: Deployment, emulator: EmulatorProcess
) -> None:
    app = deployment.create(AppProvider, "shop", SHOP)
    renamed = {k: v for k, v in SHOP.items() if k != "up_link_addr"}
    renamed.update(app_name="shop-notices", enterprise_project_id="ep-1")
    step = deployment.up(app, renamed)
    assert step.op == "update"
    [stored] = objects(emulator, "apps")
    assert stored["app_name"] == "shop-notices"
    assert stored["up_link_addr"] is None  # removing the input cleared it
    assert stored["enterprise_project_id"] == "ep-1"
    assert step.state["app_name"] == "shop-notices"
    # the secret shown only at creation survives the update
    assert step.state["app_secret"] == app["app_secret"]
    assert deployment.up(step.state, renamed).op == "same"


@pytest.mark.parametrize(
    ("change", "key"), [({"scope": "intl"}, "scope"), ({"region": "cn-south-1"}, "region")]
)
def test_scope_and_region_replace_and_the_old_app_is_left_with_a_notice(
    deployment: Deployment, emulator: EmulatorProcess, change: dict[str, str], key: str
) -> None:
    app = deployment.create(AppProvider, "shop", SHOP)
    news = {**SHOP, **change}
    if change.get("scope") == "intl":
        del news["up_link_addr"]
    mark = deployment.mark()
    step = deployment.up(app, news)
    assert step.op == "replace"
    assert step.diff.replaces == (key,)
    assert not step.diff.delete_before_replace
    assert step.state.id != app.id
    assert {a["id"] for a in objects(emulator, "apps")} == {app.id, step.state.id}
    assert deployment.saw(mark, "left in place")


def test_create_adopts_an_app_with_the_same_name_and_scope_by_default(
    deployment: Deployment, emulator: EmulatorProcess
) -> None:
    sdk = msgsms_client(emulator)
    made = sdk.create_app(CreateAppRequest(body=SmsAppAddReq(app_name="shop-notify", region="cn")))
    # a same-name app of the other scope is not the one
    sdk.create_app(CreateAppRequest(body=SmsAppAddReq(app_name="shop-notify", region="intl")))
    mark = deployment.mark()
    app = deployment.create(AppProvider, "shop", SHOP)
    assert app.id == made.id
    assert len(objects(emulator, "apps")) == 2
    # adopting brought the uplink address in line
    assert [a["up_link_addr"] for a in objects(emulator, "apps") if a["id"] == made.id] == [
        SHOP["up_link_addr"]
    ]
    assert app["app_secret"] is None
    notices = "\n".join(deployment.notices(mark, expect="app_secret stays empty"))
    assert "adopting" in notices and "app_secret stays empty" in notices


def test_an_undeclared_enterprise_project_is_left_as_it_is(
    deployment: Deployment, emulator: EmulatorProcess
) -> None:
    body = SmsAppAddReq(app_name="shop-notify", region="cn", enterprise_project_id="ep-7")
    msgsms_client(emulator).create_app(CreateAppRequest(body=body))
    app = deployment.create(AppProvider, "shop", SHOP)
    refreshed = deployment.refresh(app)
    assert refreshed is not None and "enterprise_project_id" not in refreshed.inputs
    assert deployment.diff(refreshed, SHOP).changes == "none"
    step = deployment.up(refreshed, {**SHOP, "app_name": "shop-notices"})
    assert step.op == "update"
    assert objects(emulator, "apps")[0]["enterprise_project_id"] == "ep-7"


def test_adopt_false_creates_another_app(deployment: Deployment, emulator: EmulatorProcess) -> None:
    first = deployment.create(AppProvider, "shop", SHOP)
    second = deployment.create(AppProvider, "shop2", {**SHOP, "adopt": False})
    assert first.id != second.id
    assert len(objects(emulator, "apps")) == 2


def test_a_lost_create_answer_leaves_no_duplicate(
    deployment: Deployment, emulator: EmulatorProcess
) -> None:
    with intercepted(emulator) as (cut, proxy):
        lost = proxy.on("POST", r"/msgsms/apps$", "drop-answer")
        app = cut.create(AppProvider, "shop", {**SHOP, "adopt": False})
    assert lost.hits and not lost.times
    [stored] = objects(emulator, "apps")
    assert app.id == stored["id"]
    assert proxy.requests("POST") == lost.hits  # looked up, not sent again


def test_delete_leaves_the_app_and_says_so(
    deployment: Deployment, emulator: EmulatorProcess
) -> None:
    app = deployment.create(AppProvider, "shop", SHOP)
    mark = deployment.mark()
    deployment.destroy(app)
    assert deployment.api_calls(mark) == []
    assert [a["id"] for a in objects(emulator, "apps")] == [app.id]
    [line] = [n for n in deployment.notices(mark, expect="left in place") if "left in place" in n]
    assert "cannot delete apps" in line and app.id in line


def test_refresh_sees_a_change_made_with_the_official_sdk(
    deployment: Deployment, emulator: EmulatorProcess
) -> None:
    app = deployment.create(AppProvider, "shop", SHOP)
    msgsms_client(emulator).update_app(
        UpdateAppRequest(
            id=app.id,
            body=SmsAppUpdateReq(app_name="renamed-by-hand", region="cn", up_link_addr=""),
        )
    )
    refreshed = deployment.refresh(app)
    assert refreshed is not None
    assert refreshed.inputs["app_name"] == "renamed-by-hand"
    assert "up_link_addr" not in refreshed.inputs
    assert refreshed["app_name"] == "renamed-by-hand"
    assert refreshed["app_secret"] == app["app_secret"]
    # the program still declares the old values: the next up puts them back in place
    step = deployment.up(refreshed, SHOP)
    assert step.op == "update"
    assert objects(emulator, "apps")[0]["app_name"] == "shop-notify"


def test_refresh_of_an_unchanged_app_leaves_no_diff(deployment: Deployment) -> None:
    app = deployment.create(AppProvider, "shop", SHOP)
    refreshed = deployment.refresh(app)
    assert refreshed is not None
    assert {k: v for k, v in refreshed.inputs.items() if k != "__provider"} == SHOP
    assert deployment.diff(refreshed, SHOP).changes == "none"


def test_read_of_a_missing_app_returns_an_empty_id(deployment: Deployment) -> None:
    app = deployment.create(AppProvider, "shop", SHOP)
    ghost = type(app)(app.kind, app.name, "f" * 32, app.inputs, app.outputs)
    assert deployment.refresh(ghost) is None


def test_check_names_the_property_and_what_to_do(deployment: Deployment) -> None:
    result = deployment.check(
        AppProvider,
        {
            "region": "cn-north-4",
            "app_name": "shop notify!",
            "scope": "intl",
            "up_link_addr": "https://x.example.com",
            "colour": "blue",
        },
    )
    reasons = {f.property: f.reason for f in result.failures}
    assert set(reasons) == {"app_name", "up_link_addr", "colour"}
    assert "letters, digits" in reasons["app_name"]
    assert "only for scope cn" in reasons["up_link_addr"]
    assert "not an input of msgsms:App" in reasons["colour"]


def test_create_fails_clearly_when_the_quota_is_reached(
    deployment: Deployment, emulator: EmulatorProcess
) -> None:
    emulator.admin.put("/quotas", json={"apps_per_region": 0}).raise_for_status()
    with pytest.raises(ProviderError) as caught:
        deployment.create(AppProvider, "shop", SHOP)
    assert "MSGSMS.0002" in caught.value.reason and "app quota reached" in caught.value.reason
    assert objects(emulator, "apps") == []
