"""Fixtures of the provider tests: one real ``python -m pulumi.dynamic`` host per session,
configured for the session's emulator, and an engine-like driver over it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from harness import PROJECT_ROOT
from harness.emulator import EmulatorProcess
from harness.provider_host import ProviderHost
from harness.sequences import Deployment, stack_config


@pytest.fixture(scope="session")
def provider_host(emulator_session: EmulatorProcess) -> Iterator[ProviderHost]:
    """The dynamic provider host, started as the engine starts it and configured with the
    emulator's endpoints and credentials (the secret key sent as a secret)."""
    with ProviderHost(PROJECT_ROOT, project="msgsms") as host:
        host.configure(stack_config(emulator_session))
        yield host


@pytest.fixture
def deployment(emulator: EmulatorProcess, provider_host: ProviderHost) -> Deployment:
    """The engine's call sequences against the provider host, on a reset emulator."""
    return Deployment(provider_host, emulator)
