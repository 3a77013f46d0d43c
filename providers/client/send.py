"""SMSApi's send operations: `batch_send_sms` and `batch_send_diff_sms`, as an app.

A send signs with the app's own `app_key`/`app_secret` (SMSApi's AK/SK signature, or WSSE),
not with the account's credentials, and is never retried after a 5xx or a lost response
unless the caller says it is safe: a retry could send the SMS twice.
"""

from __future__ import annotations

from typing import Literal

import httpx
from pydantic import SecretStr

from .auth import AkSkAuth, WsseAuth
from .base import JSON_HEADERS, ClientBase
from .errors import api_error_from_response
from .models import BatchSendDiffSmsRequest, BatchSendSmsRequest, SendResult

__all__ = ["SendOperations", "SendScheme"]

SendScheme = Literal["aksk", "wsse"]

_SEND_SUCCESS = "000000"


class SendOperations(ClientBase):
    """SMSApi's two send operations."""

    def batch_send_sms(
        self,
        body: BatchSendSmsRequest,
        *,
        app_key: str,
        app_secret: str | SecretStr,
        scheme: SendScheme = "aksk",
        region: str | None = None,
        retry_safe: bool = False,
    ) -> SendResult:
        """batchSendSms: one content to many numbers, as the app `app_key`.

        `scheme` is the app-level AK/SK signature or WSSE. A send is never retried after a
        5xx or a lost response unless `retry_safe` (it could send the SMS twice).
        """
        return self._send_sms(
            "/sms/batchSendSms/v1",
            app_key,
            app_secret,
            scheme,
            region,
            retry_safe,
            data={k: str(v) for k, v in body.wire().items()},
        )

    def batch_send_diff_sms(
        self,
        body: BatchSendDiffSmsRequest,
        *,
        app_key: str,
        app_secret: str | SecretStr,
        scheme: SendScheme = "aksk",
        region: str | None = None,
        retry_safe: bool = False,
    ) -> SendResult:
        """batchSendDiffSms: different content per group of numbers (JSON)."""
        return self._send_sms(
            "/sms/batchSendDiffSms/v1",
            app_key,
            app_secret,
            scheme,
            region,
            retry_safe,
            content=body.model_dump_json(by_alias=True, exclude_none=True).encode(),
        )

    def _send_sms(
        self,
        path: str,
        app_key: str,
        app_secret: str | SecretStr,
        scheme: SendScheme,
        region: str | None,
        retry_safe: bool,
        *,
        data: dict[str, str] | None = None,
        content: bytes | None = None,
    ) -> SendResult:
        secret = app_secret.get_secret_value() if isinstance(app_secret, SecretStr) else app_secret
        auth: httpx.Auth = (
            WsseAuth(app_key, secret) if scheme == "wsse" else AkSkAuth(app_key, secret)
        )
        response = self._send(
            "POST",
            self._endpoints.url("smsapi", region or self.settings.region) + path,
            auth=auth,
            headers=None if data is not None else JSON_HEADERS,
            data=data,
            content=content,
            retry_safe=retry_safe,
        )
        result = self._parse(SendResult, response)
        if result.code != _SEND_SUCCESS and not result.result:
            raise api_error_from_response(response, path=path)
        return result
