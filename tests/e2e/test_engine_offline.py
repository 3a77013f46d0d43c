"""What only the offline engine shows: preview outputs, config loading, program errors, the raw
checkpoint file and the API request count against a running emulator."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from harness.emulator import EmulatorProcess
from harness.engine import Engine, PassFailed
from harness.engine.config import ConfigError
from harness.engine.properties import UNKNOWN, is_secret, plain
from harness.engine.state import Checkpoint
from harness.wire import SECRET_SIG, SIG_KEY
from tests.e2e.conftest import FILE_TYPE, TOY, Toy


def test_preview_outputs_are_unknown_until_up(offline_toy: Toy) -> None:
    offline_toy.declare(a={"content": "alpha"}, b={"content": "beta"})

    plan = offline_toy.stack.preview()
    done = offline_toy.stack.up()

    assert plan.outputs["hashes"] == {"a": UNKNOWN, "b": UNKNOWN}
    assert plan.output("count") == 2
    assert done.outputs["hashes"]["a"] == offline_toy.stack.checkpoint().find("a").outputs["sha256"]
    assert done.output("paths") == {
        "a": str(offline_toy.files / "a.txt"),
        "b": str(offline_toy.files / "b.txt"),
    }


def test_what_the_program_and_the_provider_print_is_in_the_summary(offline_toy: Toy) -> None:
    offline_toy.declare(a={"content": "alpha"})

    summary = offline_toy.stack.up()

    assert "[program] INFO: 1 toy files declared" in summary.diagnostics
    assert "[provider] toy: created a.txt" in summary.diagnostics


def test_the_stack_file_config_is_used_under_the_overrides(tmp_path: Path) -> None:
    project = tmp_path / "toy"
    shutil.copytree(TOY, project, ignore=shutil.ignore_patterns("__pycache__"))
    files = tmp_path / "files"
    engine = Engine(project, "test", state_dir=tmp_path / "state", config={"dir": str(files)})

    summary = engine.up()

    assert summary.ops("readme") == ["create"]  # declared in stacks/Pulumi.test.yaml
    assert (files / "readme.txt").read_text(encoding="utf-8") == "hello from the stack file"
    provider = engine.checkpoint().default_provider
    assert provider is not None
    assert json.loads(provider.inputs["toy:files"]) == {
        "readme": {"content": "hello from the stack file"}
    }
    assert provider.inputs["toy:dir"] == str(files)


def test_encrypted_stack_config_is_refused_with_its_file_and_line(tmp_path: Path) -> None:
    project = tmp_path / "toy"
    shutil.copytree(TOY, project, ignore=shutil.ignore_patterns("__pycache__"))
    stack_file = project / "stacks" / "Pulumi.enc.yaml"
    stack_file.write_text("config:\n  toy:dir: /tmp\n  toy:token:\n    secure: v1:abc\n")

    with pytest.raises(ConfigError) as refused:
        Engine(project, "enc", state_dir=tmp_path / "state")

    assert str(refused.value).startswith(f"{stack_file}:3: toy:token: an encrypted value")
    engine = Engine(project, "enc", state_dir=tmp_path / "state", secrets={"toy:token": "t"})
    assert engine.config.secret_keys == {"toy:token"}


def test_a_missing_project_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"Pulumi\.yaml: no Pulumi\.yaml"):
        Engine(tmp_path, "test", state_dir=tmp_path / "state")


def test_a_failing_program_stops_the_pass_without_deleting(offline_toy: Toy) -> None:
    offline_toy.declare(a={"content": "a"}, b={"content": "b"})
    offline_toy.stack.up()
    offline_toy.declare(a={"content": "a"}, c={"content": "c", "content_from": "missing"})

    with pytest.raises(PassFailed) as failed:
        offline_toy.stack.up()

    assert "the program failed" in str(failed.value)
    assert "KeyError: 'missing'" in str(failed.value)
    assert failed.value.summary.ops("b") == []  # no deletes after a failed program
    assert sorted(offline_toy.stack.checkpoint().names(type_=FILE_TYPE)) == ["a", "b"]
    assert offline_toy.listing() == ["a.txt", "b.txt"]


def test_the_checkpoint_file_is_a_show_secrets_export(offline_toy: Toy) -> None:
    offline_toy.declare(s={"content": "classified", "secret": True})
    offline_toy.stack.up()
    assert isinstance(offline_toy.stack, Engine)
    path = offline_toy.stack.checkpoint_path

    raw = json.loads(path.read_text(encoding="utf-8"))

    assert raw["version"] == 3
    assert set(raw["deployment"]) == {"manifest", "resources", "pending_operations"}
    entry = next(r for r in raw["deployment"]["resources"] if r["urn"].endswith("::s"))
    assert entry["outputs"]["content"] == {SIG_KEY: SECRET_SIG, "plaintext": '"classified"'}
    assert entry["additionalSecretOutputs"] == ["token"]
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temporary files left
    reloaded = Checkpoint.from_export(raw).find("s")
    assert is_secret(reloaded.outputs["content"])
    assert plain(reloaded.outputs["content"]) == "classified"


def test_api_requests_made_during_a_pass_are_counted(
    offline_toy: Toy, emulator: EmulatorProcess
) -> None:
    engine = offline_toy.stack
    assert isinstance(engine, Engine)
    engine.emulator = emulator
    engine.set_config("toy:ping", emulator.iam_url + "/v3/auth/projects")
    offline_toy.declare(a={"content": "a"}, b={"content": "b"})

    created = engine.up()
    unchanged = engine.up()
    offline_toy.declare(a={"content": "a2"})
    changed = engine.up()

    assert created.api_requests == 2  # one per create
    assert unchanged.api_requests == 0
    assert changed.api_requests == 2  # an update and a delete
    assert engine.preview().api_requests == 0
