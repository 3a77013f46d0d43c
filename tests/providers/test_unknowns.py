"""Previews: values of resources not created yet arrive as unknowns in check and diff; they
are tolerated, kept as unknowns, and never sent to the API."""

from __future__ import annotations

from typing import Any

import pytest

from harness.emulator import EmulatorProcess, decide, set_review
from harness.sequences import Deployment
from harness.wire import UNKNOWN
from providers.resources import (
    AppProvider,
    MsgsmsProvider,
    SignatureFileProvider,
    SignatureProvider,
    TemplateProvider,
)
from tests.providers.support import signature_inputs

NEW_RESOURCES: dict[type[MsgsmsProvider], dict[str, Any]] = {
    AppProvider: {"region": "cn-north-4", "app_name": UNKNOWN, "scope": "cn"},
    SignatureFileProvider: {"region": "cn-north-4", "path": UNKNOWN},
    SignatureProvider: {
        "region": "cn-north-4",
        "app_id": UNKNOWN,
        "signature_name": "云商城",
        "signature_type": "NOTIFY_TYPE",
        "signature_source": 0,
        "is_involved_third": "Yes",
        "power_attorney_file_id": UNKNOWN,
        "file_id": UNKNOWN,
    },
    TemplateProvider: {
        "region": "cn-north-4",
        "app_id": UNKNOWN,
        "scope": "cn",
        "template_name": "order-shipped",
        "template_content": "您的订单${1}已发货。",
        "template_type": "NOTIFY_TYPE",
        "sign_id": UNKNOWN,
        "signature_name": UNKNOWN,
        "variable_attributes": [{"variable_index": 1, "variable_type": UNKNOWN}],
    },
}


@pytest.mark.parametrize("kind", list(NEW_RESOURCES), ids=lambda k: k.title)
def test_check_of_a_new_resource_tolerates_unknowns_and_calls_no_api(
    deployment: Deployment, kind: type[MsgsmsProvider], emulator: EmulatorProcess
) -> None:
    mark = deployment.mark()
    news = NEW_RESOURCES[kind]
    result = deployment.check(kind, news, preview=True)
    assert result.failures == ()
    for key, value in news.items():
        if value == UNKNOWN:
            assert result.inputs[key] == UNKNOWN
    if kind is SignatureFileProvider:
        assert result.inputs["sha256"] == UNKNOWN  # the content depends on the path
    assert deployment.api_calls(mark) == []


def test_known_mistakes_are_still_reported_beside_unknowns(deployment: Deployment) -> None:
    news = {**NEW_RESOURCES[TemplateProvider], "template_content": "您的订单${1}${2}已发货。"}
    failures = deployment.check(TemplateProvider, news, preview=True).failures
    assert {f.property for f in failures} == {"template_content", "variable_attributes"}


def test_diff_treats_an_unknown_replace_key_as_a_replacement_without_api_calls(
    deployment: Deployment,
) -> None:
    app = deployment.app()
    mark = deployment.mark()
    diff = deployment.diff(
        app, {"region": "cn-north-4", "app_name": "shop", "scope": UNKNOWN}, preview=True
    )
    assert (diff.changes, diff.replaces) == ("some", ("scope",))
    diff = deployment.diff(
        app, {"region": "cn-north-4", "app_name": UNKNOWN, "scope": "cn"}, preview=True
    )
    assert (diff.changes, diff.replaces) == ("some", ())
    assert deployment.api_calls(mark) == []


@pytest.mark.parametrize(("decision", "replaced"), [("reject", ()), ("approve", ("sign_id",))])
def test_an_unknown_content_field_of_a_template_is_classified_by_its_live_status(
    deployment: Deployment,
    emulator: EmulatorProcess,
    decision: str,
    replaced: tuple[str, ...],
) -> None:
    set_review(emulator, "manual")
    app = deployment.app()
    sig = deployment.create(SignatureProvider, "sig", signature_inputs(app))
    news = {
        "region": "cn-north-4",
        "app_id": app.id,
        "scope": "cn",
        "template_name": "order-shipped",
        "template_content": "您的订单${1}已发货。",
        "template_type": "NOTIFY_TYPE",
        "sign_id": sig.id,
        "variable_attributes": [{"variable_index": 1, "variable_type": "CHARDIGIT"}],
    }
    tpl = deployment.create(TemplateProvider, "shipped", news)
    decide(emulator, "templates", tpl.id, decision)  # type: ignore[arg-type]
    mark = deployment.mark()
    # the signature is being replaced: its new id is not known in the preview
    diff = deployment.diff(tpl, {**news, "sign_id": UNKNOWN}, preview=True)
    assert (diff.changes, diff.replaces) == ("some", replaced)
    # only the template's status was read
    assert deployment.api_calls(mark) == [
        f"GET /v2/{emulator.region('cn-north-4')['project_id']}/msgsms/templates/{tpl.id}"
    ]
