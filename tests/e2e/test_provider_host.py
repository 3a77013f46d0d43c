"""The provider-host driver against a real ``python -m pulumi.dynamic`` running the toy provider."""

from __future__ import annotations

import importlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from harness.provider_host import ProviderHost
from harness.results import ProviderError
from harness.wire import UNKNOWN, is_secret, secret

TOY = Path(__file__).with_name("toy")
URN = "urn:pulumi:test::toy::pulumi-python:dynamic/toy:File::a"


@pytest.fixture
def files(tmp_path: Path) -> Path:
    return tmp_path / "files"


@pytest.fixture
def file_provider(monkeypatch: pytest.MonkeyPatch) -> Any:
    # Importable here as in the provider process, so it is pickled by reference.
    monkeypatch.syspath_prepend(str(TOY))
    return importlib.import_module("toyfiles").FileProvider()


@pytest.fixture
def host(files: Path, file_provider: Any) -> Iterator[ProviderHost]:
    with ProviderHost(TOY, project="toy", provider=file_provider, env={"TOY_PROBE": "42"}) as h:
        assert h.get_plugin_info()
        assert h.configure({"toy:dir": str(files), "toy:token": secret("s3cret")}) is False
        yield h


def _log(files: Path) -> list[dict]:
    lines = (files / ".toy" / "calls.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines]


def test_the_process_runs_as_the_engine_starts_it_and_gets_plain_config(
    host: ProviderHost, files: Path
) -> None:
    host.check(URN, {}, {"key": "a", "path": "a.txt", "content": "x"})  # configure is lazy

    configure = _log(files)[0]
    assert configure == {
        "call": "configure",
        "key": None,
        "token": "s3cret",  # sent wrapped, unwrapped by the host
        "cwd": str(TOY.resolve()),
        "project": "toy",
        "probe": "42",
    }


def test_a_resource_round_trip_in_wire_form(host: ProviderHost, files: Path) -> None:
    news = {"key": "a", "path": "a.txt", "content": secret("hi")}

    checked = host.check(URN, {}, news)
    created = host.create(URN, checked.inputs)
    read = host.read(created.id, URN, created.outputs, checked.inputs)
    updated = host.update(
        created.id,
        URN,
        created.outputs,
        {**checked.inputs, "content": "bye"},
        old_inputs=checked.inputs,
    )
    host.delete(created.id, URN, updated)

    assert checked.failures == ()
    assert checked.inputs["content"] == "hi"  # the provider never sees the secret wrapper
    assert not any(is_secret(v) for v in created.outputs.values())
    assert created.id == "a.txt"
    assert created.outputs["version"] == 1.0 and isinstance(created.outputs["version"], float)
    assert "__provider" in created.outputs  # the host adds it back, as the engine stores it
    assert read.id == "a.txt" and read.outputs == created.outputs
    assert read.inputs is not None and read.inputs["content"] == "hi"
    assert updated["content"] == "bye" and updated["version"] == 2.0
    assert [entry["call"] for entry in _log(files)] == [
        "configure",
        "check",
        "create",
        "read",
        "update",
        "delete",
    ]
    assert not (files / "a.txt").exists()
    gone = host.read(created.id, URN, updated, checked.inputs)
    assert gone.gone and gone.outputs == {"__provider": updated["__provider"]}


def test_unknowns_reach_check_and_diff_only(host: ProviderHost, files: Path) -> None:
    checked = host.check(URN, {}, {"key": "a", "path": "a.txt", "content": "x"})
    created = host.create(URN, checked.inputs)

    diff = host.diff(
        created.id, URN, created.outputs, {**checked.inputs, "path": UNKNOWN}, allow_unknowns=True
    )

    assert diff.changes == "some" and diff.replaces == ("path",)
    assert diff.delete_before_replace is False
    assert _log(files)[-1]["news"]["path"] == "<unknown>"
    with pytest.raises(ValueError, match="unknown"):
        host.create(URN, {**checked.inputs, "content": UNKNOWN})
    with pytest.raises(ValueError, match="unknown"):
        host.check(URN, {}, {**checked.inputs, "content": UNKNOWN})  # not a preview


def test_diff_kinds_and_delete_before_replace(host: ProviderHost) -> None:
    checked = host.check(URN, {}, {"key": "a", "path": "a.txt", "content": "x"})
    created = host.create(URN, checked.inputs)

    same = host.diff(created.id, URN, created.outputs, checked.inputs)
    update = host.diff(created.id, URN, created.outputs, {**checked.inputs, "content": "y"})
    dbr = host.diff(created.id, URN, created.outputs, {**checked.inputs, "format": "upper"})

    assert (same.changes, same.replaces) == ("none", ())
    assert (update.changes, update.replaces) == ("some", ())
    assert (dbr.changes, dbr.replaces, dbr.delete_before_replace) == ("some", ("format",), True)


def test_check_failures_and_provider_errors_are_typed(host: ProviderHost, files: Path) -> None:
    result = host.check(URN, {}, {"key": "a", "path": "a/b", "content": "x", "format": "odd"})

    assert [(f.property, f.reason) for f in result.failures] == [
        ("path", "'a/b' must be a plain file name"),
        ("format", "must be one of text, upper"),
    ]
    (files / ".toy" / "fail-create-a").touch()
    with pytest.raises(ProviderError) as failed:
        host.create(URN, {"key": "a", "path": "a.txt", "content": "x", "format": "text"})
    assert failed.value.method == "Create"
    assert failed.value.reason == "RuntimeError: injected failure: create a"
    assert "Traceback" in failed.value.details


def test_close_stops_the_process(files: Path) -> None:
    host = ProviderHost(TOY, project="toy")
    host.get_plugin_info()
    assert host.running

    host.close()

    assert not host.running


_ORPHAN = """
import sys, threading
sys.path.insert(0, {root!r})
from harness.provider_host import ProviderHost
host = ProviderHost({toy!r}, project="toy")
host.get_plugin_info()
print(host.pid, flush=True)
threading.Event().wait()
"""


def test_the_process_dies_with_the_process_that_started_it() -> None:
    root = str(Path(__file__).resolve().parents[2])
    starter = subprocess.Popen(
        [sys.executable, "-c", _ORPHAN.format(root=root, toy=str(TOY))],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert starter.stdout is not None
    host_pid = int(starter.stdout.readline())
    assert _alive(host_pid)

    starter.send_signal(signal.SIGKILL)
    starter.wait()
    starter.stdout.close()

    deadline = time.monotonic() + 30
    while _alive(host_pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(host_pid)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A killed child of a dead parent is reaped by init; until then it is a zombie.
    status = Path(f"/proc/{pid}/stat")
    return not (status.exists() and status.read_text().split(")")[-1].split()[0] == "Z")
