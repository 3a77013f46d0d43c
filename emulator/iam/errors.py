"""IAM's error body: ``{"error": {"code", "message", "title"}}`` (reference §2.4)."""

from __future__ import annotations

from typing import Any, ClassVar

from ..core.errors import EmulatorError

__all__ = ["IamError"]


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
