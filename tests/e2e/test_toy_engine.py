"""What the real engine does that a serial stand-in hides, shown on the toy project: parallel
steps against the provider host's four threads, pending creates of a killed run, refresh as
Read then Diff in ``up --refresh``, aliases and ``deleted_with``, and options refused by name.

Offline engine only: the CLI variants of these need a CLI on PATH.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from harness.engine import Engine, PassFailed, PassSummary
from harness.engine.state import Checkpoint, PendingOperation
from tests.e2e.conftest import Toy
from tests.support.waiting import WAIT_SECONDS, wait_until


def test_four_blocked_creates_hold_every_host_thread_and_the_run_still_ends(
    offline_toy: Toy,
) -> None:
    """Six independent creates go to the host at once (the engine runs up to eight steps),
    but the host serves dynamic resources with four threads: while four creates block, the
    other two wait, whatever the engine's parallelism. Releasing one lets the next one in;
    nothing deadlocks, and every resource is created in the end."""
    toy = offline_toy
    keys = [f"f{i}" for i in range(6)]
    toy.meta.mkdir(parents=True, exist_ok=True)
    for key in keys:
        (toy.meta / f"hold-create-{key}").touch()
    toy.declare(**{key: {"content": key} for key in keys})
    result: list[PassSummary] = []
    run = threading.Thread(target=lambda: result.append(toy.stack.up()), daemon=True)
    run.start()

    def creates() -> list[str]:
        return [c["key"] for c in toy.calls() if c["call"] == "create"]

    wait_until(lambda: len(creates()) == 4, "four creates to start")
    time.sleep(1.0)  # time enough for a fifth create, were a host thread free
    assert len(creates()) == 4

    (toy.meta / f"hold-create-{creates()[0]}").unlink()
    wait_until(lambda: len(creates()) == 5, "a fifth create once a thread is free")
    assert len(creates()) == 5
    for key in keys:
        (toy.meta / f"hold-create-{key}").unlink(missing_ok=True)
    run.join(WAIT_SECONDS)

    assert not run.is_alive() and result
    assert sorted(creates()) == keys
    assert toy.listing() == [f"{key}.txt" for key in keys]


def test_independent_steps_run_at_once(offline_toy: Toy) -> None:
    """Two creates that each wait for the other to start can only finish when both run at
    the same time: the engine does not run one step at a time."""
    toy = offline_toy
    toy.meta.mkdir(parents=True, exist_ok=True)
    for key in ("a", "b"):
        (toy.meta / f"hold-create-{key}").touch()
    toy.declare(a={"content": "a"}, b={"content": "b"})
    done: list[PassSummary] = []
    run = threading.Thread(target=lambda: done.append(toy.stack.up()), daemon=True)
    run.start()

    wait_until(lambda: len([c for c in toy.calls() if c["call"] == "create"]) == 2, "two creates")
    for key in ("a", "b"):
        (toy.meta / f"hold-create-{key}").unlink()
    run.join(WAIT_SECONDS)
    assert done and done[0].ops("a") == ["create"] and done[0].ops("b") == ["create"]


def test_a_pending_create_is_warned_about_and_created_again(offline_toy: Toy) -> None:
    """A checkpoint a killed run left: the resource under way as a pending create, not in
    the state. ``up`` warns and calls Create again; the warning stays until a refresh with
    ``clear_pending_creates``."""
    toy = offline_toy
    toy.declare(a={"content": "a"})
    toy.stack.up()
    killed = toy.stack.checkpoint()
    a = killed.find("a")
    left = Checkpoint.of(
        [r for r in killed.resources if r.name != "a"], [PendingOperation(a, "creating")]
    )
    assert isinstance(toy.stack, Engine)
    left.save(toy.stack.checkpoint_path)
    (toy.files / "a.txt").unlink()
    toy.forget_calls()

    again = toy.stack.up()

    assert again.ops("a") == ["create"]
    [warning] = [d for d in again.diagnostics if "pending operations" in d]
    assert f"{a.urn}, interrupted while creating" in warning
    assert [op.resource.urn for op in toy.stack.checkpoint().pending_operations] == [a.urn]
    assert set(toy.stack.up().changes) == {"same"}

    toy.stack.refresh(clear_pending_creates=True)

    assert toy.stack.checkpoint().pending_operations == []
    quiet = toy.stack.up()
    assert not [d for d in quiet.diagnostics if "pending operations" in d]


def test_up_with_refresh_reads_diffs_then_applies_the_program(offline_toy: Toy) -> None:
    toy = offline_toy
    toy.declare(a={"content": "one"}, b={"content": "two"})
    toy.stack.up()
    (toy.files / "a.txt").write_text("edited", encoding="utf-8")
    toy.forget_calls()

    summary = toy.stack.up(refresh=True)

    assert toy.call_names("a") == ["read", "diff", "check", "diff", "update"]
    refresh_diff = toy.calls("a")[1]
    assert refresh_diff["olds"]["content"] == "edited" and refresh_diff["news"]["content"] == "one"
    assert summary.ops("a") == ["refresh", "update"] and summary.ops("b") == ["refresh", "same"]
    assert toy.text("a.txt") == "one"


def test_an_alias_renames_without_any_change(offline_toy: Toy) -> None:
    toy = offline_toy
    toy.declare(
        old={"content": "x", "path": "x.txt"}, other={"content": "y", "depends_on": ["old"]}
    )
    toy.stack.up()
    old_urn = toy.stack.checkpoint().find("old").urn
    toy.forget_calls()
    toy.declare(
        new={"content": "x", "path": "x.txt", "aliases": ["old"]},
        other={"content": "y", "depends_on": ["new"]},
    )

    summary = toy.stack.up()

    assert summary.ops("new") == ["same"] and summary.ops("old") == []
    assert toy.call_names("new") == ["check", "diff"]  # no create, no delete
    checkpoint = toy.stack.checkpoint()
    assert checkpoint.find_all("old") == [] and checkpoint.find("new").id == "x.txt"
    assert old_urn not in checkpoint.find("other").dependencies
    assert toy.listing() == ["other.txt", "x.txt"]


def test_two_resources_cannot_claim_one_alias(offline_toy: Toy) -> None:
    toy = offline_toy
    toy.declare(old={"content": "x"})
    toy.stack.up()
    toy.declare(
        a={"content": "x", "path": "old.txt", "aliases": ["old"]},
        b={"content": "x", "path": "old.txt", "aliases": ["old"]},
    )

    with pytest.raises(PassFailed) as failed:
        toy.stack.up()

    assert "Duplicate resource alias" in "\n".join(failed.value.summary.errors)


def test_deleted_with_skips_the_delete_of_what_goes_with_its_owner(offline_toy: Toy) -> None:
    toy = offline_toy
    toy.declare(owner={"content": "o"}, part={"content": "p", "deleted_with": "owner"})
    toy.stack.up()
    assert toy.stack.checkpoint().find("part").deleted_with.endswith("::owner")
    toy.forget_calls()

    summary = toy.stack.destroy()

    assert summary.order("owner", "part") == [("part", "delete"), ("owner", "delete")]
    assert toy.call_names("owner") == ["delete"]
    assert toy.call_names("part") == []  # its owner's delete takes it along
    assert toy.stack.checkpoint().find_all("part") == []


def test_an_option_the_engine_does_not_model_is_refused_by_name(offline_toy: Toy) -> None:
    toy = offline_toy
    toy.declare(a={"content": "a", "custom_timeouts": "5m"})

    with pytest.raises(PassFailed) as failed:
        toy.stack.up()

    errors = "\n".join(failed.value.summary.errors)
    assert "does not model custom_timeouts" in errors
    assert toy.listing() == []


def test_a_no_op_up_writes_the_checkpoint_once(
    offline_toy: Toy, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As the snapshot manager elides the write of a same step with nothing changed and of
    stack outputs equal to the old ones, a pass where nothing changes writes the checkpoint
    once, at its end (not once per resource, nor for the stack, its provider and outputs);
    a change is written when its step completes."""
    toy = offline_toy
    toy.declare(a={"content": "a"}, b={"content": "b"}, c={"content": "c"})
    toy.stack.up()
    writes: list[list[str]] = []
    save = Checkpoint.save

    def counted(self: Checkpoint, path: Path) -> None:
        writes.append(self.names())
        save(self, path)

    monkeypatch.setattr(Checkpoint, "save", counted)
    before = toy.stack.checkpoint()

    summary = toy.stack.up()

    assert {summary.ops(key)[0] for key in "abc"} == {"same"}
    assert len(writes) == 1
    after = toy.stack.checkpoint()

    def by_urn(checkpoint: Checkpoint) -> dict[str, object]:
        return {r.urn: r.to_json() for r in checkpoint.resources}

    assert by_urn(after) == by_urn(before)

    writes.clear()
    toy.declare(a={"content": "a2"}, b={"content": "b"}, c={"content": "c"})
    summary = toy.stack.up()
    assert summary.ops("a") == ["update"]
    # the default provider (its config changed), the update's pending operation and its
    # outcome, the stack's changed outputs, the end of the pass
    assert len(writes) == 5
