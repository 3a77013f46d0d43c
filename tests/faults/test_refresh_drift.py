"""A refresh after console drift: Read, then Diff (CLI >= 3.120), where the Diff calls no API.

The example catalog is deployed without waiting, the reviewer decides, and then the console
changes every kind of thing a refresh must absorb: an app renamed, a signature and templates
rejected, a rejected template edited (which resubmits it), a template deleted. The refresh
reads each resource and diffs the refreshed outputs against the stored inputs; those Diffs
judge by what the Read just saw, so they make no request, print no "replaced" notice, and a
flaky API (10 % of requests answered 429 or 503) only costs the Reads some retries. The rate
is chosen so that a Read fails only when all five of its attempts draw a fault (1 in 100,000);
at 20 % that was 1 in 3,000 per request, and a refresh of the example makes dozens.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from huaweicloudsdkmsgsms.v2 import (
    DeleteTemplateRequest,
    SmsAppUpdateReq,
    SmsTemplateReq,
    UpdateAppRequest,
    UpdateTemplateRequest,
)

from harness import PROJECT_ROOT
from harness.emulator import EmulatorProcess, decide, set_review
from harness.engine import Engine
from harness.provider_host import ProviderHost
from tests.emulator.sdk import msgsms_client
from tests.faults.stack import catalog_variant, example_stack, stack_settings

pytestmark = pytest.mark.slow

#: What the reviewer decides once everything is submitted (the rest is approved).
REJECTED = {"shop_promo", "order_shipped", "spring_sale", "service_visit"}


def _drift(emulator: EmulatorProcess, stack: Engine) -> dict[str, str]:
    """Decide every review, then change things in the console; the ids by key."""
    checkpoint = stack.checkpoint()
    ids = {r.name: r.id for r in checkpoint.resources if r.custom and r.id}
    for key in ("shop_code", "shop_notify", "shop_promo"):
        decide(emulator, "signatures", ids[key], "reject" if key in REJECTED else "approve")
    for key in ("login_code", "order_shipped", "spring_sale", "service_visit", "global_otp"):
        if key in REJECTED:
            decide(emulator, "templates", ids[key], "reject", "too vague")
        else:
            decide(emulator, "templates", ids[key], "approve")
    sdk = msgsms_client(emulator, "cn-north-4")
    sdk.update_app(
        UpdateAppRequest(
            id=ids["shop"],
            body=SmsAppUpdateReq(app_name="renamed-in-console", region="cn", up_link_addr=""),
        )
    )
    shipped = emulator.admin.get("/objects", params={"kind": "templates"}).json()
    [order] = [t for t in shipped if t["id"] == ids["order_shipped"]]
    sdk.update_template(  # edited while rejected: resubmitted
        UpdateTemplateRequest(
            id=ids["order_shipped"],
            body=SmsTemplateReq(
                app_id=ids["shop"],
                region="cn",
                template_name=order["template_name"],
                template_content="您的订单${1}已发货。",
                template_type=order["template_type"],
                sign_id=order["sign_id"],
                flow_status="Reviewing",
            ),
        )
    )
    sdk.delete_template(DeleteTemplateRequest(id=ids["spring_sale"]))
    return ids


def _provider_lines(diagnostics: list[str]) -> list[str]:
    return [d for d in diagnostics if d.startswith("[provider]")]


@pytest.fixture
def drifted(emulator: EmulatorProcess, tmp_path: Path) -> tuple[Engine, Path]:
    """The example stack, deployed and drifted; and a copy of its checkpoint from before any
    refresh, to refresh the same drift twice."""
    catalog = catalog_variant(tmp_path / "catalog", wait_for="none")
    stack = example_stack(emulator, tmp_path / "state", catalog=catalog)
    set_review(emulator, "manual")
    stack.up()
    _drift(emulator, stack)
    saved = tmp_path / "before-refresh.json"
    shutil.copy2(stack.checkpoint_path, saved)
    return stack, saved


def test_a_refresh_after_drift_succeeds_on_a_flaky_api_and_prints_no_replacement(
    emulator: EmulatorProcess, drifted: tuple[Engine, Path]
) -> None:
    stack, _ = drifted
    emulator.admin.put(
        "/faults",
        json={"error_rate": 0.1, "error_statuses": [429, 503], "seed": 7, "apis": ["msgsms"]},
    ).raise_for_status()

    summary = stack.refresh()

    faults = [r for r in emulator.requests(since=0, api="msgsms") if r.get("fault") == "error"]
    assert faults, "no fault was injected: the scenario proves nothing"
    found = {s.name: s.result for s in summary.steps if s.op == "refresh"}
    assert found["spring_sale"] == "delete"
    assert found["shop"] == "update" and found["order_shipped"] == "update"
    assert found["login_code"] == "same" and found["global_otp"] == "same"
    lines = _provider_lines(summary.diagnostics)
    assert not [line for line in lines if "replaced" in line or "resubmits" in line], lines
    checkpoint = stack.checkpoint()
    order = checkpoint.find("order_shipped")
    assert order.outputs["flow_status"] == "Reviewing"
    assert order.inputs["template_content"] == "您的订单${1}已发货。"
    assert checkpoint.find("service_visit").outputs["review_desc"] == "too vague"
    assert checkpoint.find("shop_promo").outputs["status"] == "REVIEW_NOT_PASS"


def test_the_diffs_of_a_refresh_make_no_api_request(
    emulator: EmulatorProcess, drifted: tuple[Engine, Path], tmp_path: Path
) -> None:
    _, saved = drifted
    diff_requests: list[int] = []

    class Observed(ProviderHost):
        """Counts the API requests made while a Diff call runs (one step at a time)."""

        def _call(self, method: str, request: Any) -> Any:
            if method != "Diff":
                return super()._call(method, request)
            before = emulator.last_seq()
            try:
                return super()._call(method, request)
            finally:
                diff_requests.append(emulator.last_seq() - before)

    settings = stack_settings(emulator, catalog=tmp_path / "catalog" / "example.sms.yaml")
    state = tmp_path / "serial"
    state.mkdir()
    shutil.copy2(saved, state / "dev.json")
    stack = Engine(
        PROJECT_ROOT,
        "dev",
        state_dir=state,
        config=settings.config,
        secrets=settings.secrets,
        env=settings.env,
        emulator=emulator,
        parallel=1,  # one call at a time: each request belongs to the call that was running
        provider_host=Observed,
    )

    summary = stack.refresh()

    reads = [s for s in summary.steps if s.op == "refresh"]
    assert len(diff_requests) == len([s for s in reads if s.result != "delete"]) > 0
    assert diff_requests == [0] * len(diff_requests)
    assert summary.api_requests is not None and summary.api_requests >= len(reads)
