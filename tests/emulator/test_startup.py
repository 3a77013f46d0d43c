"""The command line: the start-up line, ports, health, clean exits and the parent watchdog."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from harness import PROJECT_ROOT
from harness.emulator import EmulatorProcess, start_emulator

REGIONS = ("cn-north-4", "cn-south-1", "ap-southeast-1")


def _spawn(*args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "emulator", "serve", *args],
        cwd=PROJECT_ROOT,
        env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def _free_block(size: int) -> int:
    """A port p such that p..p+size-1 are free now."""
    for _ in range(200):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            base = probe.getsockname()[1]
        if base + size > 65535:
            continue
        sockets = []
        try:
            for port in range(base, base + size):
                sock = socket.socket()
                sockets.append(sock)
                sock.bind(("127.0.0.1", port))
            return base
        except OSError:
            continue
        finally:
            for sock in sockets:
                sock.close()
    raise RuntimeError("no block of free ports")


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_start_up_line_then_a_clean_exit(tmp_path: Path, sig: signal.Signals) -> None:
    process = _spawn("--port", "0", "--data-dir", str(tmp_path / "data"))
    assert process.stdout is not None and process.stderr is not None
    info = json.loads(process.stdout.readline())
    assert set(info) == {
        "url",
        "iam_url",
        "regions",
        "domain_name",
        "user_name",
        "password",
        "access_key",
        "secret_key",
    }
    assert info["url"] == info["iam_url"]
    assert set(info["regions"]) == set(REGIONS)
    for region in info["regions"].values():
        assert re.fullmatch(r"[0-9a-f]{32}", region["project_id"])
        assert region["msgsms_url"] == region["smsapi_url"]
        assert httpx.get(region["msgsms_url"] + "/health").json() == {"status": "ok"}
    assert httpx.get(info["url"] + "/health").status_code == 200
    process.send_signal(sig)
    assert process.wait(timeout=30) == 0
    assert process.stdout.read() == b""  # the start-up line is all of stdout
    assert b"Traceback" not in process.stderr.read()
    process.stdout.close()
    process.stderr.close()


def test_region_ports_follow_the_main_port(tmp_path: Path) -> None:
    port = _free_block(4)
    with start_emulator(tmp_path, "--port", str(port)) as emu:
        assert emu.url == f"http://127.0.0.1:{port}"
        for offset, region in enumerate(REGIONS, start=1):
            assert emu.region(region)["msgsms_url"] == f"http://127.0.0.1:{port + offset}"


def test_a_wildcard_host_advertises_a_loopback_url(tmp_path: Path) -> None:
    with start_emulator(tmp_path, "--host", "0.0.0.0") as emu:
        assert emu.url.startswith("http://127.0.0.1:")
        assert httpx.get(emu.region("cn-south-1")["msgsms_url"] + "/health").status_code == 200


def test_a_busy_port_or_a_bad_flag_fails_with_a_message(tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        listening = f"cannot listen on 127.0.0.1:{port}"
        with (
            pytest.raises(RuntimeError, match=listening),
            start_emulator(tmp_path / "a", "--port", str(port)),
        ):
            pass
    with (
        pytest.raises(RuntimeError, match="negative"),
        start_emulator(tmp_path / "b", "--apps-quota", "-1"),
    ):
        pass


@pytest.mark.parametrize("busy", ["main", "region"])
def test_a_port_in_use_exits_non_zero_with_one_line_naming_it(tmp_path: Path, busy: str) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        if busy == "main":
            flags = ["--port", str(port)]
        else:
            flags = ["--port", "0", "--region-ports", f"0,{port},0"]
        process = _spawn(*flags, "--data-dir", str(tmp_path / "data"))
        stdout, stderr = process.communicate(timeout=60)
    assert process.returncode != 0
    assert stdout == b"", "no start-up line"
    [line] = stderr.decode().splitlines()
    assert line.startswith(f"emulator: cannot listen on 127.0.0.1:{port}: "), line


def test_the_emulator_stops_when_its_parent_is_gone(tmp_path: Path) -> None:
    parent_code = (
        "import os, subprocess, sys, time\n"
        "child = subprocess.Popen([sys.executable, '-m', 'emulator', 'serve', '--port', '0',"
        f" '--data-dir', {str(tmp_path / 'data')!r}, '--parent-pid', str(os.getpid())],"
        " stdout=subprocess.PIPE)\n"
        "child.stdout.readline()\n"
        "print(child.pid, flush=True)\n"
        "time.sleep(600)\n"
    )
    parent = subprocess.Popen(
        [sys.executable, "-c", parent_code],
        cwd=PROJECT_ROOT,
        env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)},
        stdout=subprocess.PIPE,
    )
    assert parent.stdout is not None
    child_pid = int(parent.stdout.readline())
    parent.kill()
    parent.wait()
    parent.stdout.close()
    deadline = time.monotonic() + 60
    while _alive(child_pid) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not _alive(child_pid)


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(")")[-1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def test_openapi_describes_every_management_operation(emulator: EmulatorProcess) -> None:
    schema = httpx.get(emulator.region("cn-north-4")["msgsms_url"] + "/openapi.json").json()
    operations = {
        (method.upper(), path.replace("/v2/{project_id}/msgsms", ""))
        for path, item in schema["paths"].items()
        if path.startswith("/v2/")
        for method in item
    }
    assert operations == {
        ("POST", "/apps"),
        ("GET", "/apps"),
        ("GET", "/apps/{id}"),
        ("GET", "/apps-count"),
        ("PUT", "/apps/{id}"),
        ("POST", "/signatures"),
        ("GET", "/signatures"),
        ("GET", "/signatures/{id}"),
        ("PUT", "/signatures/{id}"),
        ("DELETE", "/signatures/{id}"),
        ("PUT", "/signatures/{id}/active"),
        ("POST", "/upload-files"),
        ("GET", "/upload-files"),
        ("POST", "/templates"),
        ("GET", "/templates"),
        ("GET", "/templates/{id}"),
        ("PUT", "/templates/{id}"),
        ("DELETE", "/templates/{id}"),
        ("GET", "/templates/{id}/varilable"),
        ("GET", "/country"),
        ("POST", "/templates/batch-delete"),
    }
