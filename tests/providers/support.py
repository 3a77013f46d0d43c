"""Test-only fixtures of the provider tests: a reviewer beside a blocking call, a provider host
behind an interceptor, and the inputs of a typical signature. The engine's sequences for one
resource are ``harness.sequences``; the emulator's admin helpers ``harness.emulator``."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, Literal

import httpx

from harness import PROJECT_ROOT
from harness.emulator import Decision, EmulatorProcess
from harness.interceptor import Interceptor
from harness.provider_host import ProviderHost
from harness.sequences import Deployment, State, stack_config

__all__ = ["ReviewDecision", "Reviewer", "intercepted", "signature_inputs"]

#: A decision, the reviewer's reason and, for a signature, the status it gets instead.
ReviewDecision = tuple[Decision, str | None, str | None]


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
def intercepted(emu: EmulatorProcess, **settings: str) -> Iterator[tuple[Deployment, Interceptor]]:
    """A provider host of its own whose API requests pass through an :class:`Interceptor`,
    for tests that stop or cut one chosen request; ``settings`` are further ``msgsms`` stack
    settings (``hostThreads="4"``)."""
    regions: dict[str, dict[str, str]] = emu.info["regions"]
    upstreams = [emu.iam_url, *(r["msgsms_url"] for r in regions.values())]
    with (
        Interceptor(upstreams) as interceptor,
        ProviderHost(PROJECT_ROOT, project="msgsms") as host,
    ):
        config = stack_config(emu)
        config["msgsms:endpoints"] = interceptor.endpoints(emu.endpoints())
        config.update({f"msgsms:{key}": value for key, value in settings.items()})
        host.configure(config)
        yield Deployment(host, emu), interceptor
