"""Fixtures shared by every test tier."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from harness.emulator import EmulatorProcess, start_emulator

#: The shared emulator decides reviews after one second, so approval-dependent tests stay fast.
SESSION_FLAGS = ("--review-delay", "1")


@pytest.fixture(scope="session")
def emulator_session(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmulatorProcess]:
    """One emulator process for the whole test session."""
    with start_emulator(tmp_path_factory.mktemp("session"), *SESSION_FLAGS) as emulator:
        yield emulator


@pytest.fixture
def emulator(emulator_session: EmulatorProcess) -> EmulatorProcess:
    """The session's emulator, reset (no objects, no faults, default policy) for this test."""
    if not emulator_session.running:
        emulator_session.start()
    emulator_session.reset()
    return emulator_session
