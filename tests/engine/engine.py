"""The offline engine: ``preview``, ``up``, ``refresh`` and ``destroy`` without the Pulumi CLI.

Each pass starts a fresh provider process (``python -u -m pulumi.dynamic``, cwd = project root,
``PULUMI_PROJECT`` set) configured with the whole stack config, and, for ``preview`` and ``up``,
a fresh program process whose registrations are performed by a :class:`Deployment`. ``refresh``
and ``destroy`` do not run the program: the provider is configured with the config saved in
the checkpoint at the last ``up``, as the engine takes the provider from state.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.engine.config import ProjectSettings, StackConfig
from tests.engine.deployment import Deployment
from tests.engine.monitor import MonitorServer
from tests.engine.program import ProgramRun
from tests.engine.state import STACK_TYPE, Checkpoint
from tests.engine.summary import EmulatorHandle, PassFailed, PassSummary, count_requests
from tests.support.provider_host import ProviderHost

__all__ = ["Engine"]


class _ConfiguredProvider:
    """The pass's provider process, configured once, on first use, as the engine does."""

    def __init__(self, host: ProviderHost) -> None:
        self.host = host
        self.configured = False

    def __call__(self, inputs: dict[str, Any]) -> ProviderHost:
        # Called under the deployment's lock, so configuration happens once.
        if not self.configured:
            self.host.get_plugin_info()
            self.host.configure(inputs)
            self.configured = True
        return self.host


@dataclass
class _Pass:
    """The processes and records of one pass."""

    kind: str
    deployment: Deployment
    host: ProviderHost
    emulator_seq: int | None
    program_lines: list[str] = field(default_factory=list)


class Engine:
    """Passes over one stack of a Python Pulumi project, with a JSON checkpoint.

    ``config`` and ``secrets`` are laid over the stack file's config (keys ``ns:key``, or bare
    keys in the project's namespace). ``env`` is added to the environment of the program and
    provider processes. With ``emulator`` (``tests.support.emulator``), each summary counts the
    API requests the emulator logged during the pass.
    """

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
        program_timeout: float = 600.0,
    ) -> None:
        self.project = ProjectSettings.load(project_dir)
        self.stack = stack
        self.config = StackConfig.load(self.project, stack, config, secrets)
        self.checkpoint_path = Path(state_dir) / f"{stack}.json"
        self.env = dict(env or {})
        self.emulator = emulator
        self.python = python
        self.program_timeout = program_timeout

    # -- config and state --

    def set_config(self, key: str, value: Any, *, secret: bool = False) -> None:
        self.config.set(key, value, secret=secret)

    def remove_config(self, key: str) -> None:
        self.config.remove(key)

    def checkpoint(self) -> Checkpoint:
        return Checkpoint.load(self.checkpoint_path)

    # -- passes --

    def preview(self) -> PassSummary:
        """Check and diff everything the program declares; changes nothing, writes nothing."""
        return self._program_pass("preview", preview=True)

    def up(self) -> PassSummary:
        return self._program_pass("up", preview=False)

    def refresh(self) -> PassSummary:
        """Read every resource; the provider is configured with the config saved in state."""
        with self._pass("refresh", preview=False) as run:
            run.deployment.refresh()
        return self._summary(run)

    def destroy(self) -> PassSummary:
        """Delete everything, dependents first, with the provider config saved in state."""
        with self._pass("destroy", preview=False) as run:
            run.deployment.destroy()
        return self._summary(run)

    # -- internals --

    def _program_pass(self, kind: str, *, preview: bool) -> PassSummary:
        with self._pass(kind, preview=preview) as run:
            with (
                MonitorServer(run.deployment) as monitor,
                ProgramRun(
                    python=self.python,
                    project_dir=self.project.root,
                    project=self.project.name,
                    stack=self.stack,
                    monitor=monitor.address,
                    preview=preview,
                    env={**os.environ, **self.env, **self.config.program_env()},
                ) as program,
            ):
                code = program.wait(self.program_timeout)
            run.program_lines = program.lines
            if code != 0 and not run.deployment.failed:
                tail = "\n".join(program.lines[-30:])
                run.deployment.fail(f"the program failed (exit code {code}):\n{tail}")
            run.deployment.finish()
        return self._summary(run)

    @contextmanager
    def _pass(self, kind: str, *, preview: bool) -> Iterator[_Pass]:
        seq = self.emulator.last_seq() if self.emulator is not None else None
        host = ProviderHost(
            self.project.root,
            project=self.project.name,
            env={**self.env},
            python=self.python,
        )
        try:
            deployment = Deployment(
                project=self.project.name,
                stack=self.stack,
                preview=preview,
                previous=self.checkpoint(),
                checkpoint_path=self.checkpoint_path,
                provider=_ConfiguredProvider(host),
                provider_inputs=self.config.provider_inputs(),
            )
            yield _Pass(kind, deployment, host, seq)
        finally:
            host.close()

    def _summary(self, run: _Pass) -> PassSummary:
        deployment = run.deployment
        stack = next((r for r in deployment.snapshot().resources if r.type == STACK_TYPE), None)
        diagnostics = [f"[program] {line}" for line in run.program_lines]
        diagnostics += [f"[provider] {line.text}" for line in run.host.output.since(0)]
        diagnostics += [f"[engine] warning: {text}" for text in deployment.warnings]
        summary = PassSummary(
            kind=run.kind,
            steps=list(deployment.steps),
            outputs=dict(stack.outputs) if stack is not None else {},
            diagnostics=diagnostics,
            errors=list(deployment.errors),
        )
        if self.emulator is not None and run.emulator_seq is not None:
            summary.api_requests = count_requests(self.emulator, run.emulator_seq)
        if summary.failed:
            raise PassFailed(summary)
        return summary
