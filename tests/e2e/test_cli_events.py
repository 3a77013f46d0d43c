"""How the CLI variant reads the CLI's engine events (events built as the CLI emits them)."""

from __future__ import annotations

from typing import Any

from pulumi import automation as auto

from harness.engine.automation import EngineEventLog
from tests.e2e.conftest import FILE_TYPE

URN = f"urn:pulumi:test::toy::{FILE_TYPE}::x"


def _event(seq: int, **body: Any) -> auto.EngineEvent:
    return auto.EngineEvent.from_json({"sequence": seq, "timestamp": seq, **body})


def _step(op: str, urn: str = URN, **extra: Any) -> dict[str, Any]:
    return {"metadata": {"op": op, "urn": urn, "type": FILE_TYPE, "provider": "", **extra}}


def test_steps_come_from_resource_pre_events_in_order() -> None:
    log = EngineEventLog()

    for seq, op in enumerate(["create-replacement", "replace", "delete-replaced"]):
        log(_event(seq, resourcePreEvent=_step(op)))

    assert [(s.name, s.op) for s in log.steps] == [
        ("x", "create-replacement"),
        ("x", "replace"),
        ("x", "delete-replaced"),
    ]


def test_refresh_results_come_from_the_outputs_event() -> None:
    log = EngineEventLog()
    old = {"urn": URN, "type": FILE_TYPE, "inputs": {"content": "a"}, "outputs": {"content": "a"}}
    edited = {**old, "inputs": {"content": "b"}, "outputs": {"content": "b"}}
    gone = URN.replace("::x", "::y")

    log(_event(1, resourcePreEvent=_step("refresh")))
    log(_event(2, resourcePreEvent=_step("refresh", gone)))
    log(_event(3, resOutputsEvent=_step("refresh", old=old, new=edited)))
    log(_event(4, resOutputsEvent=_step("refresh", gone, old={**old, "urn": gone})))

    assert [(s.name, s.op, s.result) for s in log.steps] == [
        ("x", "refresh", "update"),
        ("y", "refresh", "delete"),
    ]


def test_error_diagnostics_become_errors() -> None:
    log = EngineEventLog()

    log(_event(1, diagnosticEvent={"message": "hello\n", "color": "never", "severity": "info"}))
    log(_event(2, diagnosticEvent={"message": "boom\n", "color": "never", "severity": "error"}))

    assert log.diagnostics == ["[info] hello", "[error] boom"]
    assert log.errors == ["boom"]
