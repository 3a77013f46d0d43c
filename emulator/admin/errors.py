"""The admin API's error body: ``{"error": "..."}``."""

from __future__ import annotations

from ..core.errors import EmulatorError

__all__ = ["AdminError"]


class AdminError(EmulatorError):
    def payload(self, request_id: str) -> dict[str, str]:
        return {"error": self.message}
