"""Fixtures shared by every test tier."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from harness import compile_sources
from harness.emulator import EmulatorProcess, start_emulator
from providers.resources.connection import forget_created_apps


def pytest_configure(config: pytest.Config) -> None:
    """Compile the project's modules once, before any test starts a process that imports them
    (in the main process only: pytest-xdist's workers start after it)."""
    if not hasattr(config, "workerinput"):
        compile_sources()


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


@pytest.fixture(autouse=True)
def _new_provider_process() -> None:
    """Providers run in-process start each test as a new provider process would: with no app
    created by it (what every provider of a process shares)."""
    forget_created_apps()
