"""Errors the emulator answers with, each in the shape of the real service that would send it.

* :class:`MsgsmsError`: MSGSMS business errors, ``{"error_code", "error_msg", "error_detail"}``
  (reference §2.1; HTTP 400 unless stated).
* :class:`GatewayError`: API gateway errors, ``{"error_code": "APIG.xxxx", "error_msg",
  "request_id"}`` (reference §2.2), e.g. 401 ``APIG.0301`` for every authentication failure.
* :class:`IamError`: IAM's ``{"error": {"code", "message", "title"}}`` (reference §2.4).
* :class:`AdminError`: the admin API's ``{"error": "..."}``.

Raise them anywhere below a route; the app turns them into responses.
"""

from __future__ import annotations

from typing import Any, ClassVar

__all__ = [
    "MSGSMS_MESSAGES",
    "AdminError",
    "EmulatorError",
    "GatewayError",
    "IamError",
    "MsgsmsError",
]

#: Documented MSGSMS codes and messages (reference §2.1 and the service's error-code page).
MSGSMS_MESSAGES: dict[str, str] = {
    "MSGSMS.0001": "Internal server error.",
    "MSGSMS.0002": "Invalid Parameter.",
    "MSGSMS.0003": "Request unauthorized.",
    "MSGSMS.0004": "Signature already exists.",
    "MSGSMS.0005": "Signature does not exist.",
    "MSGSMS.0006": "Signature type and name is duplicate.",
    "MSGSMS.0007": "Signature not allow to update, signature status must be Reject.",
    "MSGSMS.0008": "Template already exists.",
    "MSGSMS.0009": "Template does not exist.",
    "MSGSMS.0010": "Template not allow to update, template flow status must be Reject.",
    "MSGSMS.0011": "File does not exist.",
    "MSGSMS.0012": "Signature id invalid.",
    "MSGSMS.0013": "Service not yet opened.",
    "MSGSMS.0014": "App does not exist.",
    "MSGSMS.0035": "Failed to delete template from OMP",
}


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


class MsgsmsError(EmulatorError):
    """A management-API business error; ``detail`` says what was wrong and what to do."""

    def __init__(self, code: str, detail: str, *, status_code: int = 400) -> None:
        super().__init__(detail, status_code=status_code)
        self.code = code
        self.detail = detail

    def payload(self, request_id: str) -> dict[str, str]:
        return {
            "error_code": self.code,
            "error_msg": MSGSMS_MESSAGES[self.code],
            "error_detail": self.detail,
        }

    @classmethod
    def invalid(cls, detail: str) -> MsgsmsError:
        """MSGSMS.0002: a parameter is missing, malformed or breaks a documented limit."""
        return cls("MSGSMS.0002", detail)

    @classmethod
    def internal(cls, detail: str) -> MsgsmsError:
        return cls("MSGSMS.0001", detail, status_code=500)


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


class IamError(EmulatorError):
    TITLES: ClassVar[dict[int, str]] = {
        400: "Bad Request",
        401: "Unauthorized",
        403: "Forbidden",
        404: "Not Found",
    }

    def payload(self, request_id: str) -> dict[str, Any]:
        title = self.TITLES.get(self.status_code, "Error")
        return {"error": {"code": self.status_code, "message": self.message, "title": title}}


class AdminError(EmulatorError):
    def payload(self, request_id: str) -> dict[str, str]:
        return {"error": self.message}
