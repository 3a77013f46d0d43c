"""An outage of the API right after a create's POST cannot leave the object behind, unknown
to the stack (which would make a second one next run): a create is its POST, and nothing
after it can fail.

In-process against a scripted transport, as the outage has to come at a chosen moment; the
kill -9 scenarios in ``test_crash`` and ``test_killed_runs`` show the same through the engine.
"""

from __future__ import annotations

import httpx

from providers.resources import AppProvider, SignatureProvider, TemplateProvider
from tests.support.scripted import BASE, SIGNATURE_INPUTS, answer, scripted

TEMPLATE = {
    "region": "cn-north-4",
    "app_id": "app-1",
    "scope": "cn",
    "template_name": "order-shipped",
    "template_content": "您的订单${1}已发货。",
    "template_type": "NOTIFY_TYPE",
    "sign_id": "sig-1",
    "variable_attributes": [{"variable_index": 1.0, "variable_type": "CHARDIGIT"}],
}
APP = {"region": "cn-north-4", "app_name": "shop", "scope": "cn", "adopt": False}


def unreachable(request: httpx.Request) -> httpx.Response:
    raise httpx.ConnectError("connection refused", request=request)


def test_an_outage_right_after_a_signature_create_cannot_orphan_it() -> None:
    def script(request: httpx.Request) -> httpx.Response:
        return answer({"id": "sig-1"}) if request.method == "POST" else unreachable(request)

    provider, calls = scripted(SignatureProvider, script)

    result = provider.create(dict(SIGNATURE_INPUTS))

    assert result.id == "sig-1"
    assert calls == ["POST /signatures"]  # nothing is read back
    outs = result.outs or {}
    assert {k: outs[k] for k in SIGNATURE_INPUTS} == SIGNATURE_INPUTS  # the inputs, as always
    assert (outs["status"], outs["review_state"]) == ("PENDING_REVIEW", "pending")


def test_an_outage_right_after_a_template_create_cannot_orphan_it() -> None:
    def script(request: httpx.Request) -> httpx.Response:
        path = request.url.path.removeprefix(BASE)
        if request.method == "POST":
            return answer({"id": "tpl-1"})
        # before the POST, the app's templates are listed (an interrupted run's copy would be
        # among them): there are none
        if path == "/apps/app-1":
            return answer({"id": "app-1", "app_key": "key-1"})
        if path == "/templates":
            return answer({"results": [], "total": 0})
        return unreachable(request)

    provider, calls = scripted(TemplateProvider, script)

    result = provider.create(dict(TEMPLATE))

    assert result.id == "tpl-1"
    assert calls == ["GET /apps/app-1", "GET /templates", "POST /templates"]
    outs = result.outs or {}
    assert (outs["template_name"], outs["flow_status"]) == ("order-shipped", "Reviewing")


def test_an_outage_right_after_an_app_create_cannot_orphan_it_nor_lose_its_secret() -> None:
    def script(request: httpx.Request) -> httpx.Response:
        if request.method == "POST":
            return answer({"id": "app-1", "app_key": "key-1", "app_secret": "s3cret-of-app"})
        if request.url.path.endswith("/apps"):  # no identical app exists yet
            return answer({"results": [], "total": 0})
        return unreachable(request)

    provider, calls = scripted(AppProvider, script)

    result = provider.create(dict(APP))

    assert result.id == "app-1"
    assert calls == ["GET /apps", "POST /apps"]
    assert (result.outs or {})["app_secret"] == "s3cret-of-app"  # shown once, kept


def test_a_template_under_an_app_the_same_process_created_is_its_post_alone() -> None:
    """Nothing can have been left under an app this process made: no listing, no app read."""
    calls: list[str] = []

    def script(request: httpx.Request) -> httpx.Response:
        path = request.url.path.removeprefix(BASE)
        if request.method == "POST" and path == "/apps":
            return answer({"id": "app-1", "app_key": "key-1", "app_secret": "s3cret-of-app"})
        if request.method == "POST":
            return answer({"id": "tpl-1"})
        if path == "/apps":
            return answer({"results": [], "total": 0})
        return unreachable(request)

    apps, _ = scripted(AppProvider, script, calls)
    templates, _ = scripted(TemplateProvider, script, calls)  # another provider, one process

    assert apps.create(dict(APP)).id == "app-1"
    assert templates.create(dict(TEMPLATE)).id == "tpl-1"
    assert calls == ["GET /apps", "POST /apps", "POST /templates"]
