"""Real emulator processes: ``python -m emulator serve``, for the tests, the benchmarks and
``tools/stack.py``.

:func:`serve_command` and :func:`first_line` are how every one of them starts an emulator and
waits for its start-up line. :class:`EmulatorProcess` is the tests' emulator, on free local
ports: the child gets ``--parent-pid`` of the test process, so it stops by itself if the test
run dies; start-up waits for the JSON start-up line (with a timeout) and, if the child fails
first, raises with its stderr.

Standard library only at module level (httpx is imported when the admin API is first used):
``make stop`` runs ``tools/stack.py`` with the system's Python, without the venv.
"""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, AnyStr, Literal

from harness import PROJECT_ROOT

if TYPE_CHECKING:
    import httpx

__all__ = [
    "STARTUP_TIMEOUT",
    "Decision",
    "EmulatorProcess",
    "decide",
    "first_line",
    "objects",
    "serve_command",
    "set_review",
    "start_emulator",
]

STARTUP_TIMEOUT = 30.0
STOP_TIMEOUT = 15.0
#: What a reviewer does with a signature or template.
Decision = Literal["approve", "reject"]


def serve_command(
    data_dir: Path,
    *,
    port: int,
    flags: Sequence[str] = (),
    python: str = sys.executable,
) -> list[str]:
    """The command that serves the emulator on 127.0.0.1:``port`` (0: a free port, and free
    ports for the regions) with its data in ``data_dir``; run it from the project root."""
    return [
        python,
        "-m",
        "emulator",
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--data-dir",
        str(data_dir),
        *flags,
    ]


def first_line(stream: IO[AnyStr], timeout: float) -> AnyStr | None:
    """The first line ``stream`` gives within ``timeout`` seconds: the emulator's start-up
    line. None when it gives none in time, or ends without one."""
    lines: queue.Queue[AnyStr] = queue.Queue()
    reader = threading.Thread(target=lambda: lines.put(stream.readline()), daemon=True)
    reader.start()
    try:
        line = lines.get(timeout=timeout)
    except queue.Empty:
        return None
    return line if line.strip() else None


class EmulatorProcess:
    """One emulator child process and its data dir (kept across :meth:`restart`)."""

    def __init__(self, data_dir: Path, flags: tuple[str, ...] = ()) -> None:
        self.data_dir = data_dir
        self.flags = flags
        self.info: dict[str, Any] = {}
        self._process: subprocess.Popen[bytes] | None = None
        self._stderr: IO[bytes] | None = None
        self._admin: httpx.Client | None = None
        self._port = 0
        self._region_ports: tuple[str, ...] = ()

    # ---- lifecycle ----------------------------------------------------------------------------

    def start(self) -> EmulatorProcess:
        if self._process is not None:
            raise RuntimeError("the emulator is already running")
        self.data_dir.mkdir(parents=True, exist_ok=True)
        log = self.data_dir / "stderr.log"
        self._stderr = log.open("ab")
        command = serve_command(
            self.data_dir,
            port=self._port,
            flags=(*self._region_ports, "--parent-pid", str(os.getpid()), *self.flags),
        )
        env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}
        self._process = subprocess.Popen(
            command, cwd=PROJECT_ROOT, env=env, stdout=subprocess.PIPE, stderr=self._stderr
        )
        assert self._process.stdout is not None
        line = first_line(self._process.stdout, STARTUP_TIMEOUT)
        if line is None:
            self._reap()
            raise RuntimeError(f"the emulator did not start:\n{self._stderr_text(log)}")
        self.info = json.loads(line)
        return self

    @staticmethod
    def _stderr_text(log: Path) -> str:
        try:
            return log.read_text(errors="replace")[-8000:]
        except OSError:
            return "(no stderr)"

    def stop(self) -> int | None:
        """SIGTERM and wait; the exit status (None if it was not running)."""
        return self._end(signal.SIGTERM)

    def kill(self) -> int | None:
        """SIGKILL, as a crash would; the data dir is left as the crash left it."""
        return self._end(signal.SIGKILL)

    def restart(self) -> EmulatorProcess:
        """Stop and start again on the same data dir and the same ports."""
        ports = [
            self.info["regions"][r]["msgsms_url"].rsplit(":", 1)[1] for r in self.info["regions"]
        ]
        main_port = self.info["url"].rsplit(":", 1)[1]
        self.stop()
        self._port = int(main_port)
        self._region_ports = ("--region-ports", ",".join(ports))
        return self.start()

    def _end(self, sig: signal.Signals) -> int | None:
        process = self._process
        if process is None:
            return None
        if process.poll() is None:
            process.send_signal(sig)
            try:
                process.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        return self._reap()

    def _reap(self) -> int | None:
        process = self._process
        self._process = None
        code = None
        if process is not None:
            code = process.wait()
            if process.stdout is not None:
                process.stdout.close()
        if self._stderr is not None:
            self._stderr.close()
            self._stderr = None
        if self._admin is not None:
            self._admin.close()
            self._admin = None
        return code

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    @property
    def pid(self) -> int:
        assert self._process is not None
        return self._process.pid

    def stderr(self) -> str:
        return self._stderr_text(self.data_dir / "stderr.log")

    def __enter__(self) -> EmulatorProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ---- what tests use -----------------------------------------------------------------------

    @property
    def url(self) -> str:
        return str(self.info["url"])

    @property
    def iam_url(self) -> str:
        return str(self.info["iam_url"])

    def region(self, name: str) -> dict[str, str]:
        """``{"project_id", "msgsms_url", "smsapi_url"}`` of an endpoint region."""
        return dict(self.info["regions"][name])

    def endpoints(self) -> dict[str, Any]:
        """The ``msgsms:endpoints`` setting that sends every service of every region here."""
        regions: dict[str, dict[str, str]] = self.info["regions"]
        return {
            "iam": self.iam_url,
            "msgsms": {name: urls["msgsms_url"] for name, urls in regions.items()},
            "smsapi": {name: urls["smsapi_url"] for name, urls in regions.items()},
        }

    def credentials(self, mode: Literal["aksk", "password"]) -> dict[str, str]:
        """The emulator's access key pair, or its IAM user and password, as ``msgsms`` settings
        (keys without the namespace)."""
        info = self.info
        if mode == "aksk":
            return {"accessKey": info["access_key"], "secretKey": info["secret_key"]}
        return {
            "iamUser": info["user_name"],
            "iamPassword": info["password"],
            "iamDomain": info["domain_name"],
        }

    @property
    def admin(self) -> httpx.Client:
        """An httpx client for the admin API (``base_url`` = url + ``/_emulator``)."""
        if self._admin is None:
            import httpx  # not at module level: tools/stack.py runs without the venv

            self._admin = httpx.Client(base_url=self.url + "/_emulator", timeout=30.0)
        return self._admin

    def reset(self) -> None:
        self.admin.post("/reset").raise_for_status()

    def requests(self, since: int = 0, api: str | None = None) -> list[dict[str, Any]]:
        params: dict[str, Any] = {"since": since}
        if api:
            params["api"] = api
        response = self.admin.get("/requests", params=params)
        response.raise_for_status()
        return list(response.json()["requests"])

    def last_seq(self) -> int:
        # A `since` past every entry returns no rows, only the counter.
        response = self.admin.get("/requests", params={"since": 2**62})
        response.raise_for_status()
        return int(response.json()["last_seq"])


@contextmanager
def start_emulator(tmp_path: Path, *extra_flags: str) -> Iterator[EmulatorProcess]:
    """A running emulator with its data in ``tmp_path / "emulator"``; stopped on exit."""
    emulator = EmulatorProcess(tmp_path / "emulator", tuple(extra_flags))
    emulator.start()
    try:
        yield emulator
    finally:
        emulator.stop()


# ---- the admin API, as the tests and benchmarks use it ----------------------------------------


def objects(emu: EmulatorProcess, kind: str, region: str | None = None) -> list[dict[str, Any]]:
    """Every stored object of ``kind`` (apps, signatures, templates, files)."""
    params = {"kind": kind, **({"region": region} if region else {})}
    response = emu.admin.get("/objects", params=params)
    response.raise_for_status()
    return list(response.json())


def set_review(emu: EmulatorProcess, mode: str = "auto", delay: float = 0.0) -> None:
    response = emu.admin.put("/review-policy", json={"mode": mode, "delay_seconds": delay})
    response.raise_for_status()


def decide(
    emu: EmulatorProcess,
    kind: Literal["signatures", "templates"],
    object_id: str,
    decision: Decision,
    reason: str | None = None,
    status: str | None = None,
) -> dict[str, Any]:
    body: dict[str, Any] = {"decision": decision}
    if reason:
        body["review_desc"] = reason
    if status:
        body["status"] = status
    response = emu.admin.post(f"/{kind}/{object_id}/review", json=body)
    response.raise_for_status()
    return dict(response.json())
