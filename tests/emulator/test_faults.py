"""The fault engine: injected errors, latency and lost responses, on API requests only."""

from __future__ import annotations

import time
from typing import Any

import httpx
import pytest
from huaweicloudsdkcore.exceptions.exceptions import (
    ClientRequestException,
    SdkException,
    ServerResponseException,
)
from huaweicloudsdkmsgsms.v2 import ListAppDetailsRequest, MsgsmsClient

from harness.emulator import EmulatorProcess
from tests.emulator.api import RawApi, error_of
from tests.emulator.sdk import iam_token


def _faults(emu: EmulatorProcess, **config: Any) -> dict[str, Any]:
    response = emu.admin.put("/faults", json=config)
    assert response.status_code == 200, response.text
    return dict(response.json())


def _no_faults(emu: EmulatorProcess) -> None:
    emu.admin.delete("/faults").raise_for_status()


def test_throttling_answers_429_with_retry_after(emulator: EmulatorProcess, api: RawApi) -> None:
    _faults(emulator, error_rate=1.0, error_statuses=[429], retry_after_seconds=7)
    response = api.send("GET", "/apps")
    assert response.status_code == 429 and response.headers["Retry-After"] == "7"
    assert error_of(response) == "APIG.0308"
    assert response.json()["request_id"] == response.headers["X-Request-Id"]


@pytest.mark.parametrize(
    ("status", "code"), [(500, "MSGSMS.0001"), (503, "APIG.0201"), (502, "APIG.0201")]
)
def test_server_errors_have_the_service_shape(
    emulator: EmulatorProcess, api: RawApi, status: int, code: str
) -> None:
    _faults(emulator, error_rate=1.0, error_statuses=[status])
    response = api.send("POST", "/apps", json_body={"app_name": "shop", "region": "cn"})
    assert response.status_code == status and error_of(response) == code
    _no_faults(emulator)
    # an injected error runs nothing: no app was created
    assert api.ok("GET", "/apps")["total"] == 0


def test_the_sdk_sees_injected_errors_as_its_own_exceptions(
    emulator: EmulatorProcess, sdk: MsgsmsClient
) -> None:
    _faults(emulator, error_rate=1.0, error_statuses=[503])
    with pytest.raises(ServerResponseException) as server_error:
        sdk.list_app_details(ListAppDetailsRequest())
    assert server_error.value.status_code == 503
    _faults(emulator, error_rate=1.0, error_statuses=[429])
    with pytest.raises(ClientRequestException) as throttled:
        sdk.list_app_details(ListAppDetailsRequest())
    # urllib3's Retry turns a 429 into a RetryError before the SDK reads the body
    assert throttled.value.status_code == 429


def test_a_dropped_response_still_commits_the_write(emulator: EmulatorProcess, api: RawApi) -> None:
    _faults(emulator, drop_rate=1.0, apis=["msgsms"])
    with pytest.raises(httpx.RemoteProtocolError):
        api.send("POST", "/apps", json_body={"app_name": "lost", "region": "cn"})
    apps = emulator.admin.get("/objects", params={"kind": "apps"}).json()
    assert [a["app_name"] for a in apps] == ["lost"]
    logged = emulator.requests(api="msgsms")[-1]
    assert (logged["method"], logged["status"], logged["fault"]) == ("POST", 200, "dropped")


def test_the_sdk_sees_a_dropped_response_as_a_transport_error(
    emulator: EmulatorProcess, sdk: MsgsmsClient
) -> None:
    _faults(emulator, drop_rate=1.0)
    with pytest.raises((SdkException, OSError)) as caught:
        sdk.list_app_details(ListAppDetailsRequest())
    assert not isinstance(caught.value, ClientRequestException | ServerResponseException)


def test_latency_delays_answers(emulator: EmulatorProcess, api: RawApi) -> None:
    _faults(emulator, latency_ms=[300, 300])
    started = time.monotonic()
    assert api.send("GET", "/apps").status_code == 200
    # a lower bound only: the injected sleep is certain, the rest of the time is not
    assert time.monotonic() - started >= 0.3


def test_faults_spare_admin_and_health_and_unlisted_apis(
    emulator: EmulatorProcess, api: RawApi
) -> None:
    _faults(emulator, error_rate=1.0, error_statuses=[500], apis=["msgsms"])
    assert emulator.admin.get("/requests").status_code == 200
    assert httpx.get(emulator.url + "/health").status_code == 200
    assert httpx.get(api.base + "/health").status_code == 200
    iam_token(emulator)  # IAM is not in the list
    assert api.send("GET", "/apps").status_code == 500


def test_an_error_rate_fails_about_that_share_and_a_seed_repeats_it(
    emulator: EmulatorProcess, api: RawApi
) -> None:
    def run() -> list[int]:
        _faults(emulator, error_rate=0.5, error_statuses=[500, 503], seed=7)
        return [api.send("GET", "/apps").status_code for _ in range(40)]

    first, second = run(), run()
    assert first == second
    assert set(first) == {200, 500, 503}
    assert 8 <= first.count(200) <= 32


def test_the_request_log_marks_faults(emulator: EmulatorProcess, api: RawApi) -> None:
    since = emulator.last_seq()
    _faults(emulator, error_rate=1.0, error_statuses=[503])
    api.send("GET", "/apps")
    _no_faults(emulator)
    api.send("GET", "/apps")
    entries = emulator.requests(since)
    assert [(e["status"], e["fault"]) for e in entries] == [(503, "error"), (200, None)]


def test_fault_settings_are_validated_and_cleared(emulator: EmulatorProcess) -> None:
    for bad in (
        {"error_rate": 1.5},
        {"error_statuses": [404]},
        {"latency_ms": [300, 100]},
        {"apis": ["s3"]},
        {"drop": 1},
    ):
        response = emulator.admin.put("/faults", json=bad)
        assert response.status_code == 400, bad
    _faults(emulator, error_rate=0.2, seed=1)
    assert emulator.admin.get("/faults").json()["error_rate"] == 0.2
    cleared = emulator.admin.delete("/faults").json()
    assert (cleared["error_rate"], cleared["drop_rate"], cleared["latency_ms"]) == (0, 0, [0, 0])
