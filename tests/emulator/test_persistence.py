"""SQLite in the data dir: a restart, or a kill -9 after an acknowledged write, loses nothing."""

from __future__ import annotations

from pathlib import Path

from harness.emulator import start_emulator
from tests.emulator.api import RawApi
from tests.emulator.sdk import iam_token


def test_a_restart_keeps_objects_credentials_and_tokens(tmp_path: Path) -> None:
    with start_emulator(tmp_path, "--review-delay", "0") as emu:
        before = dict(emu.info)
        api = RawApi(emu)
        app = api.create_app()
        file_id = api.upload()
        signature = api.create_signature(app["id"], file_id=file_id)
        template = api.create_template(app["id"], signature["id"])
        adopted = api.template(template["id"])
        token = iam_token(emu)
        api.close()
        assert emu.stop() == 0
        emu.start()
        assert emu.info["access_key"] == before["access_key"]
        assert emu.info["secret_key"] == before["secret_key"]
        assert emu.info["password"] == before["password"]
        assert (
            emu.info["regions"]["cn-north-4"]["project_id"]
            == (before["regions"]["cn-north-4"]["project_id"])
        )
        api = RawApi(emu)
        assert api.ok("GET", f"/apps/{app['id']}")["app_key"] == app["app_key"]
        assert api.ok("GET", "/upload-files", params=[("file_id", file_id)])["file_id"] == file_id
        assert api.template(template["id"]) == adopted
        with_token = RawApi(emu, token=token)
        assert with_token.ok("GET", "/signatures")["total"] == 1
        api.close()
        with_token.close()


def test_kill_9_after_acknowledged_writes_loses_none(tmp_path: Path) -> None:
    with start_emulator(tmp_path, "--review-delay", "3600") as emu:
        api = RawApi(emu)
        app = api.create_app()
        created = [api.create_signature(app["id"], f"签名{i:02d}号")["id"] for i in range(30)]
        api.ok("DELETE", f"/signatures/{created[0]}")
        api.close()
        assert emu.kill() == -9
        emu.start()
        api = RawApi(emu)
        listed = api.ok("GET", "/signatures", params=[("limit", "500")])
        assert listed["total"] == 29
        assert {s["id"] for s in listed["results"]} == set(created[1:])
        api.close()


def test_pending_reviews_continue_after_a_restart(tmp_path: Path) -> None:
    with start_emulator(tmp_path, "--review-delay", "60") as emu:
        api = RawApi(emu)
        signature = api.create_signature(api.create_app()["id"])
        api.close()
        emu.restart()
        api = RawApi(emu)
        assert api.signature(signature["id"])["status"] == "PENDING_REVIEW"
        emu.admin.put("/clock", json={"offset_seconds": 61}).raise_for_status()
        api.clock_offset = 61
        assert api.signature(signature["id"])["status"] == "REVIEW_PROCESSING_COMPLETED"
        api.close()


def test_a_restart_keeps_the_ports_and_the_request_log(tmp_path: Path) -> None:
    with start_emulator(tmp_path) as emu:
        api = RawApi(emu)
        api.ok("GET", "/apps")
        api.close()
        urls = (emu.url, emu.region("cn-south-1")["msgsms_url"])
        emu.restart()
        assert (emu.url, emu.region("cn-south-1")["msgsms_url"]) == urls
        assert [r["path"] for r in emu.requests()] == [api.path("/apps")]


def test_reset_wipes_objects_but_keeps_credentials(tmp_path: Path) -> None:
    with start_emulator(tmp_path) as emu:
        token = iam_token(emu)
        api = RawApi(emu)
        api.create_app()
        emu.reset()
        assert emu.requests() == []
        for kind in ("apps", "signatures", "templates", "files"):
            assert emu.admin.get("/objects", params={"kind": kind}).json() == []
        with RawApi(emu, token=token) as with_token:
            assert with_token.ok("GET", "/apps")["total"] == 0
        assert api.ok("GET", "/apps")["total"] == 0
        api.close()
