"""The offline engine: ``preview``, ``up``, ``refresh`` and ``destroy`` without the Pulumi CLI.

Each pass starts a fresh provider process (``python -u -m pulumi.dynamic``, cwd = project root,
``PULUMI_PROJECT`` set) per distinct provider configuration, and, for ``preview`` and ``up``, a
fresh program process whose registrations are performed by a :class:`Deployment`. ``refresh``
and ``destroy`` do not run the program: the provider is configured with the config saved in
the checkpoint at the last ``up``, as the engine takes the provider from state. The rules the
deployment follows, and where it departs from the engine, are listed in ``deployment.py``.
"""

from __future__ import annotations

import json
import os
import sys
import threading
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness.engine.config import ProjectSettings, StackConfig
from harness.engine.deployment import Deployment, default_parallel
from harness.engine.monitor import MonitorServer
from harness.engine.program import ProgramRun
from harness.engine.state import STACK_TYPE, Checkpoint
from harness.engine.summary import EmulatorHandle, PassFailed, PassSummary, count_requests
from harness.provider_host import ProviderHost

__all__ = ["Engine"]


class _Providers:
    """The pass's provider processes: one per distinct configuration, started and configured
    on first use, as the engine's provider registry loads a plugin per provider resource.

    Processes are started from one launcher thread that lives as long as the pass: a provider
    process dies with the thread that started it (see ``ProviderHost``), and steps run on
    worker threads that come and go.
    """

    def __init__(self, start: Callable[[], ProviderHost]) -> None:
        self._start = start
        self._launcher = ThreadPoolExecutor(1, "provider-launcher")
        self._lock = threading.Lock()
        self._hosts: dict[str, ProviderHost] = {}
        self.started: list[ProviderHost] = []

    def __call__(self, inputs: dict[str, Any]) -> ProviderHost:
        key = json.dumps(inputs, sort_keys=True)
        with self._lock:
            host = self._hosts.get(key)
            if host is None:
                host = self._launcher.submit(self._start).result()
                self.started.append(host)
                host.get_plugin_info()
                host.configure(inputs)
                self._hosts[key] = host
            return host

    def close(self) -> None:
        for host in self.started:
            host.close()
        self._launcher.shutdown()


@dataclass
class _Pass:
    """The processes and records of one pass."""

    kind: str
    deployment: Deployment
    providers: _Providers
    emulator_seq: int | None
    program_lines: list[str] = field(default_factory=list)


class Engine:
    """Passes over one stack of a Python Pulumi project, with a JSON checkpoint.

    ``config`` and ``secrets`` are laid over the stack file's config (keys ``ns:key``, or bare
    keys in the project's namespace). ``env`` is added to the environment of the program and
    provider processes. With ``emulator`` (``harness.emulator``), each summary counts the
    API requests the emulator logged during the pass. ``parallel`` is the step executor's
    width (the CLI's ``--parallel``; by default ``PULUMI_PARALLEL`` of this process's
    environment or ``env``, else four per CPU, as the CLI's default); ``provider_host`` the
    class of the provider processes (a subclass can observe the calls).
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
        parallel: int | None = None,
        provider_host: type[ProviderHost] = ProviderHost,
    ) -> None:
        self.project = ProjectSettings.load(project_dir)
        self.stack = stack
        self.config = StackConfig.load(self.project, stack, config, secrets)
        self.checkpoint_path = Path(state_dir) / f"{stack}.json"
        self.env = dict(env or {})
        self.emulator = emulator
        self.python = python
        self.program_timeout = program_timeout
        self.parallel = (
            parallel if parallel is not None else default_parallel({**os.environ, **self.env})
        )
        self.provider_host = provider_host

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

    def up(self, *, refresh: bool = False) -> PassSummary:
        """Run the program and apply its steps; ``refresh`` reads every resource first
        (``pulumi up --refresh``), in the same provider processes."""
        return self._program_pass("up", preview=False, refresh=refresh)

    def refresh(self, *, clear_pending_creates: bool = False) -> PassSummary:
        """Read then diff every resource, with the provider config saved in state;
        ``clear_pending_creates`` drops the pending creates of interrupted passes."""
        with self._pass(
            "refresh", preview=False, clear_pending_creates=clear_pending_creates
        ) as run:
            run.deployment.refresh()
        return self._summary(run)

    def destroy(self) -> PassSummary:
        """Delete everything, dependents first, with the provider config saved in state."""
        with self._pass("destroy", preview=False) as run:
            run.deployment.warn_pending_operations()
            run.deployment.destroy()
        return self._summary(run)

    # -- internals --

    def _program_pass(self, kind: str, *, preview: bool, refresh: bool = False) -> PassSummary:
        with self._pass(kind, preview=preview) as run:
            if refresh:
                run.deployment.refresh()
                if run.deployment.failed:
                    return self._summary(run)
                run.deployment.rebase()
            else:
                run.deployment.warn_pending_operations()
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
                    parallel=self.parallel,
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
    def _pass(
        self, kind: str, *, preview: bool, clear_pending_creates: bool = False
    ) -> Iterator[_Pass]:
        seq = self.emulator.last_seq() if self.emulator is not None else None
        providers = _Providers(
            lambda: self.provider_host(
                self.project.root,
                project=self.project.name,
                env={**self.env},
                python=self.python,
            )
        )
        try:
            deployment = Deployment(
                project=self.project.name,
                stack=self.stack,
                preview=preview,
                previous=self.checkpoint(),
                checkpoint_path=self.checkpoint_path,
                provider=providers,
                provider_inputs=self.config.provider_inputs(),
                parallel=self.parallel,
                clear_pending_creates=clear_pending_creates,
            )
            yield _Pass(kind, deployment, providers, seq)
        finally:
            providers.close()

    def _summary(self, run: _Pass) -> PassSummary:
        deployment = run.deployment
        stack = next((r for r in deployment.snapshot().resources if r.type == STACK_TYPE), None)
        diagnostics = [f"[program] {line}" for line in run.program_lines]
        for host in run.providers.started:
            diagnostics += [f"[provider] {line.text}" for line in host.output.since(0)]
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
