"""Waiting in a test for something another process or thread does."""

from __future__ import annotations

import time
from collections.abc import Callable

__all__ = ["WAIT_SECONDS", "wait_until"]

#: How long a test waits for what should happen in well under a second.
WAIT_SECONDS = 60.0


def wait_until(condition: Callable[[], bool], what: str, timeout: float = WAIT_SECONDS) -> None:
    """Return once ``condition()`` holds; fail naming ``what`` after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.02)
