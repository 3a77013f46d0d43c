"""Drive a real ``python -m pulumi.dynamic`` provider process the way the Pulumi engine does.

The engine starts the dynamic provider host with the program's interpreter, the project root
as working directory and ``PULUMI_PROJECT`` set; the host prints its gRPC port on stdout and is
then called over the ``ResourceProvider`` service. :class:`ProviderHost` does exactly that and
offers one typed method per call.

Values cross this API in the engine's *wire form*: JSON-like Python values where a secret is
``{SIG_KEY: SECRET_SIG, "value": ...}`` and an unknown (preview only) is the string
:data:`UNKNOWN`. The conversion to and from ``google.protobuf.Struct`` follows the engine:

* secrets are unwrapped before a call, because the host answers ``Configure`` with
  ``acceptSecrets=false`` (``Configure`` itself receives the wrappers and the host unwraps them);
* unknowns are only sent to ``check`` and ``diff`` with ``allow_unknowns=True`` (previews);
* numbers come back as floats, as they do for the provider itself.

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
from google.protobuf import empty_pb2, json_format, struct_pb2
from pulumi.dynamic.dynamic import serialize_provider
from pulumi.output import Unknown
from pulumi.runtime import rpc
from pulumi.runtime._grpc_settings import _GRPC_CHANNEL_OPTIONS
from pulumi.runtime.proto import plugin_pb2, provider_pb2, provider_pb2_grpc

__all__ = [
    "PROVIDER_KEY",
    "SECRET_SIG",
    "SIG_KEY",
    "UNKNOWN",
    "CheckFailure",
    "CheckResult",
    "CreateResult",
    "DiffResult",
    "OutputLine",
    "ProviderError",
    "ProviderHost",
    "ReadResult",
    "contains_unknowns",
    "die_with_parent",
    "from_struct",
    "is_secret",
    "provider_reference",
    "secret",
    "strip_secrets",
    "to_struct",
    "unwrap_secret",
]

PROVIDER_KEY = "__provider"
UNKNOWN: str = rpc.UNKNOWN
SIG_KEY: str = rpc._special_sig_key
SECRET_SIG: str = rpc._special_secret_sig

Props = dict[str, Any]


# --- wire values -------------------------------------------------------------------------------


def secret(value: Any) -> dict[str, Any]:
    """Wrap ``value`` as a secret in wire form (no-op for an existing secret)."""
    wrapped: dict[str, Any] = rpc.wrap_rpc_secret(value)
    return wrapped


def is_secret(value: Any) -> bool:
    return isinstance(value, dict) and value.get(SIG_KEY) == SECRET_SIG


def unwrap_secret(value: Any) -> Any:
    return value["value"] if is_secret(value) else value


def strip_secrets(value: Any) -> Any:
    """The value with every secret wrapper replaced by its content, at any depth."""
    if is_secret(value):
        return strip_secrets(value["value"])
    if isinstance(value, dict):
        return {k: strip_secrets(v) for k, v in value.items()}
    if isinstance(value, list):
        return [strip_secrets(v) for v in value]
    return value


def contains_unknowns(value: Any) -> bool:
    if value == UNKNOWN or isinstance(value, Unknown):
        return True
    if isinstance(value, dict):
        return any(contains_unknowns(v) for v in value.values())
    if isinstance(value, list):
        return any(contains_unknowns(v) for v in value)
    return False


def _normalise_unknowns(value: Any) -> Any:
    if isinstance(value, Unknown):
        return UNKNOWN
    if isinstance(value, dict):
        return {k: _normalise_unknowns(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_normalise_unknowns(v) for v in value]
    return value


def to_struct(
    props: Mapping[str, Any], *, keep_secrets: bool = False, keep_unknowns: bool = False
) -> struct_pb2.Struct:
    """Marshal a wire-form property bag into a ``Struct`` as the engine does for a provider."""
    value = _normalise_unknowns(dict(props))
    if not keep_secrets:
        value = strip_secrets(value)
    if not keep_unknowns and contains_unknowns(value):
        raise ValueError(
            "property bag contains an unknown value; the engine sends unknowns only to "
            "check and diff during a preview"
        )
    struct = struct_pb2.Struct()
    struct.update(value)
    return struct


def from_struct(struct: struct_pb2.Struct) -> Props:
    """Unmarshal a ``Struct`` into wire form (numbers become floats, as on the wire)."""
    value: Props = json_format.MessageToDict(struct)
    return value


def provider_reference(provider: Any) -> str:
    """The ``__provider`` string a dynamic resource stores for ``provider`` (dill + base64)."""
    ref: str = serialize_provider(provider)
    return ref


# --- results -----------------------------------------------------------------------------------


class ProviderError(Exception):
    """A provider call failed; ``details`` is the provider's message (a traceback for the host)."""

    def __init__(self, method: str, code: grpc.StatusCode, details: str) -> None:
        self.method = method
        self.code = code
        self.details = details
        super().__init__(f"{method} failed ({code.name}): {details}")

    @property
    def reason(self) -> str:
        """The last line of the provider's traceback: ``ExceptionType: message``."""
        lines = [line for line in self.details.strip().splitlines() if line.strip()]
        return lines[-1].strip() if lines else ""


@dataclass(frozen=True)
class CheckFailure:
    property: str
    reason: str


@dataclass(frozen=True)
class CheckResult:
    inputs: Props
    failures: tuple[CheckFailure, ...] = ()


@dataclass(frozen=True)
class DiffResult:
    changes: Literal["none", "some", "unknown"]
    replaces: tuple[str, ...] = ()
    delete_before_replace: bool = False

    @property
    def replace(self) -> bool:
        return self.changes == "some" and bool(self.replaces)


@dataclass(frozen=True)
class CreateResult:
    id: str
    outputs: Props


@dataclass(frozen=True)
class ReadResult:
    id: str
    outputs: Props
    inputs: Props | None = None

    @property
    def gone(self) -> bool:
        return not self.id


@dataclass(frozen=True)
class OutputLine:
    stream: Literal["stdout", "stderr"]
    text: str


_DIFF_CHANGES: dict[int, Literal["none", "some", "unknown"]] = {
    provider_pb2.DiffResponse.DIFF_NONE: "none",
    provider_pb2.DiffResponse.DIFF_SOME: "some",
    provider_pb2.DiffResponse.DIFF_UNKNOWN: "unknown",
}


# --- the process -------------------------------------------------------------------------------


# Runs first in the child: ask the kernel (Linux) to kill it when the spawning thread ends, check
# the parent is still there, then exec the real command, which keeps the setting. Doing this in a
# launcher rather than in a preexec_fn lets subprocess use vfork: forking a process with gRPC
# threads running is unsafe.
_LAUNCHER = """
import ctypes, os, signal, sys
if sys.platform.startswith("linux"):
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)
    except (OSError, AttributeError):
        pass
if os.getppid() != int(sys.argv[1]):
    sys.exit(70)
os.execv(sys.argv[2], sys.argv[2:])
"""


def die_with_parent(command: list[str], python: str = sys.executable) -> list[str]:
    """``command`` wrapped so the child dies with the thread that starts it (start it from the
    test's main thread); the process that runs is exactly ``command``."""
    return [python, "-S", "-c", _LAUNCHER, str(os.getpid()), *command]


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


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
        self._finalizer = weakref.finalize(self, _stop, self._proc)
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
