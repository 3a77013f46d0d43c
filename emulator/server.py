"""Running the emulator: pre-bound sockets, uvicorn, the start-up line, clean exits.

All listeners are bound before the app starts, so the start-up line can name every port even
with ``--port 0``; uvicorn then serves the one ASGI app on all of them and the gateway routes
by local port. The process exits cleanly on SIGINT/SIGTERM, and by itself when the process
given with ``--parent-pid`` is gone.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import socket
import sys
from types import FrameType

import uvicorn

from .app import create_app
from .core.regions import REGIONS, region_port_offset
from .state import EmulatorState, Listeners, Settings

__all__ = ["EmulatorServer", "bind_listeners", "serve"]

logger = logging.getLogger("emulator")


class _DroppedResponseFilter(logging.Filter):
    """uvicorn reports a response cut short; for an injected drop that is the point."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "without completing response" not in record.getMessage()


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP explicitly: asyncio disables Nagle only on sockets whose proto says TCP, and
    # without that every response waits ~40 ms for the client's delayed ACK.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as error:
        sock.close()
        raise SystemExit(f"emulator: cannot listen on {host}:{port}: {error.strerror}") from None
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def bind_listeners(settings: Settings) -> tuple[Listeners, list[socket.socket]]:
    """Bind the main port and one port per region (port+1.. unless given or port is 0)."""
    sockets: list[socket.socket] = []
    try:
        main = _bind(settings.host, settings.port)
        sockets.append(main)
        region_ports: dict[str, int] = {}
        for region in REGIONS:
            if settings.region_ports:
                wanted = settings.region_ports[region]
            elif settings.port == 0:
                wanted = 0
            else:
                wanted = settings.port + region_port_offset(region)
            sock = _bind(settings.host, wanted)
            sockets.append(sock)
            region_ports[region] = sock.getsockname()[1]
    except BaseException:
        for sock in sockets:
            sock.close()
        raise
    listeners = Listeners(settings.host, main.getsockname()[1], region_ports)
    return listeners, sockets


class EmulatorServer(uvicorn.Server):
    def __init__(self, config: uvicorn.Config, state: EmulatorState) -> None:
        super().__init__(config)
        self.state = state
        self.parent_pid = state.settings.parent_pid
        self._original_ppid = os.getppid()

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets=sockets)
        if not self.should_exit:
            sys.stdout.write(json.dumps(self.state.startup_info()) + "\n")
            sys.stdout.flush()

    async def on_tick(self, counter: int) -> bool:
        if counter % 5 == 0 and self.parent_pid is not None and not self._parent_alive():
            logger.warning("parent process %s is gone; stopping", self.parent_pid)
            return True
        return await super().on_tick(counter)

    def _parent_alive(self) -> bool:
        assert self.parent_pid is not None
        if self.parent_pid == self._original_ppid and os.getppid() != self._original_ppid:
            return False  # re-parented: our parent exited
        try:
            os.kill(self.parent_pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True


def _exit_quietly(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(0)


def serve(settings: Settings) -> int:
    """Serve until SIGINT/SIGTERM or the parent is gone; the process exit status."""
    level = settings.log_level.upper()
    logging.basicConfig(
        stream=sys.stderr, level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    logging.getLogger("uvicorn.error").addFilter(_DroppedResponseFilter())
    # uvicorn restores these after its own graceful shutdown and re-raises the signal.
    signal.signal(signal.SIGTERM, _exit_quietly)
    signal.signal(signal.SIGINT, _exit_quietly)
    listeners, sockets = bind_listeners(settings)
    state = EmulatorState.open(settings, listeners)
    try:
        config = uvicorn.Config(
            create_app(state),
            log_config=None,
            log_level=settings.log_level.lower(),
            access_log=False,
            lifespan="on",
            timeout_graceful_shutdown=5,
            server_header=False,
            # IAM tokens may be up to 32 KB; h11's default header budget is 16 KB.
            h11_max_incomplete_event_size=64 * 1024,
        )
        EmulatorServer(config, state).run(sockets=sockets)
    finally:
        for sock in sockets:
            sock.close()
        state.close()
    return 0
