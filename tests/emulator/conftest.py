"""Fixtures of the emulator tests: the SDK client, a raw signed client, review policies."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from huaweicloudsdkmsgsms.v2 import MsgsmsClient

from harness.emulator import EmulatorProcess
from tests.emulator.api import RawApi
from tests.emulator.sdk import msgsms_client


@pytest.fixture
def sdk(emulator: EmulatorProcess) -> MsgsmsClient:
    """Huawei's MsgsmsClient with AK/SK and the cn-north-4 project id."""
    return msgsms_client(emulator, "cn-north-4")


@pytest.fixture
def api(emulator: EmulatorProcess) -> Iterator[RawApi]:
    client = RawApi(emulator, "cn-north-4")
    yield client
    client.close()


def set_review(emu: EmulatorProcess, mode: str = "auto", delay: float = 0.0) -> dict[str, Any]:
    """Review policy for a test: ``auto`` with ``delay`` 0 decides at the next call."""
    response = emu.admin.put("/review-policy", json={"mode": mode, "delay_seconds": delay})
    response.raise_for_status()
    return dict(response.json())


@pytest.fixture
def manual_review(emulator: EmulatorProcess) -> None:
    set_review(emulator, "manual")


@pytest.fixture
def instant_review(emulator: EmulatorProcess) -> None:
    set_review(emulator, "auto", 0.0)
