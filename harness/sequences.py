"""The engine's call sequences for one resource at a time, over a shared provider host.

:class:`Deployment` drives single resources the way the Pulumi engine drives each resource of
a pass (see ``pulumi-dynamic-providers.md``), with the step code of the offline engine
(:class:`harness.engine.steps.Steps`), without its scheduling and checkpoint: ``create`` is
Check({}) -> Create; ``up`` is Check(old inputs) -> Diff(old outputs) -> nothing, Update, or a
replacement (Check({}) -> Create -> Delete, or Delete first with delete-before-replace);
``refresh`` is Read -> Diff; ``destroy`` is Delete. Values stay in wire form, as the engine
stores them. A failed provider call raises its :class:`~harness.results.ProviderError`; failed
checks raise :class:`~harness.engine.steps.StepError` with the engine's message.

It is quick (one configured host serves every call) and observable: :meth:`Deployment.mark`,
:meth:`~Deployment.api_calls` and :meth:`~Deployment.notices` tell what a step sent to the
emulator and printed. The provider tests and ``bench/steps.py`` use it.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Any

from harness.emulator import EmulatorProcess
from harness.engine.state import ResourceState
from harness.engine.steps import StepError, StepKind, Steps
from harness.provider_host import ProviderHost
from harness.results import CheckResult, DiffResult
from harness.wire import PROVIDER_KEY, provider_reference, secret
from providers.resources import AppProvider
from providers.resources.base import ConfiguredProvider

__all__ = ["Deployment", "State", "Step", "stack_config", "type_token", "urn"]

Kind = type[ConfiguredProvider]
#: Seconds to wait for a line the provider printed before its answer arrived.
OUTPUT_LAG = 30.0


def stack_config(emu: EmulatorProcess, region: str = "cn-north-4") -> dict[str, Any]:
    """The stack config a user of the emulator sets (``msgsms:*``), the secret key a secret."""
    regions: dict[str, dict[str, str]] = emu.info["regions"]
    return {
        "msgsms:region": region,
        "msgsms:accessKey": emu.info["access_key"],
        "msgsms:secretKey": secret(emu.info["secret_key"]),
        "msgsms:projectIds": {name: r["project_id"] for name, r in regions.items()},
        "msgsms:endpoints": emu.endpoints(),
    }


def type_token(kind: Kind) -> str:
    return f"pulumi-python:dynamic/msgsms:{kind.title}"


def urn(kind: Kind, name: str) -> str:
    return f"urn:pulumi:test::msgsms::{type_token(kind)}::{name}"


@dataclass(frozen=True)
class State:
    """A resource as the engine keeps it: id, checked inputs and outputs (wire form)."""

    kind: Kind
    name: str
    id: str
    inputs: dict[str, Any]
    outputs: dict[str, Any]

    @property
    def urn(self) -> str:
        return urn(self.kind, self.name)

    def __getitem__(self, key: str) -> Any:
        return self.outputs.get(key)


@dataclass(frozen=True)
class Step:
    """What ``up`` did, the provider's diff that decided it, and the resource after it."""

    op: StepKind
    diff: DiffResult
    state: State


@contextmanager
def _provider_errors() -> Iterator[None]:
    """A failed provider call raises the provider's error, as the host reported it."""
    try:
        yield
    except StepError as exc:
        if exc.cause is None:
            raise
        raise exc.cause from None


class Deployment:
    """The engine's sequences for single resources, plus what the tests observe."""

    def __init__(self, host: ProviderHost, emulator: EmulatorProcess) -> None:
        self.host = host
        self.emulator = emulator
        self._refs: dict[Kind, str] = {}
        self._steps = Steps(lambda: host, preview=False)
        self._preview = Steps(lambda: host, preview=True)

    def ref(self, kind: Kind) -> str:
        """The ``__provider`` string a resource of ``kind`` carries."""
        if kind not in self._refs:
            self._refs[kind] = provider_reference(kind())
        return self._refs[kind]

    def _bag(self, kind: Kind, props: Mapping[str, Any]) -> dict[str, Any]:
        return {**props, PROVIDER_KEY: self.ref(kind)}

    def _resource(self, kind: Kind, name: str, state: State | None = None) -> ResourceState:
        """The engine's record of a resource; stored inputs always carry ``__provider``."""
        resource = ResourceState(urn=urn(kind, name), type=type_token(kind), custom=True)
        if state is not None:
            resource.id, resource.outputs = state.id, state.outputs
            resource.inputs = {PROVIDER_KEY: self.ref(kind), **state.inputs}
        return resource

    # ---- engine calls

    def check(
        self,
        kind: Kind,
        news: Mapping[str, Any],
        olds: Mapping[str, Any] | None = None,
        *,
        preview: bool = False,
    ) -> CheckResult:
        """The bare ``Check`` call, failures included in the answer."""
        return self.host.check(
            urn(kind, "r"),
            self._bag(kind, olds) if olds else {},
            self._bag(kind, news),
            allow_unknowns=preview,
        )

    def create(self, kind: Kind, name: str, news: Mapping[str, Any]) -> State:
        new = self._resource(kind, name)
        with _provider_errors():
            new.inputs = self._steps.check(new, {}, self._bag(kind, news))
            self._steps.create(new)
        return State(kind, name, new.id, new.inputs, new.outputs)

    def diff(self, state: State, news: Mapping[str, Any], *, preview: bool = False) -> DiffResult:
        """Check, then the provider's answer to ``Diff`` (unknowns allowed in a preview)."""
        steps = self._preview if preview else self._steps
        old = self._resource(state.kind, state.name, state)
        with _provider_errors():
            inputs = steps.check(old, old.inputs, self._bag(state.kind, news))
            diff = steps.diff(old, inputs)
        assert diff.provider is not None
        return diff.provider

    def up(self, state: State, news: Mapping[str, Any]) -> Step:
        kind, bag = state.kind, self._bag(state.kind, news)
        old = self._resource(kind, state.name, state)
        new = self._resource(kind, state.name)
        with _provider_errors():
            new.inputs = self._steps.check(new, old.inputs, bag)
            diff = self._steps.diff(old, new.inputs)
            op = diff.step()
            if op == "same":
                new.id, new.outputs = old.id, old.outputs
            elif op == "update":
                self._steps.update(old, new)
            else:
                # a replacement starts afresh: checked again without the old inputs
                new.inputs = self._steps.check(new, {}, bag)
                if diff.deletes_first():
                    self._steps.delete(old)
                    self._steps.create(new)
                else:
                    self._steps.create(new)
                    self._steps.delete(old)
        assert diff.provider is not None
        after = replace(state, id=new.id, inputs=new.inputs, outputs=new.outputs)
        return Step(op, diff.provider, after)

    def app(self, name: str = "shop", *, scope: str = "cn", region: str = "cn-north-4") -> State:
        """A new app named ``name`` (also its resource name)."""
        return self.create(AppProvider, name, {"region": region, "app_name": name, "scope": scope})

    def refresh(self, state: State) -> State | None:
        """Read, then the Diff the engine makes after it; None when the object is gone."""
        old = self._resource(state.kind, state.name, state)
        with _provider_errors():
            refreshed = self._steps.read(old)
            if refreshed is None:
                return None
            self._steps.refresh_diff(old, refreshed)
        return replace(state, id=refreshed.id, inputs=refreshed.inputs, outputs=refreshed.outputs)

    def destroy(self, state: State) -> None:
        with _provider_errors():
            self._steps.delete(self._resource(state.kind, state.name, state))

    # ---- observations

    def mark(self) -> tuple[int, int]:
        """A point in the API request log and in the provider's output."""
        return self.emulator.last_seq(), self.host.output.mark()

    def api_calls(self, mark: tuple[int, int]) -> list[str]:
        """``METHOD /path`` of every MSGSMS request since ``mark``."""
        requests = self.emulator.requests(since=mark[0], api="msgsms")
        return [f"{r['method']} {r['path']}" for r in requests]

    def notices(self, mark: tuple[int, int], expect: str | None = None) -> list[str]:
        """What the provider printed to stderr since ``mark``.

        The host's output is read by threads that may lag behind a call's answer: with
        ``expect``, first wait (up to :data:`OUTPUT_LAG` seconds) for a line containing it.
        """
        deadline = time.monotonic() + OUTPUT_LAG
        while True:
            output = self.host.output.since(mark[1])
            lines = [line.text for line in output if line.stream == "stderr"]
            if expect is None or any(expect in t for t in lines) or time.monotonic() > deadline:
                return lines
            time.sleep(0.02)

    def saw(self, mark: tuple[int, int], text: str) -> bool:
        """Whether the provider printed a line containing ``text`` since ``mark`` (waiting
        for lagging output as :meth:`notices` does)."""
        return any(text in line for line in self.notices(mark, expect=text))
