"""The admin API: request log, objects, quotas, clock, app status; loopback JSON only."""

from __future__ import annotations

import httpx

from tests.emulator.api import RawApi
from tests.emulator.sdk import iam_token
from tests.support.emulator import EmulatorProcess


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
