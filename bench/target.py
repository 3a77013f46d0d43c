"""The emulator a benchmark runs against, and the settings that reach it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Literal

from harness import PROJECT_ROOT as ROOT
from harness.emulator import EmulatorProcess, start_emulator
from harness.engine import Engine
from providers.client import Settings, SmsClient
from providers.environment import DEFAULT_HOST_THREADS

__all__ = [
    "PARALLEL",
    "REGION",
    "ROOT",
    "STACK",
    "AuthMode",
    "client",
    "client_config",
    "emulator",
    "endpoints",
    "stack_engine",
]

REGION = "cn-north-4"
STACK = "dev"
AuthMode = Literal["aksk", "token"]
#: Steps the engine runs at once: as `make up` runs the CLI (tools/stack.py sets
#: ``PULUMI_PARALLEL`` to the calls the provider process serves at once), for every side.
PARALLEL = DEFAULT_HOST_THREADS


@contextmanager
def emulator(workdir: Path, *flags: str) -> Iterator[EmulatorProcess]:
    """A real emulator process on free ports with its data under ``workdir``; it stops on exit
    (and by itself should this process die)."""
    with start_emulator(workdir, "--review-delay", "0.5", *flags) as emu:
        yield emu


def endpoints(emu: EmulatorProcess) -> dict[str, Any]:
    """``msgsms:endpoints`` for ``emu``."""
    return emu.endpoints()


def client_config(emu: EmulatorProcess, auth: AuthMode = "aksk") -> dict[str, Any]:
    """The stack config (``msgsms`` keys, without the namespace) of a user of ``emu``; a
    ``token`` user signs in with the IAM password."""
    credentials = emu.credentials("aksk" if auth == "aksk" else "password")
    return {"region": REGION, "endpoints": emu.endpoints(), **credentials}


def client(emu: EmulatorProcess, auth: AuthMode = "aksk") -> SmsClient:
    return SmsClient(Settings.from_config(client_config(emu, auth), environ={}))


def stack_engine(
    emu: EmulatorProcess,
    catalog: Path,
    state_dir: Path,
    config: dict[str, Any] | None = None,
    *,
    parallel: int = PARALLEL,
) -> Engine:
    """The offline engine for this project's ``dev`` stack with ``catalog``, against ``emu``
    (``config``: more stack config, e.g. ``{"msgsms:hostThreads": "4"}``), running
    ``parallel`` steps at once."""
    return Engine(
        ROOT,
        STACK,
        state_dir=state_dir,
        config={
            "msgsms:catalog": str(catalog),
            "msgsms:endpoints": endpoints(emu),
            **(config or {}),
        },
        secrets={
            "msgsms:accessKey": emu.info["access_key"],
            "msgsms:secretKey": emu.info["secret_key"],
        },
        emulator=emu,
        parallel=parallel,
    )
