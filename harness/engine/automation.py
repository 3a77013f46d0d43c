"""The same passes through the real Pulumi CLI (``pulumi.automation``), for machines that have it.

:class:`CliStack` has the interface of :class:`harness.engine.Engine` (``preview``, ``up``,
``refresh``, ``destroy``, ``checkpoint``, ``set_config``) so scenarios run unchanged against
either. It uses a local file backend under ``state_dir`` and a fixed passphrase; the steps of
a summary come from the CLI's engine events and the checkpoint from ``pulumi stack export
--show-secrets``. Without ``pulumi`` on PATH it cannot run: see :func:`cli_missing_reason`.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import yaml
from pulumi import automation as auto

from harness.engine.config import ProjectSettings, StackConfig
from harness.engine.state import STACK_TYPE, Checkpoint
from harness.engine.summary import (
    EmulatorHandle,
    PassFailed,
    PassSummary,
    StepRecord,
    count_requests,
)
from harness.wire import secret

__all__ = ["CliStack", "EngineEventLog", "cli_missing_reason"]

PASSPHRASE = "offline-engine-tests"


def cli_missing_reason() -> str | None:
    """Why the CLI variant cannot run here, or None when it can."""
    if shutil.which("pulumi") is None:
        return (
            "the pulumi CLI is not on PATH (install it, e.g. with "
            "pulumi.automation.PulumiCommand.install(), to run these scenarios through the CLI)"
        )
    return None


def _use_virtualenv(project: ProjectSettings, python: str) -> None:
    """Point a project without a virtualenv setting at the interpreter running the tests."""
    path = project.root / "Pulumi.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    runtime = data.get("runtime")
    options = runtime.get("options", {}) if isinstance(runtime, dict) else {}
    if "virtualenv" in options:
        return
    # Not resolved: a virtualenv's python is often a symlink to the base interpreter.
    venv = Path(sys.prefix) if python == sys.executable else Path(python).parent.parent
    data["runtime"] = {"name": "python", "options": {**options, "virtualenv": str(venv)}}
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")


class EngineEventLog:
    """Collects steps and diagnostics from the CLI's engine events."""

    def __init__(self) -> None:
        self.steps: list[StepRecord] = []
        self.diagnostics: list[str] = []
        self.errors: list[str] = []
        self._refreshes: dict[str, int] = {}

    def __call__(self, event: auto.EngineEvent) -> None:
        if event.resource_pre_event is not None:
            meta = event.resource_pre_event.metadata
            if meta.op == auto.OpType.REFRESH:
                self._refreshes[meta.urn] = len(self.steps)
            self.steps.append(StepRecord(meta.urn, meta.type, meta.op.value))
        if event.res_outputs_event is not None:
            meta = event.res_outputs_event.metadata
            index = self._refreshes.pop(meta.urn, None)
            if meta.op == auto.OpType.REFRESH and index is not None:
                self.steps[index] = StepRecord(
                    meta.urn, meta.type, "refresh", _refresh_result(meta)
                )
        if event.diagnostic_event is not None:
            diag = event.diagnostic_event
            text = f"[{diag.severity}] {diag.message.rstrip()}"
            self.diagnostics.append(text)
            if diag.severity == "error":
                self.errors.append(diag.message.rstrip())


def _refresh_result(meta: Any) -> str:
    if meta.new is None:
        return "delete"
    old, new = meta.old, meta.new
    if old is not None and (old.outputs, old.inputs) == (new.outputs, new.inputs):
        return "same"
    return "update"


class CliStack:
    """One stack of a project driven through the Pulumi CLI with a local file backend."""

    def __init__(
        self,
        project_dir: str | os.PathLike[str],
        stack: str,
        *,
        state_dir: str | os.PathLike[str],
        config: Mapping[str, Any] | None = None,
        secrets: Mapping[str, Any] | None = None,
        env: Mapping[str, str] | None = None,
        emulator: EmulatorHandle | None = None,
        python: str = sys.executable,
    ) -> None:
        reason = cli_missing_reason()
        if reason is not None:
            raise RuntimeError(reason)
        self.project = ProjectSettings.load(project_dir)
        self.stack_name = stack
        self.config = StackConfig.load(self.project, stack, config, secrets)
        self.emulator = emulator
        _use_virtualenv(self.project, python)
        backend = Path(state_dir).resolve() / "backend"
        backend.mkdir(parents=True, exist_ok=True)
        self.backend = backend
        env_vars = {
            "PULUMI_BACKEND_URL": backend.as_uri(),
            "PULUMI_CONFIG_PASSPHRASE": PASSPHRASE,
            "PULUMI_SKIP_UPDATE_CHECK": "true",
            **(env or {}),
        }
        self._stack = auto.create_or_select_stack(
            stack,
            work_dir=str(self.project.root),
            opts=auto.LocalWorkspaceOptions(env_vars=env_vars),
        )
        self._pushed: set[str] = set()

    # -- config and state --

    def set_config(self, key: str, value: Any, *, secret: bool = False) -> None:
        self.config.set(key, value, secret=secret)

    def remove_config(self, key: str) -> None:
        self.config.remove(key)

    def _push_config(self) -> None:
        values = {
            key: auto.ConfigValue(value, secret=key in self.config.secret_keys)
            for key, value in self.config.values.items()
        }
        for key in self._pushed - set(values):
            self._stack.remove_config(key)
        if values:
            self._stack.set_all_config(values)
        self._pushed = set(values)

    @property
    def checkpoint_path(self) -> Path:
        """The file backend's state file of this stack (secrets encrypted, as stored)."""
        found = sorted(self.backend.glob(f".pulumi/stacks/**/{self.stack_name}.json"))
        if not found:
            raise FileNotFoundError(f"no state file of stack {self.stack_name!r} in {self.backend}")
        return found[0]

    def checkpoint(self) -> Checkpoint:
        exported = self._stack.export_stack()
        return Checkpoint.from_export(
            {"version": exported.version, "deployment": exported.deployment}
        )

    # -- passes --

    def preview(self) -> PassSummary:
        return self._run("preview", lambda on_event: self._stack.preview(on_event=on_event))

    def up(self, *, refresh: bool = False) -> PassSummary:
        return self._run("up", lambda on_event: self._stack.up(on_event=on_event, refresh=refresh))

    def refresh(self, *, clear_pending_creates: bool = False) -> PassSummary:
        return self._run(
            "refresh",
            lambda on_event: self._stack.refresh(
                on_event=on_event, clear_pending_creates=clear_pending_creates
            ),
        )

    def destroy(self) -> PassSummary:
        return self._run("destroy", lambda on_event: self._stack.destroy(on_event=on_event))

    def _run(self, kind: str, call: Callable[[EngineEventLog], Any]) -> PassSummary:
        self._push_config()
        seq = self.emulator.last_seq() if self.emulator is not None else None
        events = EngineEventLog()
        try:
            call(events)
        except auto.CommandError as exc:
            events.errors.append(str(exc))
        summary = PassSummary(
            kind=kind,
            steps=events.steps,
            outputs=self._stack_outputs() if kind in ("up", "refresh") else {},
            diagnostics=events.diagnostics,
            errors=events.errors,
        )
        if self.emulator is not None and seq is not None:
            summary.api_requests = count_requests(self.emulator, seq)
        if summary.failed:
            raise PassFailed(summary)
        return summary

    def _stack_outputs(self) -> dict[str, Any]:
        stack = next((r for r in self.checkpoint().resources if r.type == STACK_TYPE), None)
        if stack is not None:
            return dict(stack.outputs)
        return {
            k: secret(v.value) if v.secret else v.value for k, v in self._stack.outputs().items()
        }
