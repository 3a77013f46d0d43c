"""What one pass did: the steps per resource, the stack outputs, diagnostics and API traffic."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Protocol

from harness.engine.properties import is_secret, plain
from harness.engine.state import PROVIDER_TYPE_PREFIX, ResourceState

__all__ = [
    "LOGICAL_OPS",
    "EmulatorHandle",
    "PassFailed",
    "PassSummary",
    "StepRecord",
    "count_requests",
]

# Ops counted in the change summary; create-replacement and delete-replaced are the physical
# halves of a "replace" and are not counted on their own (as in the CLI's summary).
LOGICAL_OPS = ("same", "create", "update", "delete", "replace", "read", "refresh")


class EmulatorHandle(Protocol):
    """What a pass needs from ``harness.emulator`` to count API requests."""

    def last_seq(self) -> int: ...

    def requests(self, since: int = 0) -> Any: ...


def count_requests(emulator: EmulatorHandle, since: int) -> int:
    """Number of API requests logged after ``since`` (admin and health calls are not logged)."""
    answer = emulator.requests(since=since)
    entries = answer.get("requests", []) if isinstance(answer, dict) else answer
    return len(entries)


@dataclass(frozen=True)
class StepRecord:
    """One engine step. ``result`` says what a refresh found: same, update or delete.

    In a preview the offline engine also keeps what the CLI's ``--json`` shows of the step:
    the old and new states when the step began, and the keys that made the diff (``diffs``)
    and the replacement (``replaces``).
    """

    urn: str
    type: str
    op: str
    result: str | None = None
    old: ResourceState | None = field(default=None, compare=False, repr=False)
    new: ResourceState | None = field(default=None, compare=False, repr=False)
    diffs: tuple[str, ...] = field(default=(), compare=False, repr=False)
    replaces: tuple[str, ...] = field(default=(), compare=False, repr=False)

    @property
    def name(self) -> str:
        return self.urn.rsplit("::", 1)[-1]


@dataclass
class PassSummary:
    kind: str  # preview | up | refresh | destroy
    steps: list[StepRecord] = field(default_factory=list)
    outputs: dict[str, Any] = field(default_factory=dict)  # wire form: secrets stay marked
    diagnostics: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    api_requests: int | None = None

    @property
    def failed(self) -> bool:
        return bool(self.errors)

    def ops(self, name_or_urn: str) -> list[str]:
        """The ops of one resource, in order (by name or URN)."""
        return [s.op for s in self.steps if name_or_urn in (s.name, s.urn)]

    def by_urn(self) -> dict[str, list[str]]:
        result: dict[str, list[str]] = {}
        for step in self.steps:
            result.setdefault(step.urn, []).append(step.op)
        return result

    def order(self, *names: str) -> list[tuple[str, str]]:
        """``(name, op)`` in execution order, for the given resource names (all when empty)."""
        return [(s.name, s.op) for s in self.steps if not names or s.name in names]

    @property
    def changes(self) -> Counter[str]:
        """Logical ops counted over the program's resources (default providers left out)."""
        counted: Counter[str] = Counter()
        for step in self.steps:
            if step.type.startswith(PROVIDER_TYPE_PREFIX) or step.op not in LOGICAL_OPS:
                continue
            counted[step.result if step.op == "refresh" and step.result else step.op] += 1
        return counted

    def output(self, name: str) -> Any:
        return plain(self.outputs[name])

    def output_is_secret(self, name: str) -> bool:
        return is_secret(self.outputs.get(name))


class PassFailed(Exception):
    """A pass ended in error; ``summary`` tells what was done before it stopped."""

    def __init__(self, summary: PassSummary) -> None:
        self.summary = summary
        super().__init__(f"{summary.kind} failed:\n" + "\n".join(summary.errors))
