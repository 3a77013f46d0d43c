"""When and how long to wait before trying a failed request again."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import httpx

__all__ = ["NO_RETRY", "RetryPolicy", "is_retryable", "jittered"]

_IDEMPOTENT = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS"})


def is_retryable(
    method: str,
    *,
    status: int | None = None,
    error: httpx.TransportError | None = None,
    retry_safe: bool = False,
) -> bool:
    """Whether a failure may be retried.

    429 (the gateway refused before doing anything) and failures to connect are always
    retryable. A 5xx or a lost response may hide a write that happened, so a POST is retried
    only when the caller says it is safe (`retry_safe`, e.g. after looking the object up).
    """
    import httpx  # here, not above: the backoff alone (``jittered``) needs no HTTP stack

    # failures that happen before a request reaches the server: safe to retry for any method
    if status == 429 or isinstance(
        error, (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
    ):
        return True
    if error is None and (status is None or status < 500):
        return False
    return retry_safe or method.upper() in _IDEMPOTENT


def jittered(ceiling: float, random: Callable[[], float]) -> float:
    """A wait uniform in [ceiling/2, ceiling] ("equal jitter"): waits stay near the
    exponential curve, yet many clients backing off at once do not retry in step."""
    return ceiling / 2 + random() * ceiling / 2


@dataclass(frozen=True)
class RetryPolicy:
    """Jittered exponential backoff bounded by attempts and by total seconds.

    The n-th wait is uniform in [b/2, b] with b = min(max_delay, base_delay * 2**(n-1)); a
    `Retry-After` from the service replaces it. No wait goes past the `budget` (seconds
    since the first attempt). `sleep`, `random` and `clock` are injectable for tests.
    """

    attempts: int = 5
    budget: float = 60.0
    base_delay: float = 0.5
    max_delay: float = 20.0
    sleep: Callable[[float], None] = field(default=time.sleep, repr=False)
    random: Callable[[], float] = field(default=random.random, repr=False)
    clock: Callable[[], float] = field(default=time.monotonic, repr=False)

    def __post_init__(self) -> None:
        if self.attempts < 1:
            raise ValueError("RetryPolicy.attempts must be at least 1")
        if self.budget < 0 or self.base_delay < 0 or self.max_delay < 0:
            raise ValueError("RetryPolicy durations must not be negative")

    def delay(self, attempt: int, started: float, retry_after: float | None = None) -> float | None:
        """Seconds to wait after failed attempt number `attempt` (1-based), or None to give up."""
        if attempt >= self.attempts:
            return None
        remaining = self.budget - (self.clock() - started)
        if remaining <= 0:
            return None
        if retry_after is not None:
            wait = retry_after
        else:
            wait = jittered(min(self.max_delay, self.base_delay * 2 ** (attempt - 1)), self.random)
        return min(wait, remaining)


NO_RETRY = RetryPolicy(attempts=1)
