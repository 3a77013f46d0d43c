"""The engine's call sequences over a real provider host, and the emulator's review and
fault controls, for the provider tests.

:class:`Deployment` does what the Pulumi engine does for one resource at a time (see
``pulumi-dynamic-providers.md``): ``create`` is Check({}) -> Create; ``up`` is Check(old
inputs) -> Diff(old outputs) -> nothing, Update, or a replacement (Check({}) -> Create ->
Delete, or Delete first with delete-before-replace); ``refresh`` is Read; ``destroy`` is
Delete. Values stay in wire form, as the engine stores them.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Any, Literal

import httpx

from harness import PROJECT_ROOT
from harness.emulator import EmulatorProcess
from harness.interceptor import Interceptor
from harness.provider_host import ProviderHost
from harness.results import CheckResult, DiffResult
from harness.wire import PROVIDER_KEY, provider_reference, secret
from providers.resources import AppProvider
from providers.resources.base import ConfiguredProvider

__all__ = [
    "Deployment",
    "Reviewer",
    "State",
    "Step",
    "decide",
    "intercepted",
    "objects",
    "set_review",
    "signature_inputs",
    "stack_config",
]

Kind = type[ConfiguredProvider]
#: Seconds to wait for a line the provider printed before its answer arrived.
OUTPUT_LAG = 30.0

#: What a reviewer does with a signature or template.
Decision = Literal["approve", "reject"]
#: A decision, the reviewer's reason and, for a signature, the status it gets instead.
ReviewDecision = tuple[Decision, str | None, str | None]


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
    op: Literal["same", "update", "replace"]
    diff: DiffResult
    state: State


def urn(kind: Kind, name: str) -> str:
    return f"urn:pulumi:test::msgsms::pulumi-python:dynamic/msgsms:{kind.title}::{name}"


class Deployment:
    """The engine's sequences for single resources, plus what the tests observe."""

    def __init__(self, host: ProviderHost, emulator: EmulatorProcess) -> None:
        self.host = host
        self.emulator = emulator
        self._refs: dict[Kind, str] = {}

    def ref(self, kind: Kind) -> str:
        """The ``__provider`` string a resource of ``kind`` carries."""
        if kind not in self._refs:
            self._refs[kind] = provider_reference(kind())
        return self._refs[kind]

    def _bag(self, kind: Kind, props: Mapping[str, Any]) -> dict[str, Any]:
        return {**props, PROVIDER_KEY: self.ref(kind)}

    # ---- engine calls

    def check(
        self,
        kind: Kind,
        news: Mapping[str, Any],
        olds: Mapping[str, Any] | None = None,
        *,
        preview: bool = False,
    ) -> CheckResult:
        return self.host.check(
            urn(kind, "r"),
            self._bag(kind, olds) if olds else {},
            self._bag(kind, news),
            allow_unknowns=preview,
        )

    def _checked(self, kind: Kind, news: Mapping[str, Any], olds: Mapping[str, Any]) -> dict:
        result = self.check(kind, news, olds)
        assert not result.failures, result.failures
        return result.inputs

    def create(self, kind: Kind, name: str, news: Mapping[str, Any]) -> State:
        inputs = self._checked(kind, news, {})
        created = self.host.create(urn(kind, name), inputs)
        return State(kind, name, created.id, inputs, created.outputs)

    def diff(self, state: State, news: Mapping[str, Any], *, preview: bool = False) -> DiffResult:
        checked = self.check(state.kind, news, state.inputs, preview=preview)
        assert not checked.failures, checked.failures
        return self.host.diff(
            state.id,
            state.urn,
            state.outputs,
            checked.inputs,
            old_inputs=state.inputs,
            allow_unknowns=preview,
        )

    def up(self, state: State, news: Mapping[str, Any]) -> Step:
        inputs = self._checked(state.kind, news, state.inputs)
        diff = self.host.diff(state.id, state.urn, state.outputs, inputs, old_inputs=state.inputs)
        if diff.changes == "none":
            return Step("same", diff, replace(state, inputs=inputs))
        if not diff.replaces:
            outputs = self.host.update(
                state.id, state.urn, state.outputs, inputs, old_inputs=state.inputs
            )
            return Step("update", diff, replace(state, inputs=inputs, outputs=outputs))
        fresh = self._checked(state.kind, news, {})
        if diff.delete_before_replace:
            self.destroy(state)
            created = self.host.create(state.urn, fresh)
        else:
            created = self.host.create(state.urn, fresh)
            self.destroy(state)
        new = replace(state, id=created.id, inputs=fresh, outputs=created.outputs)
        return Step("replace", diff, new)

    def app(self, name: str = "shop", *, scope: str = "cn", region: str = "cn-north-4") -> State:
        """A new app named ``name`` (also its resource name)."""
        return self.create(AppProvider, name, {"region": region, "app_name": name, "scope": scope})

    def refresh(self, state: State) -> State | None:
        read = self.host.read(state.id, state.urn, state.outputs, state.inputs)
        if read.gone:
            return None
        inputs = read.inputs if read.inputs is not None else state.inputs
        return replace(state, id=read.id, inputs=inputs, outputs=read.outputs)

    def destroy(self, state: State) -> None:
        self.host.delete(state.id, state.urn, state.outputs, old_inputs=state.inputs)

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


def signature_inputs(app: State, name: str = "云商城", **extra: Any) -> dict[str, Any]:
    """The inputs of a notification signature of ``app``."""
    return {
        "region": app["region"],
        "app_id": app.id,
        "signature_name": name,
        "signature_type": "NOTIFY_TYPE",
        "signature_source": 0,
        "is_involved_third": "No",
        **extra,
    }


def objects(emu: EmulatorProcess, kind: str, region: str | None = None) -> list[dict[str, Any]]:
    """Every stored object of ``kind`` (apps, signatures, templates, files)."""
    params = {"kind": kind, **({"region": region} if region else {})}
    response = emu.admin.get("/objects", params=params)
    response.raise_for_status()
    return list(response.json())


def set_review(emu: EmulatorProcess, mode: str = "auto", delay: float = 0.0) -> None:
    response = emu.admin.put("/review-policy", json={"mode": mode, "delay_seconds": delay})
    response.raise_for_status()


def decide(
    emu: EmulatorProcess,
    kind: Literal["signatures", "templates"],
    object_id: str,
    decision: Decision,
    reason: str | None = None,
    status: str | None = None,
) -> dict[str, Any]:
    body: dict[str, Any] = {"decision": decision}
    if reason:
        body["review_desc"] = reason
    if status:
        body["status"] = status
    response = emu.admin.post(f"/{kind}/{object_id}/review", json=body)
    response.raise_for_status()
    return dict(response.json())


_UNDER_REVIEW = {"signatures": ("PENDING_REVIEW", "PENDING_ACTIVATE"), "templates": ("Reviewing",)}


class Reviewer:
    """A reviewer working beside a blocking provider call (manual review mode): decides every
    object of ``kind`` that is under review, as soon as it shows up (and ``when()`` is true),
    ``decisions`` in turn (the last one repeats)."""

    def __init__(
        self,
        emu: EmulatorProcess,
        kind: Literal["signatures", "templates"],
        *decisions: ReviewDecision,
        when: Callable[[], bool] = lambda: True,
    ) -> None:
        self.emu = emu
        self.kind = kind
        self.decisions = list(decisions)
        self.when = when
        self.decided: list[str] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._error: BaseException | None = None

    def _run(self) -> None:
        field = "status" if self.kind == "signatures" else "flow_status"
        # a client of its own: the admin client belongs to the test's thread
        with httpx.Client(base_url=self.emu.url + "/_emulator", timeout=30) as admin:
            try:
                while not self._stop.wait(0.05):
                    if not self.when():
                        continue
                    items = admin.get("/objects", params={"kind": self.kind}).json()
                    for item in items:
                        if item[field] in _UNDER_REVIEW[self.kind]:
                            step = min(len(self.decided), len(self.decisions) - 1)
                            decision, reason, status = self.decisions[step]
                            body = {"decision": decision, "review_desc": reason, "status": status}
                            body = {k: v for k, v in body.items() if v is not None}
                            admin.post(f"/{self.kind}/{item['id']}/review", json=body)
                            self.decided.append(item["id"])
            except BaseException as exc:
                self._error = exc

    def __enter__(self) -> Reviewer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=30)
        if self._error is not None:
            raise self._error


@contextmanager
def intercepted(emu: EmulatorProcess) -> Iterator[tuple[Deployment, Interceptor]]:
    """A provider host of its own whose API requests pass through an :class:`Interceptor`,
    for tests that stop or cut one chosen request."""
    regions: dict[str, dict[str, str]] = emu.info["regions"]
    upstreams = [emu.iam_url, *(r["msgsms_url"] for r in regions.values())]
    with (
        Interceptor(upstreams) as interceptor,
        ProviderHost(PROJECT_ROOT, project="msgsms") as host,
    ):
        config = stack_config(emu)
        config["msgsms:endpoints"] = interceptor.endpoints(emu.endpoints())
        host.configure(config)
        yield Deployment(host, emu), interceptor
