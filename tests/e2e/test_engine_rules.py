"""The engine's value rules and delete scheduling, as pure functions."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from google.protobuf import struct_pb2
from pulumi.output import Unknown

from harness.engine import Engine
from harness.engine.config import StackConfig
from harness.engine.deployment import DEFAULT_PARALLEL, default_parallel, schedule_deletes
from harness.engine.properties import (
    IgnoreChangesError,
    PropertyPath,
    annotate_secrets,
    apply_ignore_changes,
    changed_keys,
    mark_secret_outputs,
    replace_on_changes_keys,
    secret,
)
from harness.engine.state import ResourceState
from harness.wire import UNKNOWN, from_struct, to_struct


def test_property_paths_parse_keys_indexes_quoted_keys_and_wildcards() -> None:
    assert PropertyPath.parse('a.b[0]["c.d"]').elements == ("a", "b", 0, "c.d")
    assert PropertyPath.parse("tags[*]").elements == ("tags", "*")
    assert PropertyPath.parse("*").contains(("anything",))
    assert PropertyPath.parse("tags").contains(("tags", "owner"))
    assert not PropertyPath.parse("tags.owner").contains(("tags",))
    with pytest.raises(ValueError, match="invalid property path"):
        PropertyPath.parse('a["unterminated')


def test_ignore_changes_copies_old_values_and_removes_what_the_old_inputs_lack() -> None:
    olds = {"content": "v1", "tags": {"owner": "ops", "team": "a"}}
    news: dict[str, Any] = {"content": "v2", "tags": {"owner": "dev", "team": "b"}, "extra": 1}

    result = apply_ignore_changes(news, olds, ["content", "tags.owner", "extra", "absent"])

    assert result == {"content": "v1", "tags": {"owner": "ops", "team": "b"}}
    assert news["tags"]["owner"] == "dev"  # the program's inputs are not modified


def test_ignore_changes_through_a_missing_container_is_an_error() -> None:
    with pytest.raises(IgnoreChangesError, match=r"'list\[3\]'"):
        apply_ignore_changes({"list": [1]}, {"list": [1, 2, 3, 4]}, ["list[3]"])


def test_outputs_become_secret_where_the_inputs_were() -> None:
    ins = {
        "password": secret("p"),
        "nested": {"token": secret("t"), "name": "n"},
        "items": ["a", secret("b")],
        "plain": "x",
    }
    outs = {
        "password": "p",
        "nested": {"token": "t", "name": "n"},
        "items": ["a", "b"],
        "plain": "x",
        "generated": "g",
    }

    result = annotate_secrets(outs, ins)

    assert result["password"] == secret("p")
    assert result["nested"] == {"token": secret("t"), "name": "n"}  # objects: key by key
    assert result["items"] == secret(["a", "b"])  # anything else: the whole value
    assert result["plain"] == "x" and result["generated"] == "g"


def test_additional_secret_outputs_report_the_missing_keys() -> None:
    outs, missing = mark_secret_outputs({"token": "t", "id": "i"}, ["token", "id", "absent"])

    assert outs == {"token": secret("t"), "id": "i"}
    assert missing == ["absent"]


def test_the_engine_diff_and_replace_on_changes() -> None:
    changed = changed_keys({"a": 1, "b": 2, "c": 3}, {"a": 1, "b": 5, "d": 4})

    assert changed == ["b", "c", "d"]
    assert replace_on_changes_keys(changed, ["b"]) == ["b"]
    assert replace_on_changes_keys(changed, ["*"]) == ["b", "c", "d"]
    assert replace_on_changes_keys(changed, ["b.inner"]) == []


def _state(name: str, *depends: str, parent: str = "", provider: str = "") -> ResourceState:
    return ResourceState(
        urn=f"urn:pulumi:s::p::t::{name}",
        type="t",
        custom=True,
        dependencies=[f"urn:pulumi:s::p::t::{d}" for d in depends],
        parent=f"urn:pulumi:s::p::t::{parent}" if parent else "",
        provider=f"urn:pulumi:s::p::t::{provider}::id" if provider else "",
    )


def test_deletes_run_dependents_first_children_before_parents_providers_last() -> None:
    order = [
        _state("prov"),
        _state("stack"),
        _state("a", parent="stack", provider="prov"),
        _state("b", "a", parent="stack", provider="prov"),
        _state("c", parent="b", provider="prov"),
        _state("lone", parent="stack", provider="prov"),
    ]

    antichains = schedule_deletes([(r, "delete") for r in order], order)

    names = [r.name for antichain in antichains for r, _ in antichain]
    # an antichain never holds a resource and one it depends on
    for antichain in antichains:
        urns = {r.urn for r, _ in antichain}
        assert not any((r.depends_on() - {r.urn}) & urns for r, _ in antichain)
    assert names.index("c") < names.index("b") < names.index("a") < names.index("stack")
    assert names.index("lone") < names.index("stack") and names[-1] in ("prov", "stack")
    assert names.index("a") < names.index("prov")


def test_stack_config_values_reach_programs_and_providers_as_text() -> None:
    config = StackConfig("toy")
    config.set("dir", "/tmp/x")
    config.set("toy:files", {"a": {"content": "x"}})
    config.set("other:flag", True)
    config.set("token", "t", secret=True)

    env = config.program_env()
    inputs = config.provider_inputs()

    assert json.loads(env["PULUMI_CONFIG"]) == {
        "toy:dir": "/tmp/x",
        "toy:files": '{"a": {"content": "x"}}',
        "other:flag": "true",
        "toy:token": "t",
    }
    assert json.loads(env["PULUMI_CONFIG_SECRET_KEYS"]) == ["toy:token"]
    assert inputs["toy:token"] == secret("t") and inputs["other:flag"] == "true"
    assert inputs["toy:files"] == '{"a": {"content": "x"}}'


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({}, DEFAULT_PARALLEL),
        ({"PULUMI_PARALLEL": "24"}, 24),
        ({"PULUMI_PARALLEL": "0"}, DEFAULT_PARALLEL),
        ({"PULUMI_PARALLEL": "many"}, DEFAULT_PARALLEL),
    ],
)
def test_the_default_parallelism_is_pulumi_parallel_else_four_per_cpu(
    environ: dict[str, str], expected: int
) -> None:
    """As the CLI's ``defaultParallel``: PULUMI_PARALLEL when it is a number above 0."""
    assert default_parallel(environ) == expected


def test_the_engine_takes_pulumi_parallel_from_its_environment_unless_told(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PULUMI_PARALLEL", raising=False)
    project = tmp_path / "project"
    project.mkdir()
    (project / "Pulumi.yaml").write_text("name: p\nruntime: python\n")

    def engine(**options: Any) -> Engine:
        return Engine(project, "s", state_dir=tmp_path / "state", **options)

    assert engine().parallel == DEFAULT_PARALLEL
    assert engine(env={"PULUMI_PARALLEL": "3"}).parallel == 3
    assert engine(env={"PULUMI_PARALLEL": "3"}, parallel=5).parallel == 5
    monkeypatch.setenv("PULUMI_PARALLEL", "7")
    assert engine().parallel == 7


def test_no_ignored_path_leaves_the_news_as_they_are() -> None:
    news = {"content": "v2", "tags": {"owner": "dev"}}
    result = apply_ignore_changes(news, {"content": "v1"}, [])
    assert result == news and result is not news


def test_a_property_bag_encodes_as_the_sdk_encodes_a_struct() -> None:
    """One walk into the message gives what ``Struct.update`` gives for the unwrapped values:
    secrets unwrapped unless kept, unknowns refused unless allowed, empty values kept."""
    hidden = secret({"key": [1, 2]})
    bag: dict[str, Any] = {
        "none": None,
        "flags": [True, False],
        "numbers": [0, -3, 1.5, 10**15],
        "text": ["", "x"],
        "empty": {"map": {}, "list": [], "tuple": ()},
        "nested": {"a": [{"b": None}, [], {}]},
        "secret": hidden,
        "secrets": [secret("v"), secret(secret(1))],
    }
    plain_bag = {**bag, "secret": {"key": [1, 2]}, "secrets": ["v", 1]}
    plain_bag["empty"] = {"map": {}, "list": [], "tuple": []}
    expected = struct_pb2.Struct()
    expected.update(plain_bag)
    assert to_struct(bag) == expected
    assert from_struct(to_struct(bag)) == json.loads(json.dumps(plain_bag))
    kept = from_struct(to_struct(bag, keep_secrets=True))
    assert kept["secret"] == json.loads(json.dumps(hidden))
    for unknown in (UNKNOWN, [Unknown()], {"deep": Unknown()}):
        with pytest.raises(ValueError, match="unknown"):
            to_struct({"value": unknown})
        assert UNKNOWN in json.dumps(from_struct(to_struct({"v": unknown}, keep_unknowns=True)))
    with pytest.raises(ValueError, match="object has no wire form"):
        to_struct({"value": object()})
