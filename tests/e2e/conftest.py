"""The toy project under the offline engine and, when the CLI is installed, under the real CLI."""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from harness.engine import Engine
from harness.engine.automation import CliStack, cli_missing_reason
from harness.engine.properties import plain

TOY = Path(__file__).with_name("toy")
FILE_TYPE = "pulumi-python:dynamic/toy:File"


@dataclass
class Toy:
    """A stack of the toy project, its files directory and the provider's call log."""

    stack: Engine | CliStack
    files: Path

    @property
    def meta(self) -> Path:
        return self.files / ".toy"

    def declare(self, **entries: dict[str, Any]) -> None:
        """Set the ``toy:files`` catalog the next pass runs with."""
        self.stack.set_config("toy:files", entries)

    def calls(self, key: str | None = None) -> list[dict[str, Any]]:
        """Provider calls since the last :meth:`forget_calls` (all keys, or one)."""
        log = self.meta / "calls.jsonl"
        if not log.exists():
            return []
        entries = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
        return [e for e in entries if key is None or e.get("key") == key]

    def call_names(self, key: str) -> list[str]:
        return [e["call"] for e in self.calls(key)]

    def forget_calls(self) -> None:
        (self.meta / "calls.jsonl").unlink(missing_ok=True)

    def fail(self, call: str, key: str) -> None:
        """Make the provider's ``call`` fail for ``key`` until :meth:`heal`."""
        self.meta.mkdir(parents=True, exist_ok=True)
        (self.meta / f"fail-{call}-{key}").touch()

    def heal(self, call: str, key: str) -> None:
        (self.meta / f"fail-{call}-{key}").unlink()

    def listing(self) -> list[str]:
        """The managed files present in the directory."""
        if not self.files.exists():
            return []
        return sorted(p.name for p in self.files.iterdir() if p.is_file())

    def text(self, name: str) -> str:
        return (self.files / name).read_text(encoding="utf-8")


def _toy_stack(driver: type[Engine] | type[CliStack], tmp_path: Path) -> Toy:
    """The stack ``test`` of a fresh copy of the toy project, with token ``s3cret``."""
    project = tmp_path / "toy"
    shutil.copytree(TOY, project, ignore=shutil.ignore_patterns("__pycache__"))
    files = tmp_path / "files"
    stack = driver(
        project,
        "test",
        state_dir=tmp_path / "state",
        config={"toy:dir": str(files)},
        secrets={"toy:token": "s3cret"},
    )
    return Toy(stack, files)


@pytest.fixture(params=["offline", pytest.param("cli", marks=pytest.mark.cli)])
def toy(request: pytest.FixtureRequest, tmp_path: Path) -> Toy:
    """The toy stack under each driver: the offline engine, and the CLI when installed."""
    if request.param == "cli" and (reason := cli_missing_reason()):
        pytest.skip(reason)
    return _toy_stack(Engine if request.param == "offline" else CliStack, tmp_path)


@pytest.fixture
def offline_toy(tmp_path: Path) -> Toy:
    """The toy stack under the offline engine only (for what only it can show)."""
    return _toy_stack(Engine, tmp_path)


def as_logged(props: dict[str, Any]) -> dict[str, Any]:
    """Checkpoint values as the toy provider logs what it received: plain, no ``__provider``."""
    return {k: v for k, v in plain(props).items() if k != "__provider"}
