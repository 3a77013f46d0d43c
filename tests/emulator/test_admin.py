"""The admin API: request log, objects, quotas, clock, app status; loopback JSON only."""

from __future__ import annotations

from pathlib import Path

import httpx

from harness.emulator import EmulatorProcess, start_emulator
from tests.emulator.api import RawApi
from tests.emulator.sdk import iam_token


def test_the_request_log_lists_api_calls_only(emulator: EmulatorProcess, api: RawApi) -> None:
    start = emulator.last_seq()
    api.ok("GET", "/apps", params=[("limit", "5")])
    iam_token(emulator)
    httpx.get(emulator.url + "/health")
    emulator.admin.get("/quotas")
    entries = emulator.requests(start)
    assert [(e["api"], e["method"], e["status"]) for e in entries] == [
        ("msgsms", "GET", 200),
        ("iam", "POST", 201),
    ]
    first = entries[0]
    assert first["region"] == "cn-north-4" and first["query"] == "limit=5"
    assert first["path"] == api.path("/apps") and first["fault"] is None
    assert entries[1]["region"] is None and entries[1]["path"] == "/v3/auth/tokens"
    assert [e["api"] for e in emulator.requests(start, api="iam")] == ["iam"]
    assert emulator.requests(entries[0]["seq"]) == entries[1:]
    assert emulator.last_seq() == entries[1]["seq"]


def test_clearing_the_log_keeps_sequence_numbers_growing(
    emulator: EmulatorProcess, api: RawApi
) -> None:
    api.ok("GET", "/apps")
    before = emulator.last_seq()
    assert emulator.admin.delete("/requests").status_code == 204
    assert emulator.requests() == [] and emulator.last_seq() == before
    api.ok("GET", "/apps")
    assert [e["seq"] for e in emulator.requests()] == [before + 1]


def test_objects_lists_everything_of_a_kind_per_region(
    emulator: EmulatorProcess, api: RawApi
) -> None:
    north = api.create_app("north")
    file_id = api.upload()
    with RawApi(emulator, "cn-south-1") as south:
        south.create_app("south")
    apps = emulator.admin.get("/objects", params={"kind": "apps"}).json()
    assert {(a["app_name"], a["endpoint_region"]) for a in apps} == {
        ("north", "cn-north-4"),
        ("south", "cn-south-1"),
    }
    only_north = emulator.admin.get("/objects", params={"kind": "apps", "region": "cn-north-4"})
    [app] = only_north.json()
    assert app["app_secret"] == north["app_secret"] and app["id"] == north["id"]
    [file] = emulator.admin.get("/objects", params={"kind": "files"}).json()
    assert file["file_id"] == file_id and len(file["sha256"]) == 64
    bad = emulator.admin.get("/objects", params={"kind": "buckets"})
    assert bad.status_code == 400 and "kind" in bad.json()["error"]


def test_quotas_and_clock_round_trip(emulator: EmulatorProcess) -> None:
    quotas = {"apps_per_region": 5, "signatures_per_app": 10, "templates_per_app": 20}
    assert emulator.admin.put("/quotas", json=quotas).json() == quotas
    assert emulator.admin.get("/quotas").json() == quotas
    assert emulator.admin.put("/quotas", json={**quotas, "apps_per_region": -1}).status_code == 400
    assert emulator.admin.put("/quotas", json={**quotas, "buckets": 1}).status_code == 400
    assert emulator.admin.put("/clock", json={"offset_seconds": 30}).json() == {
        "offset_seconds": 30.0
    }
    emulator.reset()
    assert emulator.admin.get("/clock").json() == {"offset_seconds": 0.0}


def test_an_operator_may_suspend_an_app(emulator: EmulatorProcess, api: RawApi) -> None:
    app = api.create_app()
    changed = emulator.admin.post(f"/apps/{app['id']}/status", json={"status": "SUSPENDED"})
    assert changed.json() == {"id": app["id"], "status": "SUSPENDED"}
    assert api.ok("GET", f"/apps/{app['id']}")["status"] == "SUSPENDED"
    assert api.ok("GET", "/apps", params=[("status", "SUSPENDED")])["total"] == 1
    missing = emulator.admin.post("/apps/nope/status", json={"status": "LAUNCHED"})
    assert missing.status_code == 404


def test_admin_errors_are_json(emulator: EmulatorProcess) -> None:
    malformed = emulator.admin.put(
        "/faults", content=b"{", headers={"Content-Type": "application/json"}
    )
    assert malformed.status_code == 400 and "malformed JSON" in malformed.json()["error"]
    unknown = emulator.admin.get("/nothing")
    assert unknown.status_code == 404 and unknown.json()["error_code"] == "APIG.0101"


def test_admin_puts_change_only_the_fields_they_name(tmp_path: Path) -> None:
    flags = ("--review-delay", "7", "--signatures-per-app", "9", "--apps-quota", "3")
    with start_emulator(tmp_path, *flags) as emu:
        admin = emu.admin
        assert admin.put("/review-policy", json={"mode": "manual"}).json() == {
            "mode": "manual",
            "delay_seconds": 7.0,
            "reviewing_templates_deletable": False,
        }, "the delay is still the --review-delay flag"
        assert admin.put("/quotas", json={"apps_per_region": 5}).json() == {
            "apps_per_region": 5,
            "signatures_per_app": 9,
            "templates_per_app": 2000,
        }
        admin.put("/sending", json={"callback_attempts": 3}).raise_for_status()
        sending = admin.put("/sending", json={"billing_mode": "resource_package"}).json()
        assert (sending["callback_attempts"], sending["billing_mode"]) == (3, "resource_package")
        admin.put("/outcomes", json={"default": "UNDELIV"}).raise_for_status()
        outcomes = admin.put("/outcomes", json={"numbers": {"13800000000": "DELIVRD"}}).json()
        assert outcomes == {"default": "UNDELIV", "numbers": {"+8613800000000": "DELIVRD"}}
        admin.put("/faults", json={"latency_ms": [1, 2], "apis": ["iam"]}).raise_for_status()
        faults = admin.put("/faults", json={"seed": 7}).json()
        assert (faults["latency_ms"], faults["apis"], faults["seed"]) == ([1, 2], ["iam"], 7)
        refused = admin.put("/faults", json={"latency_ms": [5, 1]})
        assert refused.status_code == 400
        assert admin.get("/faults").json()["latency_ms"] == [1, 2], "a refused PUT changes nothing"
        admin.post("/reset").raise_for_status()
        assert admin.get("/review-policy").json()["delay_seconds"] == 7.0
        assert admin.get("/quotas").json()["apps_per_region"] == 3
        assert admin.get("/sending").json()["callback_attempts"] == 5
