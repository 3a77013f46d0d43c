"""The emulator killed with SIGKILL in the middle of work loses nothing it acknowledged.

Two runs are cut short: a stream of writes from several clients at once, and an `up` of the
example catalog. After a restart on the same data dir and ports, every acknowledged write is
there (and every acknowledged deletion stays done), nothing appears that no client sent, and a
further `up` converges to the declared state.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from harness.emulator import EmulatorProcess, start_emulator
from harness.engine import Engine, PassFailed
from harness.engine.summary import PassSummary
from tests.emulator.api import RawApi, signature_body
from tests.faults.seeds import up_until_done
from tests.faults.stack import (
    KIND_OF_TYPE,
    Estate,
    catalog_variant,
    convergence_problems,
    example_stack,
    load_variant,
)
from tests.support.waiting import WAIT_SECONDS, wait_until

pytestmark = pytest.mark.slow

WRITERS = 3
#: Acknowledged writes to wait for before the kill.
WRITES_BEFORE_KILL = 40


@dataclass
class Writer:
    """Creates signatures one after another and deletes every third one it created, keeping
    what the emulator acknowledged and the write whose answer never came."""

    api: RawApi
    app_id: str
    number: int
    created: dict[str, str] = field(default_factory=dict)  # name -> id, acknowledged
    deleted: set[str] = field(default_factory=set)  # ids, acknowledged
    cut_create: str | None = None  # the name of a create cut short
    cut_delete: str | None = None  # the id of a deletion cut short
    refused: str | None = None  # an answer that was not a success

    def run(self) -> None:
        for i in range(10_000):
            name = f"签名{self.number}号{i:04d}"
            body = signature_body(self.app_id, signature_name=name)
            try:
                answer = self.api.send("POST", "/signatures", json_body=body)
            except httpx.TransportError:
                self.cut_create = name
                return
            if answer.status_code != 200:
                self.refused = answer.text
                return
            self.created[name] = answer.json()["id"]
            if i % 3 == 2:
                victim = self.created[f"签名{self.number}号{i - 1:04d}"]
                try:
                    answer = self.api.send("DELETE", f"/signatures/{victim}")
                except httpx.TransportError:
                    self.cut_delete = victim
                    return
                if answer.status_code != 204:
                    self.refused = answer.text
                    return
                self.deleted.add(victim)

    @property
    def acknowledged(self) -> int:
        return len(self.created) + len(self.deleted)

    @property
    def cut_short(self) -> bool:
        return bool(self.cut_create or self.cut_delete)


def test_kill_9_during_concurrent_writes_loses_no_acknowledged_write(tmp_path: Path) -> None:
    with start_emulator(tmp_path, "--review-delay", "3600") as emulator:
        emulator.admin.put("/quotas", json={"signatures_per_app": 10_000}).raise_for_status()
        setup = RawApi(emulator)
        app_id = setup.create_app()["id"]
        setup.close()
        writers = [Writer(RawApi(emulator), app_id, n) for n in range(WRITERS)]
        threads = [threading.Thread(target=w.run, daemon=True) for w in writers]
        for thread in threads:
            thread.start()
        wait_until(
            lambda: sum(w.acknowledged for w in writers) >= WRITES_BEFORE_KILL,
            f"{WRITES_BEFORE_KILL} acknowledged writes",
        )

        assert emulator.kill() == -9

        for thread in threads:
            thread.join(WAIT_SECONDS)
        for writer in writers:
            writer.api.close()
        assert [w.refused for w in writers] == [None] * WRITERS
        assert all(w.cut_short for w in writers), "every writer was still writing at the kill"
        emulator.restart()
        held = {s["signature_name"]: s["id"] for s in Estate.of(emulator).objects["signatures"]}
        for writer in writers:
            kept = {
                name: id_
                for name, id_ in writer.created.items()
                if id_ not in writer.deleted and id_ != writer.cut_delete
            }
            assert {name: held.get(name) for name in kept} == kept  # every acknowledged create
            assert not writer.deleted & set(held.values())  # every acknowledged deletion
        # nothing that no client sent: acknowledged creates and, at most, the creates cut short
        sent = {name for w in writers for name in w.created} | {w.cut_create for w in writers}
        assert set(held) <= sent


def _kill_when(emulator: EmulatorProcess, posts: int) -> None:
    """Kill -9 once the emulator has answered ``posts`` creates with success."""

    def answered() -> bool:
        return (
            sum(1 for r in emulator.requests() if r["method"] == "POST" and r["status"] == 200)
            >= posts
        )

    wait_until(answered, f"{posts} successful creates")
    assert emulator.kill() == -9


def _up_in_background(stack: Engine) -> tuple[threading.Thread, list[PassSummary]]:
    """An `up` in a thread; it does not count API requests, as the emulator may be down at
    its end."""
    result: list[PassSummary] = []
    emulator, stack.emulator = stack.emulator, None

    def run() -> None:
        try:
            result.append(stack.up())
        except PassFailed as failed:
            result.append(failed.summary)
        finally:
            stack.emulator = emulator

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, result


@pytest.mark.parametrize(
    "outage",
    [
        pytest.param("short", id="back-within-the-retries"),
        pytest.param("long", id="back-after-the-pass-failed"),
    ],
)
def test_kill_9_during_up_keeps_every_acknowledged_create_and_the_next_up_converges(
    tmp_path: Path, outage: str
) -> None:
    catalog = catalog_variant(tmp_path / "catalog", wait_for="none")
    with start_emulator(tmp_path, "--review-delay", "1") as emulator:
        stack = example_stack(emulator, tmp_path / "state", catalog=catalog)
        # slow enough to be cut in the middle: apps, the file and a signature or two are done
        emulator.admin.put("/faults", json={"latency_ms": [100, 200]}).raise_for_status()
        thread, interrupted = _up_in_background(stack)

        _kill_when(emulator, posts=4)
        if outage == "long":
            thread.join(WAIT_SECONDS * 2)
            assert interrupted and interrupted[0].failed
        emulator.restart()  # faults are gone with the process: the restart has none
        thread.join(WAIT_SECONDS * 2)
        assert not thread.is_alive()

        # every create the provider was answered is in the checkpoint; all are still there
        estate = Estate.of(emulator)
        recorded = [r for r in stack.checkpoint().resources if r.type.startswith("pulumi-python")]
        assert recorded, "the kill came after at least one create was recorded"
        missing = [r.name for r in recorded if r.id not in estate.ids(KIND_OF_TYPE[r.type])]
        assert missing == []

        runs = up_until_done(stack, 2)
        assert not runs[-1].failed, "\n".join(runs[-1].errors)
        final = stack.up()
        assert set(final.changes) == {"same"} and final.api_requests == 0
        problems = convergence_problems(
            Estate.of(emulator), stack.checkpoint(), load_variant(catalog), uploads=None
        )
        assert problems == []
