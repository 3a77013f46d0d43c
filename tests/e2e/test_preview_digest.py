"""A preview of the offline engine rendered as ``pulumi preview --json`` prints it, on the toy
project (``harness.engine.digest`` cites the CLI's source for each rule)."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest

from harness import PROJECT_ROOT
from harness.engine import Engine, PassSummary
from harness.engine.digest import preview_digest
from tests.e2e.conftest import FILE_TYPE, Toy

STACK_URN = "urn:pulumi:test::toy::pulumi:pulumi:Stack::toy-test"


def urn(name: str) -> str:
    return f"urn:pulumi:test::toy::{FILE_TYPE}::{name}"


def engine(toy: Toy) -> Engine:
    assert isinstance(toy.stack, Engine)
    return toy.stack


def digest(toy: Toy, **options: bool) -> dict[str, Any]:
    summary: PassSummary = toy.stack.preview()
    rendered = preview_digest(summary, config=engine(toy).config, **options)
    # as printed: JSON, nothing that does not serialize
    result: dict[str, Any] = json.loads(json.dumps(rendered))
    return result


def ops(rendered: dict[str, Any]) -> list[tuple[str, str]]:
    return [(step["op"], step["urn"]) for step in rendered["steps"]]


def test_a_first_preview_shows_the_creates_with_their_new_state_and_blinded_secrets(
    offline_toy: Toy,
) -> None:
    offline_toy.declare(a={"content": "hello"}, b={"content": "psst", "secret": True})

    rendered = digest(offline_toy)

    # the default provider's step is the engine's own: never shown, never counted; the stack
    # comes first, the two files register in parallel, so in either order
    steps = ops(rendered)
    assert steps[0] == ("create", STACK_URN)
    assert sorted(steps[1:]) == [("create", urn("a")), ("create", urn("b"))]
    assert rendered["changeSummary"] == {"create": 3}
    assert rendered["config"]["toy:token"] == "[secret]"
    assert json.loads(rendered["config"]["toy:files"])["a"] == {"content": "hello"}
    (step,) = [step for step in rendered["steps"] if step["urn"] == urn("b")]
    assert set(step) == {"op", "urn", "provider", "newState", "detailedDiff"}
    assert step["detailedDiff"] is None
    assert step["provider"].startswith("urn:pulumi:test::toy::pulumi:providers:pulumi-python::")
    new = step["newState"]
    assert (new["type"], new["custom"], new["inputs"]["path"]) == (FILE_TYPE, True, "b.txt")
    assert new["inputs"]["content"] == "[secret]"
    assert new["inputs"]["__provider"] == "[secret]"
    assert "id" not in new and "outputs" not in new  # not created yet when the step begins
    assert "diagnostics" in rendered and "duration" not in rendered


def test_a_replacement_shows_as_one_step_unless_its_halves_are_asked_for(
    offline_toy: Toy,
) -> None:
    offline_toy.declare(a={"content": "one"}, b={"content": "two"}, c={"content": "three"})
    offline_toy.stack.up()
    offline_toy.declare(a={"content": "one", "path": "moved.txt"}, b={"content": "two"})

    rendered = digest(offline_toy)

    # sames are left out but for the stack's; the removed file is deleted
    assert ops(rendered) == [("same", STACK_URN), ("replace", urn("a")), ("delete", urn("c"))]
    assert rendered["changeSummary"] == {"same": 2, "replace": 1, "delete": 1}
    replace, delete = rendered["steps"][1:]
    assert replace["replaceReasons"] == ["path"]
    assert replace["oldState"]["inputs"]["path"] == "a.txt"
    assert replace["oldState"]["id"] == "a.txt"
    assert replace["newState"]["inputs"]["path"] == "moved.txt"
    assert delete["oldState"]["id"] == "c.txt" and "newState" not in delete
    assert isinstance(delete["oldState"]["outputs"]["version"], int)  # 1, not 1.0

    halves = ops(digest(offline_toy, show_replacement_steps=True))
    assert halves[:3] == [
        ("same", STACK_URN),
        ("create-replacement", urn("a")),
        ("replace", urn("a")),
    ]
    # the deletes after the program, in parallel
    assert sorted(halves[3:]) == [("delete", urn("c")), ("delete-replaced", urn("a"))]
    everything = digest(offline_toy, show_sames=True)
    assert ("same", urn("b")) in ops(everything)


def test_only_a_preview_has_a_preview_digest(offline_toy: Toy) -> None:
    offline_toy.declare(a={})
    with pytest.raises(ValueError, match="only a preview has a preview digest, not a up"):
        preview_digest(offline_toy.stack.up())
    command = [sys.executable, "-m", "harness.engine", "up", "--json"]
    command += ["--project", "p", "--stack", "s", "--state-dir", "d"]
    done = subprocess.run(
        command,
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "--json goes with preview only" in done.stderr
