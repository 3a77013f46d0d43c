"""A create whose object exists but cannot be read back, nor deleted again, is kept in the
state: raising would leave the object behind, unknown to the stack, and the next run would
make a second one (what an outage of the API during `up` did before).

In-process against a scripted transport, as the outage has to come at a chosen moment; the
kill -9 scenario in ``test_crash`` shows the same through the engine. A rollback that can
delete the object still raises (``tests/providers/test_transactions.py``).
"""

from __future__ import annotations

import httpx
import pytest

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


def test_a_signature_that_cannot_be_read_back_nor_deleted_stays_in_the_stack(
    capfd: pytest.CaptureFixture[str],
) -> None:
    def script(request: httpx.Request) -> httpx.Response:
        return answer({"id": "sig-1"}) if request.method == "POST" else unreachable(request)

    provider, calls = scripted(SignatureProvider, script)

    result = provider.create(dict(SIGNATURE_INPUTS))

    assert result.id == "sig-1"
    assert calls == ["POST /signatures", "GET /signatures/sig-1", "DELETE /signatures/sig-1"]
    outs = result.outs or {}
    assert {k: outs[k] for k in SIGNATURE_INPUTS} == SIGNATURE_INPUTS  # the inputs, as always
    assert outs["status"] is None and outs["review_state"] is None  # unread, for a refresh
    notice = capfd.readouterr().err
    assert "'云商城' (cn-north-4, sig-1): created, but reading it back failed" in notice
    assert "it stays in the stack" in notice and "`pulumi refresh`" in notice


def test_a_template_under_review_that_cannot_be_read_back_stays_in_the_stack() -> None:
    reads = []

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
        reads.append(path)
        if len(reads) == 1:  # the read-back
            return httpx.Response(503, content=b'{"error_code": "APIG.0201", "error_msg": "x"}')
        # the rollback looks before deleting: still under review, so it cannot delete
        return answer({"id": "tpl-1", "flow_status": "Reviewing"})

    provider, calls = scripted(TemplateProvider, script)

    result = provider.create(dict(TEMPLATE))

    assert result.id == "tpl-1"
    assert reads[0] == "/templates/tpl-1"
    assert [c for c in calls if c.startswith(("POST", "DELETE"))] == ["POST /templates"]
    assert (result.outs or {})["template_name"] == "order-shipped"


def test_an_app_that_cannot_be_read_back_stays_in_the_stack_with_its_secret() -> None:
    def script(request: httpx.Request) -> httpx.Response:
        if request.method == "POST":
            return answer({"id": "app-1", "app_key": "key-1", "app_secret": "s3cret-of-app"})
        if request.url.path.endswith("/apps"):  # no identical app exists yet
            return answer({"results": [], "total": 0})
        return unreachable(request)

    provider, calls = scripted(AppProvider, script)

    result = provider.create(dict(APP))

    assert result.id == "app-1"
    # apps cannot be deleted: no attempt
    assert calls == ["GET /apps", "POST /apps", "GET /apps/app-1"]
    assert (result.outs or {})["app_secret"] == "s3cret-of-app"  # shown once, kept
