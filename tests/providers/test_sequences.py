"""The sequences for one resource at a time call the provider as a pass of the engine does.

A host of its own records the calls the provider receives (``harness.sequences`` says which
they are; ``harness.engine.steps`` makes them for both).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from harness import PROJECT_ROOT
from harness.emulator import EmulatorProcess
from harness.provider_host import ProviderHost
from harness.sequences import Deployment, stack_config
from providers.resources import SignatureProvider
from tests.providers.support import signature_inputs


class Recording(ProviderHost):
    """Records the name of every call after ``Configure``."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.calls: list[str] = []

    def _call(self, method: str, request: Any) -> Any:
        self.calls.append(method)
        return super()._call(method, request)

    def taken(self) -> list[str]:
        calls, self.calls = self.calls, []
        return calls


@pytest.fixture
def recorded(emulator: EmulatorProcess) -> Iterator[tuple[Deployment, Recording]]:
    host = Recording(PROJECT_ROOT, project="msgsms")
    with host:
        host.configure(stack_config(emulator))
        host.taken()
        yield Deployment(host, emulator), host


def test_create_update_refresh_and_destroy_make_the_engines_calls(
    recorded: tuple[Deployment, Recording],
) -> None:
    deployment, host = recorded
    app = deployment.app()
    assert host.taken() == ["Check", "Create"]

    assert deployment.up(app, app.inputs).op == "same"
    assert host.taken() == ["Check", "Diff"]

    step = deployment.up(app, {**app.inputs, "app_name": "shop-2"})
    assert step.op == "update"
    assert host.taken() == ["Check", "Diff", "Update"]

    refreshed = deployment.refresh(step.state)
    assert refreshed is not None and refreshed["app_name"] == "shop-2"
    assert host.taken() == ["Read", "Diff"]

    deployment.destroy(refreshed)
    assert host.taken() == ["Delete"]


@pytest.mark.parametrize("first", [False, True], ids=["create-first", "delete-first"])
def test_a_replacement_checks_afresh_then_creates_and_deletes_in_the_providers_order(
    recorded: tuple[Deployment, Recording], first: bool
) -> None:
    deployment, host = recorded
    app = deployment.app()
    signature = deployment.create(SignatureProvider, "sig", signature_inputs(app))
    # a new name replaces the signature; a move to another app deletes it first (one name
    # and type per project)
    news = signature_inputs(deployment.app("other")) if first else signature_inputs(app, "云物流")
    host.taken()

    step = deployment.up(signature, news)

    assert step.op == "replace" and step.diff.delete_before_replace is first
    order = ["Delete", "Create"] if first else ["Create", "Delete"]
    assert host.taken() == ["Check", "Diff", "Check", *order]
    assert step.state.id != signature.id
