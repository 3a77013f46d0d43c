"""The engine's step sequences, proven on the toy project (offline engine, and the CLI if present).

Each test asserts the steps per resource, what the provider received (its call log), the
checkpoint and the files on disk.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.engine import PassFailed
from harness.engine.properties import is_secret, plain
from tests.e2e.conftest import FILE_TYPE, Toy, as_logged


def _resources(toy: Toy) -> list[dict]:
    return [r.to_json() for r in toy.stack.checkpoint().resources]


def test_up_creates_then_an_unchanged_up_only_checks_and_diffs(toy: Toy) -> None:
    toy.declare(a={"content": "alpha"}, b={"content": "beta", "content_from": "a"})

    first = toy.stack.up()

    assert first.ops("a") == ["create"]
    assert first.ops("b") == ["create"]
    assert first.order("a", "b") == [("a", "create"), ("b", "create")]
    assert toy.call_names("a") == ["check", "create"]
    assert toy.calls("a")[0]["olds"] == {}  # check on create: no old inputs
    assert toy.listing() == ["a.txt", "b.txt"]
    assert toy.text("a.txt") == "alpha"
    checkpoint = toy.stack.checkpoint()
    a, b = checkpoint.find("a"), checkpoint.find("b")
    provider = checkpoint.default_provider
    assert provider is not None and checkpoint.stack is not None
    assert a.id == "a.txt" and a.type == FILE_TYPE
    assert a.provider == f"{provider.urn}::{provider.id}"
    assert a.parent == checkpoint.stack.urn
    assert plain(a.inputs) == {**as_logged(a.inputs), "__provider": plain(a.inputs["__provider"])}
    assert as_logged(a.inputs) == {
        "key": "a",
        "path": "a.txt",
        "content": "alpha",
        "format": "text",
    }
    assert a.outputs["sha256"] == first.output("hashes")["a"]
    assert a.additional_secret_outputs == ["token"]
    assert a.urn in b.dependencies
    assert b.property_dependencies["content"] == [a.urn]
    assert plain(b.inputs["content"]) == f"beta after {a.outputs['sha256']}"
    assert provider.inputs["toy:dir"] == str(toy.files)
    assert (
        is_secret(provider.inputs["toy:token"]) and plain(provider.inputs["toy:token"]) == "s3cret"
    )

    toy.forget_calls()
    second = toy.stack.up()

    assert second.ops("a") == ["same"] and second.ops("b") == ["same"]
    assert toy.call_names("a") == ["check", "diff"]
    check, diff = toy.calls("a")
    assert check["olds"] == as_logged(a.inputs)  # check gets the old inputs...
    assert diff["olds"] == as_logged(a.outputs)  # ...diff the old outputs
    assert diff["id"] == "a.txt"
    after = toy.stack.checkpoint()
    assert after.find("a").outputs == a.outputs
    assert after.find("b").outputs == b.outputs


def test_preview_changes_nothing_and_sends_unknowns(toy: Toy) -> None:
    toy.declare(a={"content": "alpha"}, b={"content": "beta", "content_from": "a"})

    plan = toy.stack.preview()

    assert plan.ops("a") == ["create"] and plan.ops("b") == ["create"]
    assert toy.call_names("a") == ["check"]
    assert toy.call_names("b") == ["check"]
    assert toy.calls("b")[0]["news"]["content"] == "<unknown>"  # a's sha256 is not known yet
    assert toy.listing() == []
    assert [r for r in toy.stack.checkpoint().resources if r.type == FILE_TYPE] == []

    toy.stack.up()
    before = _resources(toy)
    toy.forget_calls()
    toy.declare(a={"content": "omega"}, b={"content": "beta", "content_from": "a"})

    plan = toy.stack.preview()

    assert plan.ops("a") == ["update"]
    assert plan.ops("b") == ["update"]  # its content depends on a's new, unknown sha256
    assert toy.call_names("a") == ["check", "diff"]
    assert toy.call_names("b") == ["check", "diff"]
    assert toy.calls("b")[1]["news"]["content"] == "<unknown>"
    assert _resources(toy) == before
    assert toy.text("a.txt") == "alpha"


def test_update_in_place_gets_old_outputs_and_keeps_the_id(toy: Toy) -> None:
    toy.declare(a={"content": "alpha"})
    toy.stack.up()
    old = toy.stack.checkpoint().find("a")
    toy.forget_calls()
    toy.declare(a={"content": "omega"})

    summary = toy.stack.up()

    assert summary.ops("a") == ["update"]
    assert toy.call_names("a") == ["check", "diff", "update"]
    update = toy.calls("a")[2]
    assert update["olds"] == as_logged(old.outputs)
    assert update["news"]["content"] == "omega"
    new = toy.stack.checkpoint().find("a")
    assert new.id == old.id
    assert plain(new.outputs["version"]) == 2
    assert new.outputs["token"] == old.outputs["token"]
    assert toy.text("a.txt") == "omega"


def test_replace_creates_first_and_deletes_after_every_create_and_update(toy: Toy) -> None:
    toy.declare(
        a={"path": "one.txt", "content": "x"},
        b={"content": "y", "content_from": "a"},
        c={"content": "z"},
    )
    toy.stack.up()
    old = toy.stack.checkpoint().find("a")
    toy.forget_calls()
    toy.declare(
        a={"path": "two.txt", "content": "x2"},
        b={"content": "y", "content_from": "a"},
        c={"content": "z2"},
    )

    summary = toy.stack.up()

    assert summary.ops("a") == ["create-replacement", "replace", "delete-replaced"]
    assert summary.ops("b") == ["update"]
    assert summary.ops("c") == ["update"]
    steps = summary.order("a", "b", "c")
    assert steps[-1] == ("a", "delete-replaced")  # after b's and c's updates
    assert toy.call_names("a") == ["check", "diff", "check", "create", "delete"]
    first_check, _, second_check, _, delete = toy.calls("a")
    assert first_check["olds"] == as_logged(old.inputs)
    assert second_check["olds"] == {}  # a replacement is checked afresh
    assert delete["id"] == "one.txt" and delete["props"] == as_logged(old.outputs)
    assert toy.listing() == ["b.txt", "c.txt", "two.txt"]
    checkpoint = toy.stack.checkpoint()
    assert [r.id for r in checkpoint.find_all("a")] == ["two.txt"]


def test_delete_before_replace_takes_down_dependents_that_must_be_replaced(toy: Toy) -> None:
    toy.declare(
        base={"content": "b"},
        named={"content": "n", "prefix_from": "base"},
        quoted={"content": "q", "content_from": "base"},
        other={"content": "o"},
    )
    toy.stack.up()
    assert toy.listing() == ["base.txt", "other.txt", "quoted.txt", "text-named.txt"]
    toy.forget_calls()
    toy.declare(
        base={"content": "b", "format": "upper"},
        named={"content": "n", "prefix_from": "base"},
        quoted={"content": "q", "content_from": "base"},
        other={"content": "o"},
    )

    summary = toy.stack.up()

    assert summary.ops("base") == ["delete-replaced", "replace", "create-replacement"]
    assert summary.ops("named") == ["delete-replaced", "replace", "create-replacement"]
    assert summary.ops("quoted") == ["update"]  # its input changes, but not one that replaces
    assert summary.ops("other") == ["same"]
    assert (summary.changes["replace"], summary.changes["update"]) == (2, 1)
    steps = summary.order("base", "named")
    assert steps.index(("named", "delete-replaced")) < steps.index(("base", "delete-replaced"))
    assert steps.index(("base", "create-replacement")) < steps.index(
        ("named", "create-replacement")
    )
    # The engine asked the dependents to diff with the inputs that depend on base unknown.
    named_diff = next(c for c in toy.calls("named") if c["call"] == "diff")
    assert named_diff["news"]["path"] == "<unknown>"
    assert toy.call_names("named") == ["diff", "delete", "check", "create"]
    assert toy.listing() == ["base.txt", "other.txt", "quoted.txt", "upper-named.txt"]
    assert toy.text("base.txt") == "B"
    checkpoint = toy.stack.checkpoint()
    assert not any(r.pending_replacement or r.delete for r in checkpoint.resources)
    assert checkpoint.find("named").id == "upper-named.txt"


def test_undeclared_resources_are_deleted_after_the_program_in_reverse_dependency_order(
    toy: Toy,
) -> None:
    toy.declare(
        a={"content": "a"},
        b={"content": "b", "content_from": "a"},
        c={"content": "c", "prefix_from": "b"},
        keep={"content": "k"},
    )
    toy.stack.up()
    c_outputs = toy.stack.checkpoint().find("c").outputs
    toy.forget_calls()
    toy.declare(keep={"content": "k"})

    summary = toy.stack.up()

    assert summary.order("a", "b", "c") == [("c", "delete"), ("b", "delete"), ("a", "delete")]
    assert summary.ops("keep") == ["same"]
    assert toy.calls("c") == [
        {"call": "delete", "key": "c", "id": "text-c.txt", "props": as_logged(c_outputs)}
    ]
    assert toy.listing() == ["keep.txt"]
    assert toy.stack.checkpoint().names(type_=FILE_TYPE) == ["keep"]


def test_refresh_reads_with_the_saved_config_and_adopts_drift(toy: Toy, tmp_path: Path) -> None:
    toy.declare(x={"content": "one"}, y={"content": "two"}, z={"content": "three"})
    toy.stack.up()
    (toy.files / "x.txt").write_text("edited", encoding="utf-8")
    (toy.files / "y.txt").unlink()
    toy.stack.set_config("toy:dir", str(tmp_path / "elsewhere"))  # not used: config from state
    toy.forget_calls()

    summary = toy.stack.refresh()

    assert summary.ops("x") == ["refresh"]
    found = sorted((s.name, s.result) for s in summary.steps if s.type == FILE_TYPE)
    assert found == [("x", "update"), ("y", "delete"), ("z", "same")]
    # no check (the program did not run); the read is followed by a diff (CLI >= 3.120) of the
    # refreshed outputs against the stored inputs, which decides what the refresh shows
    assert toy.call_names("x") == ["read", "diff"]
    _, diff = toy.calls("x")
    assert diff["olds"]["content"] == "edited" and diff["news"]["content"] == "one"
    assert toy.call_names("z") == ["read", "diff"]
    assert toy.call_names("y") == ["read"]  # gone: nothing to diff
    assert not (tmp_path / "elsewhere").exists()
    checkpoint = toy.stack.checkpoint()
    x = checkpoint.find("x")
    assert plain(x.inputs["content"]) == "edited"  # read's inputs replace the stored ones
    assert x.outputs["content"] == "edited"
    # independent resources register concurrently: the checkpoint keeps no fixed order
    assert sorted(checkpoint.names(type_=FILE_TYPE)) == ["x", "z"]

    toy.stack.set_config("toy:dir", str(toy.files))
    toy.forget_calls()
    again = toy.stack.up()

    assert again.ops("x") == ["update"] and again.ops("y") == ["create"]
    assert again.ops("z") == ["same"]
    assert toy.text("x.txt") == "one"


def test_destroy_deletes_everything_in_reverse_order_with_the_saved_config(
    toy: Toy, tmp_path: Path
) -> None:
    toy.declare(a={"content": "a"}, b={"content": "b", "content_from": "a"})
    toy.stack.up()
    toy.stack.set_config("toy:dir", str(tmp_path / "elsewhere"))
    toy.forget_calls()

    summary = toy.stack.destroy()

    assert summary.order("a", "b") == [("b", "delete"), ("a", "delete")]
    assert [c["call"] for c in toy.calls()] == ["configure", "delete", "delete"]
    assert toy.listing() == []
    assert toy.stack.checkpoint().resources == []


def test_protected_resources_are_neither_deleted_nor_replaced(toy: Toy) -> None:
    toy.declare(keep={"content": "k", "protect": True})
    toy.stack.up()
    before = toy.stack.checkpoint().find("keep")
    toy.declare()

    with pytest.raises(PassFailed) as refused:
        toy.stack.up()

    assert "cannot be deleted" in str(refused.value) and "protect" in str(refused.value)
    assert toy.stack.checkpoint().find("keep") == before
    assert toy.listing() == ["keep.txt"]

    toy.forget_calls()
    toy.declare(keep={"path": "moved.txt", "content": "k", "protect": True})
    with pytest.raises(PassFailed) as refused:
        toy.stack.up()

    assert "unable to replace" in str(refused.value)
    assert "create" not in toy.call_names("keep")
    assert toy.listing() == ["keep.txt"]

    toy.declare(keep={"path": "moved.txt", "content": "k"})  # unprotect and replace in one go
    summary = toy.stack.up()

    assert summary.ops("keep") == ["create-replacement", "replace", "delete-replaced"]
    assert toy.listing() == ["moved.txt"]


def test_retain_on_delete_forgets_the_resource_without_deleting_it(toy: Toy) -> None:
    toy.declare(kept={"content": "k", "retain_on_delete": True})
    toy.stack.up()
    toy.forget_calls()
    toy.declare()

    summary = toy.stack.up()

    assert summary.ops("kept") == ["delete"]
    assert toy.calls("kept") == []  # the provider's delete is skipped
    assert toy.listing() == ["kept.txt"]
    assert toy.stack.checkpoint().names(type_=FILE_TYPE) == []


def test_ignore_changes_copies_old_inputs_before_check(toy: Toy) -> None:
    toy.declare(i={"content": "v1", "ignore_changes": ["content"]})
    toy.stack.up()
    toy.forget_calls()
    toy.declare(i={"content": "v2", "ignore_changes": ["content"]})

    summary = toy.stack.up()

    assert summary.ops("i") == ["same"]
    assert toy.calls("i")[0]["news"]["content"] == "v1"
    assert plain(toy.stack.checkpoint().find("i").inputs["content"]) == "v1"
    assert toy.text("i.txt") == "v1"


def test_outputs_are_secret_again_by_the_engine_rule(toy: Toy) -> None:
    toy.declare(s={"content": "classified", "secret": True}, p={"content": "public"})

    summary = toy.stack.up()

    configure = next(c for c in toy.calls() if c["call"] == "configure")
    assert configure["token"] == "s3cret"  # the host unwraps secret config
    create = next(c for c in toy.calls("s") if c["call"] == "create")
    assert create["props"]["content"] == "classified"  # providers get plain values
    checkpoint = toy.stack.checkpoint()
    s, p = checkpoint.find("s"), checkpoint.find("p")
    assert is_secret(s.inputs["content"])
    assert is_secret(s.outputs["content"])  # the input of the same key was secret
    assert not is_secret(s.outputs["sha256"])
    assert is_secret(p.outputs["token"])  # listed in additional_secret_outputs
    assert not is_secret(p.outputs["content"])
    assert is_secret(summary.outputs["tokens"]["p"])
    assert plain(summary.outputs["tokens"]["p"]) == plain(p.outputs["token"])


def test_check_failures_stop_the_pass_and_name_the_property(toy: Toy) -> None:
    toy.declare(bad={"path": "sub/dir.txt", "content": "x"})

    with pytest.raises(PassFailed) as failed:
        toy.stack.preview()

    assert "property path value 'sub/dir.txt' has a problem" in str(failed.value)
    assert "must be a plain file name" in str(failed.value)
    assert toy.call_names("bad") == ["check"]
    with pytest.raises(PassFailed):
        toy.stack.up()
    assert toy.stack.checkpoint().names(type_=FILE_TYPE) == []
    assert toy.listing() == []


def test_replace_on_changes_applies_only_when_the_engine_diffs_the_inputs(toy: Toy) -> None:
    def entry(content: str, **extra: object) -> dict:
        return {"content": content, "replace_on_changes": ["content"], **extra}

    dbr = {"engine_diff": True, "delete_before_replace": True}
    toy.declare(told=entry("v1"), unknown=entry("v1", **dbr), plain={"content": "v1", **dbr})
    toy.stack.up()
    toy.declare(told=entry("v1"), unknown=entry("v1", **dbr), plain={"content": "v1", **dbr})

    unchanged = toy.stack.up()

    assert unchanged.ops("unknown") == ["same"]  # equal inputs, __provider included
    toy.declare(told=entry("v2"), unknown=entry("v2", **dbr), plain={"content": "v2", **dbr})

    changed = toy.stack.up()

    # The provider said "changes" without naming them: replace_on_changes is not applied.
    assert changed.ops("told") == ["update"]
    assert changed.ops("unknown") == ["delete-replaced", "replace", "create-replacement"]
    assert changed.ops("plain") == ["update"]  # engine diff, but content does not replace
    assert toy.text("unknown.txt") == "v2"


def test_deletes_without_a_declared_resource_use_the_provider_config_from_state(
    toy: Toy, tmp_path: Path
) -> None:
    toy.declare(a={"content": "a"})
    toy.stack.up()
    toy.stack.set_config("toy:dir", str(tmp_path / "elsewhere"))
    toy.declare()  # nothing uses the default provider any more: it comes from state

    summary = toy.stack.up()

    assert summary.ops("a") == ["delete"] and summary.ops("default") == ["delete"]
    assert summary.order("a", "default") == [("a", "delete"), ("default", "delete")]
    assert toy.listing() == []
    assert not (tmp_path / "elsewhere").exists()
    assert toy.stack.checkpoint().default_provider is None
