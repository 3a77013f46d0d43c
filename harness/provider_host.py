"""Drive a real ``python -m pulumi.dynamic`` provider process the way the Pulumi engine does.

The engine starts the dynamic provider host with the program's interpreter, the project root
as working directory and ``PULUMI_PROJECT`` set; the host prints its gRPC port on stdout and is
then called over the ``ResourceProvider`` service. :class:`ProviderHost` does exactly that and
offers one typed method per call. Values cross this API in wire form (``harness.wire``); the
answers are the types of ``harness.results``.

Every resource property bag must carry the serialized provider under ``__provider``; pass
``provider=`` (a ``ResourceProvider`` instance) to have it added wherever the engine sends it.

The process is stopped by :meth:`ProviderHost.close` and, on Linux, killed by the kernel when
the thread that started it ends (start it from the test's main thread).
"""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
import weakref
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import grpc
from google.protobuf import empty_pb2, struct_pb2
from pulumi.runtime._grpc_settings import _GRPC_CHANNEL_OPTIONS
from pulumi.runtime.proto import plugin_pb2, provider_pb2, provider_pb2_grpc

from harness.processes import die_with_parent, stop
from harness.results import (
    CheckFailure,
    CheckResult,
    CreateResult,
    DiffChanges,
    DiffResult,
    ProviderError,
    ReadResult,
)
from harness.wire import (
    PROVIDER_KEY,
    Props,
    from_struct,
    is_secret,
    provider_reference,
    secret,
    to_struct,
    unwrap_secret,
)

__all__ = ["OutputLine", "ProviderHost"]


@dataclass(frozen=True)
class OutputLine:
    stream: Literal["stdout", "stderr"]
    text: str


_DIFF_CHANGES: dict[int, DiffChanges] = {
    provider_pb2.DiffResponse.DIFF_NONE: "none",
    provider_pb2.DiffResponse.DIFF_SOME: "some",
    provider_pb2.DiffResponse.DIFF_UNKNOWN: "unknown",
}


@dataclass
class _Output:
    """Lines a child printed, collected by reader threads."""

    lines: list[OutputLine] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, stream: Literal["stdout", "stderr"], text: str) -> None:
        with self.lock:
            self.lines.append(OutputLine(stream, text))

    def since(self, mark: int) -> list[OutputLine]:
        with self.lock:
            return list(self.lines[mark:])

    def mark(self) -> int:
        with self.lock:
            return len(self.lines)


class ProviderHost:
    """A running ``python -u -m pulumi.dynamic`` process and a gRPC client for it.

    The process starts at construction; the first call waits for its port. ``configure`` must
    be called before any resource call, as the engine does.
    """

    def __init__(
        self,
        project_dir: str | os.PathLike[str],
        *,
        project: str | None = None,
        env: Mapping[str, str] | None = None,
        provider: Any = None,
        python: str = sys.executable,
        start_timeout: float = 30.0,
    ) -> None:
        self.project_dir = Path(project_dir)
        self.project = project or self.project_dir.name
        self.start_timeout = start_timeout
        self.provider_ref = provider_reference(provider) if provider is not None else None
        self.accept_secrets = False
        self.output = _Output()
        self._port_queue: queue.Queue[str | None] = queue.Queue()
        self._stub: provider_pb2_grpc.ResourceProviderStub | None = None
        self._channel: grpc.Channel | None = None
        self._ready_lock = threading.Lock()
        child_env = {**os.environ, "PULUMI_PROJECT": self.project, **(env or {})}
        self._proc = subprocess.Popen(
            die_with_parent([python, "-u", "-m", "pulumi.dynamic"], python),
            cwd=self.project_dir,
            env=child_env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        self._finalizer = weakref.finalize(self, stop, self._proc)
        self._readers = [
            threading.Thread(target=self._read, args=("stdout",), daemon=True),
            threading.Thread(target=self._read, args=("stderr",), daemon=True),
        ]
        for reader in self._readers:
            reader.start()

    # -- lifecycle --

    def _read(self, stream: Literal["stdout", "stderr"]) -> None:
        pipe = self._proc.stdout if stream == "stdout" else self._proc.stderr
        assert pipe is not None
        first = stream == "stdout"
        for raw in iter(pipe.readline, b""):
            text = raw.decode("utf-8", "replace").rstrip("\n")
            if first:
                self._port_queue.put(text.strip())
                first = False
                continue
            self.output.add(stream, text)
        if first:
            self._port_queue.put(None)

    def _connect(self) -> provider_pb2_grpc.ResourceProviderStub:
        with self._ready_lock:
            if self._stub is not None:
                return self._stub
            try:
                port = self._port_queue.get(timeout=self.start_timeout)
            except queue.Empty:
                port = None
            if not port or not port.isdigit():
                self.close()
                stderr = "\n".join(line.text for line in self.output.since(0))
                raise RuntimeError(
                    f"the dynamic provider host in {self.project_dir} did not print its port "
                    f"(got {port!r}); its output:\n{stderr}"
                )
            self._channel = grpc.insecure_channel(
                f"127.0.0.1:{port}", options=_GRPC_CHANNEL_OPTIONS
            )
            grpc.channel_ready_future(self._channel).result(timeout=self.start_timeout)
            self._stub = provider_pb2_grpc.ResourceProviderStub(self._channel)
            return self._stub

    @property
    def pid(self) -> int:
        return self._proc.pid

    @property
    def running(self) -> bool:
        return self._proc.poll() is None

    def close(self) -> None:
        """Stop the process and release the channel and pipes."""
        if self._channel is not None:
            self._channel.close()
            self._channel = None
        self._finalizer()
        for reader in self._readers:
            if reader is not threading.current_thread():
                reader.join(timeout=5)
        for pipe in (self._proc.stdout, self._proc.stderr):
            if pipe is not None:
                pipe.close()

    def __enter__(self) -> ProviderHost:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- plumbing --

    def _call(self, method: str, request: Any) -> Any:
        stub = self._connect()
        try:
            return getattr(stub, method)(request)
        except grpc.RpcError as exc:
            code = exc.code() if hasattr(exc, "code") else grpc.StatusCode.UNKNOWN
            details = exc.details() if hasattr(exc, "details") else str(exc)
            raise ProviderError(method, code, details or "") from None

    def _with_provider(self, props: Mapping[str, Any]) -> Props:
        bag = dict(props)
        if PROVIDER_KEY not in bag and self.provider_ref is not None:
            bag[PROVIDER_KEY] = self.provider_ref
        return bag

    def _bag(self, props: Mapping[str, Any], *, unknowns: bool = False) -> struct_pb2.Struct:
        """A resource property bag as the engine sends it: with ``__provider``, marshalled."""
        return to_struct(
            self._with_provider(props), keep_secrets=self.accept_secrets, keep_unknowns=unknowns
        )

    # -- calls --

    def get_plugin_info(self) -> str:
        info: plugin_pb2.PluginInfo = self._call("GetPluginInfo", empty_pb2.Empty())
        return info.version

    def configure(self, config: Mapping[str, Any], secret_keys: Iterable[str] = ()) -> bool:
        """Configure with the stack config (``ns:key`` -> value); returns ``acceptSecrets``.

        As the engine does: ``CheckConfig`` first (UNIMPLEMENTED is tolerated), then
        ``Configure`` with secrets wrapped (the host unwraps them). Values that are not strings
        are sent as JSON text, the way stack config reaches providers.
        """
        hidden = set(secret_keys)
        args: Props = {}
        for key, value in config.items():
            plain = unwrap_secret(value)
            text = plain if isinstance(plain, str) else json.dumps(plain)
            args[key] = secret(text) if (key in hidden or is_secret(value)) else text
        news = to_struct(args, keep_secrets=True)
        try:
            self._call(
                "CheckConfig",
                provider_pb2.CheckRequest(
                    urn=self._provider_urn(), olds=struct_pb2.Struct(), news=news
                ),
            )
        except ProviderError as exc:
            if exc.code != grpc.StatusCode.UNIMPLEMENTED:
                raise
        response: provider_pb2.ConfigureResponse = self._call(
            "Configure",
            provider_pb2.ConfigureRequest(
                args=news,
                acceptSecrets=True,
                acceptResources=True,
                sends_old_inputs=True,
                sends_old_inputs_to_delete=True,
            ),
        )
        self.accept_secrets = response.acceptSecrets
        return self.accept_secrets

    def _provider_urn(self) -> str:
        return f"urn:pulumi:stack::{self.project}::pulumi:providers:pulumi-python::default"

    def check(
        self,
        urn: str,
        olds: Mapping[str, Any],
        news: Mapping[str, Any],
        *,
        allow_unknowns: bool = False,
    ) -> CheckResult:
        """``olds`` are the old *inputs* (``{}`` on create and replace)."""
        request = provider_pb2.CheckRequest(
            urn=urn,
            olds=self._bag(olds, unknowns=allow_unknowns) if olds else struct_pb2.Struct(),
            news=self._bag(news, unknowns=allow_unknowns),
        )
        response: provider_pb2.CheckResponse = self._call("Check", request)
        failures = tuple(CheckFailure(f.property, f.reason) for f in response.failures)
        return CheckResult(from_struct(response.inputs), failures)

    def diff(
        self,
        id_: str,
        urn: str,
        olds: Mapping[str, Any],
        news: Mapping[str, Any],
        *,
        old_inputs: Mapping[str, Any] | None = None,
        allow_unknowns: bool = False,
        ignore_changes: Iterable[str] = (),
    ) -> DiffResult:
        """``olds`` are the old *outputs*, ``news`` the checked inputs."""
        request = provider_pb2.DiffRequest(
            id=id_,
            urn=urn,
            olds=self._bag(olds, unknowns=allow_unknowns),
            news=self._bag(news, unknowns=allow_unknowns),
            old_inputs=self._bag(old_inputs or {}, unknowns=allow_unknowns),
            ignoreChanges=list(ignore_changes),
        )
        response: provider_pb2.DiffResponse = self._call("Diff", request)
        return DiffResult(
            changes=_DIFF_CHANGES[response.changes],
            replaces=tuple(response.replaces),
            delete_before_replace=response.deleteBeforeReplace,
        )

    def create(self, urn: str, props: Mapping[str, Any]) -> CreateResult:
        request = provider_pb2.CreateRequest(urn=urn, properties=self._bag(props))
        response: provider_pb2.CreateResponse = self._call("Create", request)
        return CreateResult(response.id, from_struct(response.properties))

    def read(
        self,
        id_: str,
        urn: str,
        props: Mapping[str, Any],
        inputs: Mapping[str, Any] | None = None,
    ) -> ReadResult:
        """``props`` are the old outputs (refresh), ``inputs`` the old inputs."""
        request = provider_pb2.ReadRequest(
            id=id_,
            urn=urn,
            properties=self._bag(props),
            inputs=self._bag(inputs) if inputs is not None else None,
        )
        response: provider_pb2.ReadResponse = self._call("Read", request)
        new_inputs = from_struct(response.inputs) if response.HasField("inputs") else None
        return ReadResult(response.id, from_struct(response.properties), new_inputs)

    def update(
        self,
        id_: str,
        urn: str,
        olds: Mapping[str, Any],
        news: Mapping[str, Any],
        *,
        old_inputs: Mapping[str, Any] | None = None,
        ignore_changes: Iterable[str] = (),
    ) -> Props:
        """``olds`` are the old outputs, ``news`` the checked inputs; returns the new outputs."""
        request = provider_pb2.UpdateRequest(
            id=id_,
            urn=urn,
            olds=self._bag(olds),
            news=self._bag(news),
            old_inputs=self._bag(old_inputs or {}),
            ignoreChanges=list(ignore_changes),
        )
        response: provider_pb2.UpdateResponse = self._call("Update", request)
        return from_struct(response.properties)

    def delete(
        self,
        id_: str,
        urn: str,
        props: Mapping[str, Any],
        *,
        old_inputs: Mapping[str, Any] | None = None,
    ) -> None:
        """``props`` are the old outputs."""
        request = provider_pb2.DeleteRequest(
            id=id_,
            urn=urn,
            properties=self._bag(props),
            old_inputs=self._bag(old_inputs or {}),
        )
        self._call("Delete", request)
