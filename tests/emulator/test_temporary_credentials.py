"""Temporary access keys: issued by the admin API, used by Huawei's SDK with its security token.

``BasicCredentials(ak, sk).with_security_token(token)`` adds ``X-Security-Token`` before the
signer runs, so the token is among the signed headers. A key used without its token, with
another token, or after the token expired is refused with the gateway's 401 ``APIG.0301``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException
from huaweicloudsdkcore.sdk_request import SdkRequest
from huaweicloudsdkcore.signer.signer import Signer
from huaweicloudsdkmsgsms.v2 import CreateAppRequest, ListAppDetailsRequest, SmsAppAddReq

from harness.emulator import EmulatorProcess
from tests.emulator.sdk import msgsms_client_with

REGION = "cn-north-4"


def _issue(emu: EmulatorProcess, **body: Any) -> dict[str, str]:
    response = emu.admin.post("/temporary-credentials", json=body or None)
    assert response.status_code == 200, response.text
    return dict(response.json()["credential"])


def _credentials(emu: EmulatorProcess, issued: dict[str, str]) -> BasicCredentials:
    project_id = emu.region(REGION)["project_id"]
    return BasicCredentials(issued["access"], issued["secret"], project_id)


def _refusal(caught: pytest.ExceptionInfo[ClientRequestException], reason: str) -> None:
    error = caught.value
    assert (error.status_code, error.error_code) == (401, "APIG.0301")
    assert error.error_msg.startswith("Incorrect IAM authentication information")
    assert reason in error.error_msg
    assert error.request_id


def test_the_sdk_uses_a_temporary_key_with_its_security_token(emulator: EmulatorProcess) -> None:
    issued = _issue(emulator)
    expires = datetime.strptime(issued["expires_at"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
    remaining = (expires - datetime.now(UTC)).total_seconds()
    assert 0 < remaining <= 900, "IAM's default duration"
    client = msgsms_client_with(
        emulator,
        REGION,
        _credentials(emulator, issued).with_security_token(issued["securitytoken"]),
    )
    created = client.create_app(
        CreateAppRequest(body=SmsAppAddReq(app_name="temporary", region="cn"))
    )
    listed = client.list_app_details(ListAppDetailsRequest())
    assert [app.id for app in listed.results] == [created.id]


def _list_apps(emu: EmulatorProcess, **headers: str) -> SdkRequest:
    """ListAppDetails as the SDK builds it, before signing."""
    base = emu.region(REGION)["msgsms_url"]
    return SdkRequest(
        method="GET",
        schema="http",
        host=base.split("://", 1)[1],
        resource_path=f"/v2/{emu.region(REGION)['project_id']}/msgsms/apps",
        query_params=[],
        header_params={"Content-Type": "application/json", **headers},
    )


def test_the_security_token_is_signed_with_the_request(emulator: EmulatorProcess) -> None:
    issued = _issue(emulator)
    credentials = _credentials(emulator, issued).with_security_token(issued["securitytoken"])
    signed = credentials.sign_request(_list_apps(emulator))
    assert "x-security-token" in signed.header_params["Authorization"]


@pytest.mark.parametrize(
    ("token", "reason"),
    [(None, "x-security-token not found"), ("gQforged", "security token is invalid")],
)
def test_a_temporary_key_without_its_own_token_is_refused(
    emulator: EmulatorProcess, token: str | None, reason: str
) -> None:
    issued = _issue(emulator)
    credentials = _credentials(emulator, issued)
    if token is not None:
        credentials = credentials.with_security_token(token)
    with pytest.raises(ClientRequestException) as caught:
        msgsms_client_with(emulator, REGION, credentials).list_app_details(ListAppDetailsRequest())
    _refusal(caught, reason)


def test_an_expired_security_token_is_refused(emulator: EmulatorProcess) -> None:
    issued = _issue(emulator, duration_seconds=900)
    token = issued["securitytoken"]
    client = msgsms_client_with(
        emulator, REGION, _credentials(emulator, issued).with_security_token(token)
    )
    assert client.list_app_details(ListAppDetailsRequest()).total == 0
    emulator.admin.put("/clock", json={"offset_seconds": 901}).raise_for_status()
    with pytest.raises(ClientRequestException) as caught:
        client.list_app_details(ListAppDetailsRequest())
    _refusal(caught, "security token expires")
    # a new key works again on the moved clock, dated by that clock
    fresh = _issue(emulator, duration_seconds=3600)
    fresh_credentials = _credentials(emulator, fresh).with_security_token(fresh["securitytoken"])
    assert _signed_at_emulator_time(emulator, fresh_credentials) == 200


def _signed_at_emulator_time(emu: EmulatorProcess, credentials: BasicCredentials) -> int:
    """A call signed by the SDK's signer, dated by the emulator's moved clock."""
    offset = emu.admin.get("/clock").json()["offset_seconds"]
    moment = datetime.fromtimestamp(datetime.now(UTC).timestamp() + offset, UTC)
    request = _list_apps(emu, **{"X-Sdk-Date": moment.strftime("%Y%m%dT%H%M%SZ")})
    signed = credentials.sign_request(request)
    Signer.process_request_uri(signed)
    url = emu.region(REGION)["msgsms_url"] + signed.uri
    return httpx.get(url, headers=dict(signed.header_params), timeout=30).status_code


@pytest.mark.parametrize("duration", [0, 899, 86401])
def test_durations_outside_iams_range_are_refused(emulator: EmulatorProcess, duration: Any) -> None:
    response = emulator.admin.post("/temporary-credentials", json={"duration_seconds": duration})
    assert response.status_code == 400, response.text
