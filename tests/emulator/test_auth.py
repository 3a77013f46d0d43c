"""Authentication failures answer like the API gateway: 401 APIG.0301, never the data."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest
from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.sdk_request import SdkRequest
from huaweicloudsdkcore.signer.signer import Signer

from harness.emulator import EmulatorProcess
from tests.emulator.api import RawApi, error_of
from tests.emulator.sdk import iam_token, password_auth


def _signed(
    emu: EmulatorProcess,
    region: str = "cn-north-4",
    *,
    method: str = "GET",
    suffix: str = "/apps",
    body: bytes = b"",
    extra_headers: dict[str, str] | None = None,
    project_id: str | None = None,
) -> tuple[str, dict[str, str], bytes]:
    """URL, headers and body of a request signed by Huawei's Signer."""
    base = emu.region(region)["msgsms_url"]
    project = project_id or emu.region(region)["project_id"]
    request = SdkRequest(
        method=method,
        schema="http",
        host=base.split("://", 1)[1],
        resource_path=f"/v2/{project}/msgsms{suffix}",
        query_params=[],
        header_params={
            "Content-Type": "application/json",
            "X-Project-Id": project,
            **(extra_headers or {}),
        },
        body=body,
    )
    Signer(BasicCredentials(emu.info["access_key"], emu.info["secret_key"])).sign(request)
    return base + request.uri, dict(request.header_params), request.body or b""


def _unauthorized(response: httpx.Response, reason: str) -> None:
    assert response.status_code == 401, response.text
    body = response.json()
    assert body["error_code"] == "APIG.0301"
    assert body["error_msg"].startswith("Incorrect IAM authentication information")
    assert reason in body["error_msg"]
    assert body["request_id"] == response.headers["X-Request-Id"]


def test_a_correct_signature_is_accepted(emulator: EmulatorProcess) -> None:
    url, headers, _ = _signed(emulator, extra_headers={"X-Trace": "abc"})
    assert "x-trace" in headers["Authorization"]
    assert httpx.get(url, headers=headers).status_code == 200


def test_a_wrong_signature_is_refused(emulator: EmulatorProcess) -> None:
    url, headers, _ = _signed(emulator)
    headers["Authorization"] = headers["Authorization"][:-6] + "000000"
    _unauthorized(httpx.get(url, headers=headers), "verify aksk signature fail")


def test_a_tampered_body_is_refused(emulator: EmulatorProcess) -> None:
    url, headers, body = _signed(
        emulator, method="POST", body=b'{"app_name": "shop", "region": "cn"}'
    )
    tampered = body.replace(b"shop", b"shoq")
    _unauthorized(httpx.post(url, headers=headers, content=tampered), "signature fail")
    assert emulator.admin.get("/objects", params={"kind": "apps"}).json() == []
    assert httpx.post(url, headers=headers, content=body).status_code == 200


def test_a_tampered_signed_header_is_refused(emulator: EmulatorProcess) -> None:
    url, headers, _ = _signed(emulator, extra_headers={"X-Trace": "abc"})
    headers["X-Trace"] = "abd"
    _unauthorized(httpx.get(url, headers=headers), "signature fail")


def test_a_missing_signed_header_is_refused(emulator: EmulatorProcess) -> None:
    url, headers, _ = _signed(emulator, extra_headers={"X-Trace": "abc"})
    del headers["X-Trace"]
    _unauthorized(httpx.get(url, headers=headers), "x-trace absent")


@pytest.mark.parametrize(("minutes", "accepted"), [(14, True), (16, False), (-16, False)])
def test_the_signing_date_may_be_fifteen_minutes_off(
    emulator: EmulatorProcess, minutes: int, accepted: bool
) -> None:
    stamp = (datetime.now(UTC) - timedelta(minutes=minutes)).strftime("%Y%m%dT%H%M%SZ")
    url, headers, _ = _signed(emulator, extra_headers={"X-Sdk-Date": stamp})
    response = httpx.get(url, headers=headers)
    if accepted:
        assert response.status_code == 200
    else:
        _unauthorized(response, "signature expired")


def test_requests_without_credentials_are_refused(emulator: EmulatorProcess) -> None:
    project = emulator.region("cn-north-4")["project_id"]
    url = f"{emulator.region('cn-north-4')['msgsms_url']}/v2/{project}/msgsms/apps"
    _unauthorized(httpx.get(url), "x-auth-token not found")
    _unauthorized(httpx.get(url, headers={"X-Auth-Token": "MIIforged"}), "decrypt token fail")


def test_an_expired_token_is_refused(emulator: EmulatorProcess) -> None:
    api = RawApi(emulator, token=iam_token(emulator))
    assert api.send("GET", "/apps").status_code == 200
    emulator.admin.put("/clock", json={"offset_seconds": 24 * 3600 + 1}).raise_for_status()
    _unauthorized(api.send("GET", "/apps"), "token expires")
    api.close()


def test_a_token_of_another_region_is_refused(emulator: EmulatorProcess) -> None:
    south_token = iam_token(emulator, "cn-south-1")
    at_north = RawApi(emulator, "cn-north-4", token=south_token)
    _unauthorized(at_north.send("GET", "/apps"), "scoped to project")
    # the south project's path on the north port: still not this region's project
    south_project = emulator.region("cn-south-1")["project_id"]
    _unauthorized(at_north.send("GET", "/apps", project_id=south_project), "not a project of")
    at_south = RawApi(emulator, "cn-south-1", token=south_token)
    assert at_south.send("GET", "/apps").status_code == 200
    at_north.close()
    at_south.close()


def test_a_domain_scoped_token_is_refused(emulator: EmulatorProcess) -> None:
    token = iam_token(emulator, domain={"name": emulator.info["domain_name"]})
    api = RawApi(emulator, token=token)
    _unauthorized(api.send("GET", "/apps"), "token of the project type")
    api.close()


def test_aksk_cannot_reach_another_regions_project(emulator: EmulatorProcess) -> None:
    south = emulator.region("cn-south-1")["project_id"]
    url, headers, _ = _signed(emulator, "cn-north-4", project_id=south)
    _unauthorized(httpx.get(url, headers=headers), "not a project of cn-north-4")


def test_objects_of_one_region_are_invisible_from_another(emulator: EmulatorProcess) -> None:
    north, south = RawApi(emulator, "cn-north-4"), RawApi(emulator, "cn-south-1")
    app = north.create_app()
    assert north.send("GET", f"/apps/{app['id']}").status_code == 200
    response = south.send("GET", f"/apps/{app['id']}")
    assert (response.status_code, error_of(response)) == (400, "MSGSMS.0014")
    assert south.ok("GET", "/apps")["total"] == 0
    north.close()
    south.close()


def test_x_project_id_must_match_the_path(emulator: EmulatorProcess) -> None:
    south = emulator.region("cn-south-1")["project_id"]
    url, headers, _ = _signed(emulator, extra_headers={"X-Project-Id": south})
    _unauthorized(httpx.get(url, headers=headers), "differs from the project in the path")


def test_repeated_failures_lock_the_access_key(emulator: EmulatorProcess) -> None:
    url, headers, _ = _signed(emulator)
    bad = {**headers, "Authorization": headers["Authorization"][:-4] + "0000"}
    for _ in range(6):
        _unauthorized(httpx.get(url, headers=bad), "verify aksk signature fail")
    url, headers, _ = _signed(emulator)
    _unauthorized(httpx.get(url, headers=headers), "AK access failed to reach the limit")
    emulator.reset()  # a reset lifts the lock
    url, headers, _ = _signed(emulator)
    assert httpx.get(url, headers=headers).status_code == 200


def test_iam_issues_a_project_token_for_24_hours(emulator: EmulatorProcess) -> None:
    info = emulator.info
    body = password_auth(emulator, {"project": {"name": "cn-north-4"}})
    response = httpx.post(emulator.iam_url + "/v3/auth/tokens", json=body)
    assert response.status_code == 201
    assert response.headers["X-Subject-Token"].startswith("MII")
    token = response.json()["token"]
    issued = datetime.strptime(token["issued_at"], "%Y-%m-%dT%H:%M:%S.%fZ")
    expires = datetime.strptime(token["expires_at"], "%Y-%m-%dT%H:%M:%S.%fZ")
    assert expires - issued == timedelta(hours=24)
    assert token["project"]["id"] == emulator.region("cn-north-4")["project_id"]
    assert token["project"]["name"] == "cn-north-4"
    assert token["methods"] == ["password"] and token["user"]["name"] == info["user_name"]
    urls = {c["type"]: c["endpoints"][0]["url"] for c in token["catalog"]}
    assert urls["msgsms"] == emulator.region("cn-north-4")["msgsms_url"]

    wrong = password_auth(emulator, {"project": {"name": "cn-north-4"}})
    wrong["auth"]["identity"]["password"]["user"]["password"] = "guess"
    refused = httpx.post(emulator.iam_url + "/v3/auth/tokens", json=wrong)
    assert refused.status_code == 401
    assert refused.json()["error"] == {
        "code": 401,
        "message": "The username or password is wrong.",
        "title": "Unauthorized",
    }
    unscoped = {"auth": {"identity": body["auth"]["identity"]}}
    missing = httpx.post(emulator.iam_url + "/v3/auth/tokens", json=unscoped)
    assert missing.status_code == 400 and "auth.scope" in missing.json()["error"]["message"]


@pytest.mark.parametrize(
    ("path", "fragment"),
    [
        (("auth", "identity", "password", "user", "domain"), "domain"),
        (("auth", "identity", "password", "user", "name"), "name"),
        (("auth", "identity", "password"), "password"),
        (("auth", "identity", "methods"), "methods"),
    ],
)
def test_token_bodies_need_what_the_definition_requires(
    emulator: EmulatorProcess, path: tuple[str, ...], fragment: str
) -> None:
    body = password_auth(emulator, {"project": {"name": "cn-north-4"}})
    parent = body
    for key in path[:-1]:
        parent = parent[key]
    del parent[path[-1]]
    response = httpx.post(emulator.iam_url + "/v3/auth/tokens", json=body)
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert (error["code"], error["title"]) == (400, "Bad Request")
    assert fragment in error["message"]


def test_a_token_body_names_the_password_method_once(emulator: EmulatorProcess) -> None:
    body = password_auth(emulator, {"project": {"name": "cn-north-4"}})
    for methods in (["password", "password"], ["token"], []):
        body["auth"]["identity"]["methods"] = methods
        response = httpx.post(emulator.iam_url + "/v3/auth/tokens", json=body)
        assert response.status_code == 400, (methods, response.text)


def test_iam_lists_projects_only_for_authenticated_callers(emulator: EmulatorProcess) -> None:
    url = emulator.iam_url + "/v3/projects"
    refused = httpx.get(url, params={"name": "cn-north-4"})
    assert refused.status_code == 401 and refused.json()["error_code"] == "APIG.0301"
    token = iam_token(emulator)
    listed = httpx.get(url, params={"name": "cn-south-1"}, headers={"X-Auth-Token": token})
    projects = listed.json()["projects"]
    assert [(p["id"], p["name"]) for p in projects] == [
        (emulator.region("cn-south-1")["project_id"], "cn-south-1")
    ]
    everything = httpx.get(url, headers={"X-Auth-Token": token}).json()["projects"]
    assert {p["name"] for p in everything} == {"cn-north-4", "cn-south-1", "ap-southeast-1"}
