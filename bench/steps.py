"""API requests per step kind and resource type, from the emulator's request log.

A real provider process (``python -m pulumi.dynamic``, as the engine starts it) is driven
through the engine's call sequences for one resource at a time (``harness.sequences``):
create, same (an ``up`` with nothing changed), update, replace, refresh and delete, for an
app, a signature file, a signature and a template. The request log is read around each step.
Reviews are decided by the bench (manual review) so that every step meets the state it needs:
updates of reviewed objects happen while they are rejected, replacements while approved.
"refresh" reads a settled object (approved, unchanged since the last read); "refresh after a
change" is the first read after its review was decided. A template's "create" is under an
app the provider process created; the first create under an app of an earlier run, measured
apart, also reads the app's key and lists its templates once (the lookup that takes over what
a killed run created), so there a catalog of N templates costs 1 + 2/N requests a create.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Literal

from harness.emulator import EmulatorProcess, decide, set_review
from harness.provider_host import ProviderHost
from harness.sequences import Deployment, State, stack_config
from providers import spec
from providers.client import models
from providers.resources import (
    AppProvider,
    SignatureFileProvider,
    SignatureProvider,
    TemplateProvider,
)

from .reqlog import count_operations
from .target import ROOT, client, emulator

__all__ = ["KINDS", "STEPS", "TARGETS", "run"]

#: A refresh right after the object changed (a review decided, a replacement made).
CHANGED_REFRESH = "refresh after a change"
STEPS = ("create", "same", "update", "replace", "refresh", CHANGED_REFRESH, "delete")
#: The resource types measured, in build order (their titles in providers.spec).
KINDS = tuple(kind.title for kind in spec.KINDS)
Prepare = Callable[[State], None]
Decision = Literal["approve", "reject"]
#: The first template create under an app that existed before the provider process (made by
#: an earlier run) also reads the app's key and lists its templates once: how a create killed
#: in that earlier run is found and taken over, not made again. Under an app the process
#: created itself, nothing can have been left: no listing.
FIRST_CREATE = "create, the first under an app of an earlier run"
#: (step kind, resource type or None for every type) -> the most API requests one resource
#: may take.
TARGETS: dict[tuple[str, str | None], int] = {
    ("same", None): 0,
    ("refresh", None): 1,
    ("create", "Template"): 1,
    ("update", "Template"): 2,
    ("replace", "Template"): 3,  # its create and at most one read, and the delete
}

CONTENT = "您的订单${1}已于${2}发货，快递单号${3}。"
VARIABLES = [
    {"variable_index": 1, "variable_type": "CHARDIGIT"},
    {"variable_index": 2, "variable_type": "DATETIME"},
    {"variable_index": 3, "variable_type": "CHARDIGIT"},
]


class Meter:
    """Counts the API requests of each (resource type, step) measured."""

    def __init__(self, emu: EmulatorProcess) -> None:
        self.emu = emu
        self.rows: list[dict[str, Any]] = []

    @contextmanager
    def step(self, kind: str, step: str) -> Iterator[None]:
        since = self.emu.last_seq()
        yield
        entries = self.emu.requests(since=since)
        self.rows.append(
            {
                "type": kind,
                "step": step,
                "requests": len(entries),
                "operations": count_operations(entries),
            }
        )


def _lifecycle(
    d: Deployment,
    meter: Meter,
    state: State,
    *,
    update: tuple[dict[str, Any], Prepare] | None,
    replacement: tuple[dict[str, Any], Prepare],
    settle: Prepare | None = None,
) -> None:
    """same, update (after ``prepare``), replace (after ``prepare``), refresh and delete of
    a created resource; ``update`` and ``replacement`` are (changed inputs, prepare);
    ``settle`` decides the replacement's review before it is read and deleted."""
    kind = state.kind.title
    with meter.step(kind, "same"):
        step = d.up(state, state.inputs)
    assert step.op == "same", step
    for op, change in (("update", update), ("replace", replacement)):
        if change is None:
            continue
        changes, prepare = change
        prepare(state)
        with meter.step(kind, op):
            step = d.up(state, {**state.inputs, **changes})
        assert step.op == op, step
        state = step.state
    if settle is not None:
        settle(state)
    # the first refresh after a change reads what changed; the next one is a settled stack's
    with meter.step(kind, CHANGED_REFRESH):
        refreshed = d.refresh(state)
    assert refreshed is not None
    with meter.step(kind, "refresh"):
        refreshed = d.refresh(refreshed)
    assert refreshed is not None
    with meter.step(kind, "delete"):
        d.destroy(refreshed)


def _scenarios(d: Deployment, emu: EmulatorProcess, meter: Meter, workdir: Path) -> None:
    def nothing(_state: State) -> None:
        pass

    def review(kind: Literal["signatures", "templates"], decision: Decision) -> Prepare:
        def prepare(state: State) -> None:
            decide(emu, kind, state.id, decision)

        return prepare

    app_inputs = {"region": "cn-north-4", "app_name": "bench-shop", "scope": "cn"}
    with meter.step("App", "create"):
        app = d.create(AppProvider, "shop", app_inputs)
    _lifecycle(
        d,
        meter,
        app,
        update=({"app_name": "bench-shop-2"}, nothing),
        replacement=({"scope": "intl"}, nothing),
    )
    # the app is not deleted remotely (the API cannot): keep using it
    licence = workdir / "licence.png"
    licence.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    file_inputs = {"region": "cn-north-4", "path": str(licence), "description": "licence"}
    with meter.step("SignatureFile", "create"):
        upload = d.create(SignatureFileProvider, "licence", file_inputs)
    _lifecycle(d, meter, upload, update=None, replacement=({"description": "licence 2"}, nothing))

    signature_inputs = {
        "region": "cn-north-4",
        "app_id": app.id,
        "signature_name": "云商城",
        "signature_type": "NOTIFY_TYPE",
        "signature_source": 0,
        "is_involved_third": "No",
        "apply_desc": "order notices",
    }
    with meter.step("Signature", "create"):
        signature = d.create(SignatureProvider, "sig", signature_inputs)
    _lifecycle(
        d,
        meter,
        signature,
        update=({"apply_desc": "order and delivery notices"}, review("signatures", "reject")),
        replacement=({"signature_name": "云商城二"}, review("signatures", "approve")),
        settle=review("signatures", "approve"),
    )

    keep = d.create(SignatureProvider, "sig-kept", signature_inputs)
    decide(emu, "signatures", keep.id, "approve")
    template_inputs = {
        "region": "cn-north-4",
        "app_id": app.id,
        "scope": "cn",
        "template_name": "order-shipped",
        "template_content": CONTENT,
        "template_type": "NOTIFY_TYPE",
        "sign_id": keep.id,
        "signature_name": "云商城",
        "variable_attributes": VARIABLES,
    }
    # an app made outside this provider process, in another region (two apps per region)
    earlier = client(emu).create_app(
        models.AppAddRequest(app_name="bench-earlier", region="cn"), region="cn-south-1"
    )
    first_inputs = {
        "region": "cn-south-1",
        "app_id": earlier.id,
        "scope": "cn",
        "template_name": "order-paid",
        "template_content": CONTENT,
        "template_type": "NOTIFY_TYPE",
        "universal_template": 1,
        "variable_attributes": VARIABLES,
    }
    with meter.step("Template", FIRST_CREATE):
        d.create(TemplateProvider, "paid", first_inputs)
    with meter.step("Template", "create"):
        template = d.create(TemplateProvider, "shipped", template_inputs)
    _lifecycle(
        d,
        meter,
        template,
        update=({"template_content": CONTENT + "谢谢。"}, review("templates", "reject")),
        replacement=({"template_content": CONTENT + "祝好。"}, review("templates", "approve")),
        settle=review("templates", "approve"),
    )


def _table(rows: list[dict[str, Any]]) -> dict[str, dict[str, int | None]]:
    table: dict[str, dict[str, int | None]] = {k: dict.fromkeys(STEPS) for k in KINDS}
    for row in rows:
        if row["step"] in STEPS:
            table[row["type"]][row["step"]] = row["requests"]
    return table


def _targets(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    checks = []
    for (step, kind), most in TARGETS.items():
        measured = [r["requests"] for r in rows if r["step"] == step and kind in (None, r["type"])]
        checks.append(
            {
                "target": f"{kind or 'every resource'}: {step} ≤ {most}",
                "worst": max(measured),
                "met": max(measured) <= most,
            }
        )
    return checks


def run(workdir: Path, *, quick: bool = False) -> dict[str, Any]:
    """``quick`` changes nothing here: every step is one measurement of a count."""
    with (
        emulator(workdir / "steps") as emu,
        ProviderHost(ROOT, project="msgsms") as host,
    ):
        host.configure(stack_config(emu))
        set_review(emu, "manual")
        meter = Meter(emu)
        _scenarios(Deployment(host, emu), emu, meter, workdir)
    return {"table": _table(meter.rows), "rows": meter.rows, "targets": _targets(meter.rows)}
