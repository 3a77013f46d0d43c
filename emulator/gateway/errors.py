"""Errors of the API gateway in front of every Huawei Cloud API: ``{"error_code":
"APIG.xxxx", "error_msg", "request_id"}`` (reference §2.2)."""

from __future__ import annotations

from typing import ClassVar

from ..core.errors import EmulatorError

__all__ = ["AuthenticationFailed", "GatewayError"]


class AuthenticationFailed(Exception):
    """The credentials of a request are missing, wrong or expired; the text says which."""


class GatewayError(EmulatorError):
    """An error raised by the API gateway in front of every Huawei Cloud API."""

    GATEWAY_MESSAGES: ClassVar[dict[str, str]] = {
        "APIG.0101": "The API does not exist or has not been published in the environment.",
        "APIG.0201": "Request error.",
        "APIG.0301": "Incorrect IAM authentication information",
        "APIG.0308": "The throttling threshold has been reached",
    }

    def __init__(self, code: str, status_code: int, detail: str = "") -> None:
        base = self.GATEWAY_MESSAGES[code]
        super().__init__(f"{base}: {detail}" if detail else base, status_code=status_code)
        self.code = code

    def payload(self, request_id: str) -> dict[str, str]:
        return {"error_code": self.code, "error_msg": self.message, "request_id": request_id}

    @classmethod
    def unauthorized(cls, detail: str) -> GatewayError:
        """401 APIG.0301, the answer to every failed token or AK/SK check."""
        return cls("APIG.0301", 401, detail)

    @classmethod
    def not_found(cls) -> GatewayError:
        return cls("APIG.0101", 404)
