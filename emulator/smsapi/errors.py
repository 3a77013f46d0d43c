"""Errors of the send API: ``{"code": "E0000xx", "description": "..."}`` (reference §4.3).

Unlike the management API, the send API puts its result code in the body; HTTP 400 carries the
request-level codes (the reference's table heads map 400 to ``E000000``…), 403 the IP whitelist
refusal, and a request whose every number failed answers 200 with ``E000510`` and a result per
number, which is not an error at all.
"""

from __future__ import annotations

from typing import ClassVar

from ..core.errors import EmulatorError

__all__ = ["SUCCESS", "SmsapiError"]

SUCCESS = "000000"


class SmsapiError(EmulatorError):
    """A request-level failure of the send API; ``description`` says what to fix."""

    DESCRIPTIONS: ClassVar[dict[str, str]] = {
        "E000000": "System error: the request could not be parsed.",
        "E000001": "Authorization is not contained in the HTTP header.",
        "E000002": "realm is not contained in Authorization.",
        "E000003": "profile is not contained in Authorization.",
        "E000004": "The value of realm in Authorization must be SDP.",
        "E000005": "The value of profile in Authorization must be UsernameToken.",
        "E000006": "The value of type in Authorization must be Appkey.",
        "E000007": "type is not contained in Authorization.",
        "E000008": "WSSE is not contained in Authorization.",
        "E000020": "X-WSSE is not contained in the HTTP header.",
        "E000021": "UserName is not contained in X-WSSE.",
        "E000022": "Nonce is not contained in X-WSSE.",
        "E000023": "Created is not contained in X-WSSE.",
        "E000024": "PasswordDigest is not contained in X-WSSE.",
        "E000045": "Authorization check failed.",
        "E000101": "Authentication failed.",
        "E000102": "Invalid app_key.",
        "E000112": "The app_key is frozen.",
        "E000503": "Parameter format error.",
        "E000620": "The app client ip is not in ip white list.",
    }

    def __init__(self, code: str, detail: str = "", *, status_code: int = 400) -> None:
        base = self.DESCRIPTIONS[code]
        super().__init__(f"{base} {detail}".strip(), status_code=status_code)
        self.code = code

    def payload(self, request_id: str) -> dict[str, str]:
        return {"code": self.code, "description": self.message}
