"""What the calls of a provider host answer: typed results, and the error of a failed call."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import grpc

from harness.wire import Props

__all__ = [
    "CheckFailure",
    "CheckResult",
    "CreateResult",
    "DiffChanges",
    "DiffResult",
    "ProviderError",
    "ReadResult",
]

DiffChanges = Literal["none", "some", "unknown"]


class ProviderError(Exception):
    """A provider call failed; ``details`` is the provider's message (a traceback for the host)."""

    def __init__(self, method: str, code: grpc.StatusCode, details: str) -> None:
        self.method = method
        self.code = code
        self.details = details
        super().__init__(f"{method} failed ({code.name}): {details}")

    @property
    def reason(self) -> str:
        """The last line of the provider's traceback: ``ExceptionType: message``."""
        lines = [line for line in self.details.strip().splitlines() if line.strip()]
        return lines[-1].strip() if lines else ""


@dataclass(frozen=True)
class CheckFailure:
    property: str
    reason: str


@dataclass(frozen=True)
class CheckResult:
    inputs: Props
    failures: tuple[CheckFailure, ...] = ()


@dataclass(frozen=True)
class DiffResult:
    changes: DiffChanges
    replaces: tuple[str, ...] = ()
    delete_before_replace: bool = False

    @property
    def replace(self) -> bool:
        return self.changes == "some" and bool(self.replaces)


@dataclass(frozen=True)
class CreateResult:
    id: str
    outputs: Props


@dataclass(frozen=True)
class ReadResult:
    id: str
    outputs: Props
    inputs: Props | None = None

    @property
    def gone(self) -> bool:
        return not self.id
