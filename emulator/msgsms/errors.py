"""MSGSMS business errors: ``{"error_code", "error_msg", "error_detail"}`` (reference §2.1;
HTTP 400 unless stated)."""

from __future__ import annotations

from ..core.errors import EmulatorError

__all__ = ["MSGSMS_MESSAGES", "MsgsmsError"]

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
    # The page gives this message's end ("...too long or have space.") and, in Chinese, the
    # whole meaning (文件名为空、文件名过长或包含空格): the name is empty, too long or has a space.
    "MSGSMS.0132": "File name is empty, too long or have space.",
    "MSGSMS.0133": "File name illegal character.",
}


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
