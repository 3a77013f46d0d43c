"""The base of every error the emulator answers with.

Each service has its own subclass, in the shape of the real service that would send it:
:class:`~emulator.msgsms.errors.MsgsmsError`, :class:`~emulator.smsapi.errors.SmsapiError`,
:class:`~emulator.iam.errors.IamError`, :class:`~emulator.gateway.errors.GatewayError` and
:class:`~emulator.admin.errors.AdminError`. Raise them anywhere below a route; the app turns
them into responses.
"""

from __future__ import annotations

from typing import Any

__all__ = ["EmulatorError"]


class EmulatorError(Exception):
    """Base: an HTTP status, optional headers and a JSON payload."""

    status_code: int = 400

    def __init__(self, message: str, *, status_code: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        if status_code is not None:
            self.status_code = status_code
        self.headers: dict[str, str] = {}

    def payload(self, request_id: str) -> Any:
        raise NotImplementedError
