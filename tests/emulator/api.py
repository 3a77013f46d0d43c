"""A raw HTTP client for the management API, signed by Huawei's own signer.

Contract tests use the official SDK; these raw calls are for what the SDK cannot send:
malformed bodies, unknown fields, tampered signatures, the batch-delete operation.
"""

from __future__ import annotations

import base64
import json
import time
from datetime import UTC, datetime
from typing import Any

import httpx
from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.sdk_request import SdkRequest
from huaweicloudsdkcore.signer.signer import Signer

from harness.emulator import EmulatorProcess

__all__ = ["PNG", "RawApi", "error_of", "signature_body", "template_body"]

#: A valid 1x1 PNG.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)


def error_of(response: httpx.Response) -> str:
    """The error code of a failed response, asserting the shape of its body."""
    body = response.json()
    assert response.headers.get("X-Request-Id"), "every response carries X-Request-Id"
    if "error" in body:  # IAM and admin shapes
        return str(body["error"].get("code") if isinstance(body["error"], dict) else "admin")
    assert set(body) >= {"error_code", "error_msg"}, body
    return str(body["error_code"])


def signature_body(app_id: str, **fields: Any) -> dict[str, Any]:
    """A valid SmsSignatureReq body; ``fields`` override or add."""
    return {
        "app_id": app_id,
        "signature_name": "云商城",
        "signature_type": "NOTIFY_TYPE",
        "signature_source": 0,
        "is_involved_third": "No",
        **fields,
    }


def template_body(app_id: str, sign_id: str | None, **fields: Any) -> dict[str, Any]:
    """A valid cn SmsTemplateReq body bound to ``sign_id``; ``fields`` override or add."""
    return {
        "app_id": app_id,
        "region": "cn",
        "template_name": "shipped",
        "template_content": "您的订单${1}已发货。",
        "template_type": "NOTIFY_TYPE",
        **({"sign_id": sign_id} if sign_id else {}),
        **fields,
    }


class RawApi:
    """``/v2/{project_id}/msgsms`` of one region, signed with AK/SK (or a token)."""

    def __init__(
        self, emu: EmulatorProcess, region: str = "cn-north-4", *, token: str | None = None
    ) -> None:
        self.emu = emu
        self.region = region
        self.token = token
        self.project_id = emu.region(region)["project_id"]
        self.base = emu.region(region)["msgsms_url"]
        self.http = httpx.Client(timeout=30.0)
        #: Seconds the emulator's clock is ahead; signatures are dated by that clock.
        self.clock_offset = 0.0

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> RawApi:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def path(self, suffix: str, project_id: str | None = None) -> str:
        return f"/v2/{project_id or self.project_id}/msgsms{suffix}"

    def send(
        self,
        method: str,
        suffix: str,
        *,
        json_body: Any = None,
        content: bytes | None = None,
        params: list[tuple[str, str]] | None = None,
        headers: dict[str, str] | None = None,
        project_id: str | None = None,
        sign: bool = True,
    ) -> httpx.Response:
        """Send one request; ``json_body`` is serialised, ``content`` is sent as is."""
        body = content if content is not None else b""
        if json_body is not None:
            body = json.dumps(json_body, ensure_ascii=False).encode()
        all_headers = {"Content-Type": "application/json", **(headers or {})}
        path = self.path(suffix, project_id)
        query: list[tuple[str, str | int | float | bool | None]] = list(params or [])
        if self.token is not None:
            all_headers["X-Auth-Token"] = self.token
            url = self.base + path
            return self.http.request(method, url, params=query, content=body, headers=all_headers)
        request = SdkRequest(
            method=method,
            schema="http",
            host=self.base.split("://", 1)[1],
            resource_path=path,
            query_params=query,
            header_params={
                **all_headers,
                "X-Project-Id": project_id or self.project_id,
                "X-Sdk-Date": self._sdk_date(),
            }
            if sign
            else all_headers,
            body=body,
        )
        if sign:
            info = self.emu.info
            Signer(BasicCredentials(info["access_key"], info["secret_key"])).sign(request)
        else:
            Signer.process_request_uri(request)
        return self.http.request(
            method,
            self.base + request.uri,
            content=request.body or b"",
            headers=dict(request.header_params),
        )

    def _sdk_date(self) -> str:
        moment = datetime.fromtimestamp(time.time() + self.clock_offset, UTC)
        return moment.strftime("%Y%m%dT%H%M%SZ")

    # ---- shortcuts that must succeed ----------------------------------------------------------

    def ok(self, method: str, suffix: str, **kwargs: Any) -> Any:
        response = self.send(method, suffix, **kwargs)
        assert response.status_code in (200, 204), (response.status_code, response.text)
        return response.json() if response.content else None

    def create_app(self, name: str = "shop", scope: str = "cn", **fields: Any) -> dict[str, Any]:
        body = {"app_name": name, "region": scope, "show_secret": True, **fields}
        return dict(self.ok("POST", "/apps", json_body=body))

    def upload(self, name: str = "licence.png", data: bytes = PNG) -> str:
        boundary = "emulatorboundary"
        content = (
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"'
                "\r\nContent-Type: application/octet-stream\r\n\r\n"
            ).encode()
            + data
            + f"\r\n--{boundary}--\r\n".encode()
        )
        response = self.send(
            "POST",
            "/upload-files",
            content=content,
            headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
        )
        assert response.status_code == 200, response.text
        return str(response.json()["file_id"])

    def create_signature(
        self, app_id: str, name: str = "云商城", kind: str = "NOTIFY_TYPE", **fields: Any
    ) -> dict[str, Any]:
        body = signature_body(app_id, signature_name=name, signature_type=kind, **fields)
        return dict(self.ok("POST", "/signatures", json_body=body))

    def create_template(
        self,
        app_id: str,
        sign_id: str | None,
        content: str = "您的订单${1}已发货，预计${2}送达。",
        kind: str = "NOTIFY_TYPE",
        name: str = "shipped",
        **fields: Any,
    ) -> dict[str, Any]:
        body = template_body(
            app_id,
            sign_id,
            template_content=content,
            template_type=kind,
            template_name=name,
            **fields,
        )
        return dict(self.ok("POST", "/templates", json_body=body))

    def signature(self, signature_id: str) -> dict[str, Any]:
        return dict(self.ok("GET", f"/signatures/{signature_id}"))

    def template(self, template_id: str) -> dict[str, Any]:
        return dict(self.ok("GET", f"/templates/{template_id}"))
