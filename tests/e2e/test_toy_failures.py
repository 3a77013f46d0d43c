"""A failed step leaves the checkpoint as the engine leaves it; the next up completes the work."""

from __future__ import annotations

from typing import Any

import pytest

from harness.engine import PassFailed
from harness.engine.properties import plain
from tests.e2e.conftest import FILE_TYPE, Toy


def test_failed_update_keeps_completed_steps_and_old_state_for_the_rest(toy: Toy) -> None:
    toy.declare(
        a={"content": "a1"},
        b={"content": "b1", "content_from": "a"},
        c={"content": "c1", "content_from": "b"},
        d={"content": "d1"},
    )
    toy.stack.up()
    before = toy.stack.checkpoint()
    toy.fail("update", "b")
    toy.declare(
        a={"content": "a2"},
        b={"content": "b2", "content_from": "a"},
        c={"content": "c2", "content_from": "b"},
    )

    with pytest.raises(PassFailed) as failed:
        toy.stack.up()

    assert "injected failure: update b" in str(failed.value)
    summary = failed.value.summary
    assert summary.ops("a") == ["update"] and summary.ops("b") == ["update"]
    assert summary.ops("c") == [] and summary.ops("d") == []  # not reached; no deletes
    after = toy.stack.checkpoint()
    assert plain(after.find("a").outputs["content"]) == "a2"  # done before the failure
    assert after.find("b") == before.find("b")
    assert after.find("c") == before.find("c")
    assert after.find("d") == before.find("d")
    assert after.pending_operations == []
    assert toy.text("a.txt") == "a2" and toy.listing() == ["a.txt", "b.txt", "c.txt", "d.txt"]

    toy.heal("update", "b")
    again = toy.stack.up()

    assert again.ops("a") == ["same"] and again.ops("b") == ["update"]
    assert again.ops("c") == ["update"] and again.ops("d") == ["delete"]
    assert toy.listing() == ["a.txt", "b.txt", "c.txt"]


def test_failed_create_records_nothing_for_that_resource(toy: Toy) -> None:
    toy.declare(a={"content": "a"})
    toy.fail("create", "a")

    with pytest.raises(PassFailed) as failed:
        toy.stack.up()

    assert "injected failure: create a" in str(failed.value)
    checkpoint = toy.stack.checkpoint()
    assert checkpoint.names(type_=FILE_TYPE) == []
    assert checkpoint.pending_operations == []
    toy.heal("create", "a")
    assert toy.stack.up().ops("a") == ["create"]


def test_failed_delete_of_a_replaced_resource_stays_pending_delete(toy: Toy) -> None:
    toy.declare(a={"path": "one.txt", "content": "x"})
    toy.stack.up()
    toy.fail("delete", "a")
    toy.declare(a={"path": "two.txt", "content": "x"})

    with pytest.raises(PassFailed):
        toy.stack.up()

    entries = toy.stack.checkpoint().find_all("a")
    assert sorted((r.id, r.delete) for r in entries) == [("one.txt", True), ("two.txt", False)]
    assert toy.listing() == ["one.txt", "two.txt"]

    toy.heal("delete", "a")
    toy.forget_calls()
    again = toy.stack.up()

    assert again.ops("a") == ["same", "delete-replaced"]
    assert toy.call_names("a") == ["check", "diff", "delete"]
    assert toy.calls("a")[2]["id"] == "one.txt"
    assert [r.id for r in toy.stack.checkpoint().find_all("a")] == ["two.txt"]
    assert toy.listing() == ["two.txt"]


def test_failed_create_after_delete_before_replace_leaves_it_pending_replacement(toy: Toy) -> None:
    toy.declare(a={"content": "x"})
    toy.stack.up()
    toy.fail("create", "a")
    toy.declare(a={"content": "x", "format": "upper"})

    with pytest.raises(PassFailed):
        toy.stack.up()

    a = toy.stack.checkpoint().find("a")
    assert a.pending_replacement and plain(a.inputs["format"]) == "text"
    assert toy.listing() == []  # deleted, not yet recreated

    toy.heal("create", "a")
    toy.forget_calls()
    again = toy.stack.up()

    assert again.ops("a") == ["replace", "create-replacement"]  # the delete is not repeated
    assert toy.call_names("a") == ["check", "diff", "check", "create"]
    a = toy.stack.checkpoint().find("a")
    assert not a.pending_replacement and plain(a.outputs["format"]) == "upper"
    assert toy.text("a.txt") == "X"


def test_failed_pass_keeps_the_stack_outputs_it_did_not_register_again(toy: Toy) -> None:
    """The engine finalizes the stack's outputs at the end of a pass; after a failure, an
    output the program did not register again is kept (its absence cannot mean it was
    deleted), and the next successful pass writes what the program exports."""

    def stack_outputs() -> dict[str, Any]:
        stack = toy.stack.checkpoint().stack
        assert stack is not None
        return plain(stack.outputs)

    toy.declare(a={"content": "a"})
    toy.stack.up()
    before = stack_outputs()
    assert before["hashes"].keys() == {"a"}
    toy.fail("create", "b")
    toy.declare(a={"content": "a"}, b={"content": "b"})

    with pytest.raises(PassFailed):
        toy.stack.up()

    after = stack_outputs()
    assert after["hashes"] == before["hashes"] and after["paths"] == before["paths"]

    toy.heal("create", "b")
    toy.stack.up()
    assert stack_outputs()["hashes"].keys() == {"a", "b"}
