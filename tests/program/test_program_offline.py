"""The program of `make up`: the dev stack's catalog applied to a real emulator.

The offline engine runs `__main__.py` and a real provider process, as `pulumi up` would, with
the stack's endpoints pointed at the test emulator (which decides reviews after a second).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from harness.emulator import EmulatorProcess
from harness.engine import Engine
from harness.engine.properties import is_secret, plain
from harness.engine.summary import PassSummary
from providers.catalog import load_catalog

ROOT = Path(__file__).resolve().parents[2]
DEV = load_catalog(ROOT / "stacks" / "dev.sms.yaml", root=ROOT)


def _dev_stack(emulator: EmulatorProcess, state_dir: Path) -> Engine:
    return Engine(
        ROOT,
        "dev",
        state_dir=state_dir,
        config={"msgsms:endpoints": emulator.endpoints()},
        secrets={
            "msgsms:accessKey": emulator.info["access_key"],
            "msgsms:secretKey": emulator.info["secret_key"],
        },
        emulator=emulator,
    )


def _catalog_ops(summary: PassSummary) -> Counter[str]:
    """The steps of the catalog's resources (the stack resource and providers left out)."""
    keys = {d.key for d in DEV}
    return Counter(step.op for step in summary.steps if step.name in keys)


def _objects(emulator: EmulatorProcess, kind: str) -> list[dict[str, Any]]:
    answer = emulator.admin.get("/objects", params={"kind": kind})
    answer.raise_for_status()
    items: list[dict[str, Any]] = answer.json()
    return items


@pytest.mark.slow
def test_dev_stack_comes_up_approved_and_a_second_up_calls_no_api(
    emulator: EmulatorProcess, tmp_path: Path
) -> None:
    stack = _dev_stack(emulator, tmp_path / "state")

    preview = stack.preview()
    assert _catalog_ops(preview) == Counter(create=len(DEV))

    up = stack.up()

    assert _catalog_ops(up) == Counter(create=len(DEV))
    templates = up.output("templates")
    assert set(templates) == {t.key for t in DEV.of_kind("template")}
    for key, template in templates.items():
        assert template["flow_status"] == "Adopted", key  # dev waits for the review
        assert template["template_id"], key
        assert template["segments"] >= 1, key
    signatures = up.output("signatures")
    for key, signature in signatures.items():
        assert signature["status"] == "REVIEW_PROCESSING_COMPLETED", key
        assert signature["channel_num"], key
    for key, app in up.outputs["apps"].items():
        assert is_secret(app["app_secret"]), key
        assert not is_secret(app["app_key"]), key
    # what the emulator holds is what the catalog declares, once
    assert sorted(a["app_name"] for a in _objects(emulator, "apps")) == sorted(
        d.inputs["app_name"] for d in DEV.of_kind("app")
    )
    assert len(_objects(emulator, "signatures")) == len(DEV.of_kind("signature"))
    assert len(_objects(emulator, "templates")) == len(DEV.of_kind("template"))
    # references became dependencies in the state
    state = stack.checkpoint()
    login = state.find("login_code")
    assert {state.find("shop").urn, state.find("shop_code").urn} <= set(login.dependencies)
    assert plain(login.inputs)["sign_id"] == state.find("shop_code").id

    again = stack.up()

    assert _catalog_ops(again) == Counter(same=len(DEV))
    assert set(again.changes) == {"same"}
    assert again.api_requests == 0
