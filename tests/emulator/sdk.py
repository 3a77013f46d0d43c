"""Huawei's official MSGSMS SDK, unchanged, pointed at an emulator.

Three ways in, as a user of the SDK would: AK/SK with the project id, AK/SK with the project
id resolved through IAM (``HUAWEICLOUD_SDK_IAM_ENDPOINT``), and an IAM password token.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
from huaweicloudsdkcore.auth import credentials as sdk_credentials
from huaweicloudsdkcore.http.http_config import HttpConfig
from huaweicloudsdkcore.signer.signer import Signer
from huaweicloudsdkmsgsms.v2 import MsgsmsClient
from huaweicloudsdkmsgsms.v2.region.msgsms_region import MsgsmsRegion

from harness.emulator import EmulatorProcess

__all__ = [
    "TokenCredentials",
    "iam_token",
    "msgsms_client",
    "msgsms_client_via_iam",
    "msgsms_client_with",
    "msgsms_token_client",
    "password_auth",
]


def _config() -> HttpConfig:
    config = HttpConfig.get_default_config()
    config.timeout = (5, 30)
    return config


def msgsms_client_with(emu: EmulatorProcess, region: str, credentials: Any) -> MsgsmsClient:
    """The region's MsgsmsClient with the given credentials."""
    return (
        MsgsmsClient.new_builder()
        .with_http_config(_config())
        .with_credentials(credentials)
        .with_endpoint(emu.region(region)["msgsms_url"])
        .build()
    )


def msgsms_client(emu: EmulatorProcess, region: str = "cn-north-4") -> MsgsmsClient:
    """AK/SK credentials with the region's project id."""
    info = emu.info
    credentials = sdk_credentials.BasicCredentials(
        info["access_key"], info["secret_key"], emu.region(region)["project_id"]
    )
    return msgsms_client_with(emu, region, credentials)


@contextmanager
def msgsms_client_via_iam(emu: EmulatorProcess, region: str) -> Iterator[MsgsmsClient]:
    """AK/SK credentials without a project id: the SDK asks IAM for it."""
    saved = {k: os.environ.get(k) for k in ("HUAWEICLOUD_SDK_IAM_ENDPOINT", _env_name(region))}
    os.environ["HUAWEICLOUD_SDK_IAM_ENDPOINT"] = emu.iam_url
    os.environ[_env_name(region)] = emu.region(region)["msgsms_url"]
    try:
        credentials = sdk_credentials.BasicCredentials(
            emu.info["access_key"], emu.info["secret_key"]
        )
        yield (
            MsgsmsClient.new_builder()
            .with_http_config(_config())
            .with_credentials(credentials)
            .with_region(MsgsmsRegion.value_of(region))
            .build()
        )
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def _env_name(region: str) -> str:
    return "HUAWEICLOUD_SDK_REGION_MSGSMS_" + region.upper().replace("-", "_")


def password_auth(emu: EmulatorProcess, scope: dict[str, Any]) -> dict[str, Any]:
    """The body of ``POST /v3/auth/tokens`` for the emulator's user and ``scope``."""
    info = emu.info
    user = {
        "name": info["user_name"],
        "password": info["password"],
        "domain": {"name": info["domain_name"]},
    }
    identity = {"methods": ["password"], "password": {"user": user}}
    return {"auth": {"identity": identity, "scope": scope}}


def iam_token(emu: EmulatorProcess, region: str = "cn-north-4", **scope: Any) -> str:
    """A password token scoped to the region's project (or to ``scope`` if given)."""
    body = password_auth(emu, scope or {"project": {"name": region}})
    response = httpx.post(emu.iam_url + "/v3/auth/tokens", json=body, timeout=30)
    assert response.status_code == 201, response.text
    return response.headers["X-Subject-Token"]


class TokenCredentials(sdk_credentials.BasicCredentials):
    """The SDK's own credentials class, sending ``X-Auth-Token`` instead of a signature.

    The SDK has no token credentials; this subclass keeps its path handling and only replaces
    signing. The class name must stay ``BasicCredentials`` for the client builder's type check.
    """

    def __init__(self, token: str, project_id: str) -> None:
        super().__init__(ak="token", sk="token", project_id=project_id)
        self.token = token

    def sign_request(self, request: Any) -> Any:
        request.header_params["X-Auth-Token"] = self.token
        Signer.process_request_uri(request)
        return request


TokenCredentials.__name__ = "BasicCredentials"


def msgsms_token_client(
    emu: EmulatorProcess, token: str, region: str = "cn-north-4"
) -> MsgsmsClient:
    """An IAM token instead of a signature."""
    return msgsms_client_with(
        emu, region, TokenCredentials(token, emu.region(region)["project_id"])
    )
