"""Client overhead: the same emulator request (ShowApp) through raw ``httpx`` and through
``SmsClient``, in interleaved batches; the ratio of the median per-call times.

Raw ``httpx`` sends the request with its authentication prepared outside the timed loop (an
IAM token, or an AK/SK signature computed once) and decodes the JSON answer; ``SmsClient``
does what it does on every call: build the URL, sign (AK/SK) or attach its cached token,
send, check the status and validate the answer into a typed model. The wall-time ratio is
the target; the CPU time this process spends per call (client side only: the emulator is
another process) is reported beside it, as it is far less sensitive to other load. A cProfile
of the client calls shows where its time goes.
"""

from __future__ import annotations

import cProfile
import io
import pstats
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from harness.emulator import EmulatorProcess
from providers.client import SmsClient
from providers.client.models import AppAddRequest
from providers.client.signing import sign_request

from .stats import median
from .target import REGION, ROOT, AuthMode, client, emulator

__all__ = ["TARGET_RATIO", "raw_headers", "run"]

TARGET_RATIO = 1.3


def raw_headers(sms: SmsClient, emu: EmulatorProcess, auth: AuthMode, url: str) -> dict[str, str]:
    """Headers that authenticate a GET of ``url``, prepared once: a fresh IAM token, or an
    AK/SK signature (the gateway accepts it for 15 minutes)."""
    headers = {"Content-Type": "application/json"}
    if auth == "token":
        token = sms.create_token(REGION).value.get_secret_value()
        return {**headers, "X-Auth-Token": token}
    info = emu.info
    request = httpx.Request("GET", url, headers={**headers, "X-Project-Id": sms.project_id()})
    sign_request(request, info["access_key"], info["secret_key"], datetime.now(UTC))
    keep = ("content-type", "x-project-id", "x-sdk-date", "authorization")
    return {k: v for k, v in request.headers.items() if k.lower() in keep}


def _batch(call: Callable[[], object], size: int) -> tuple[float, float]:
    """Wall seconds and this process's CPU seconds per call, over one batch."""
    started, cpu = time.perf_counter(), time.process_time()
    for _ in range(size):
        call()
    return (time.perf_counter() - started) / size, (time.process_time() - cpu) / size


def _profile(call: Callable[[], object], calls: int) -> list[dict[str, Any]]:
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(calls):
        call()
    profiler.disable()
    stats = pstats.Stats(profiler, stream=io.StringIO())
    rows = []
    for (filename, line, function), (_, ncalls, tottime, cumtime, _) in stats.stats.items():  # type: ignore[attr-defined]
        if "_socket.socket" in function or "select" in function:
            continue  # waiting for the server, not the client's own work
        rows.append(
            {
                "function": f"{_short(filename)}:{line}({function})",
                "calls_per_request": round(ncalls / calls, 1),
                "own_us_per_request": round(tottime / calls * 1e6, 1),
                "cumulative_us_per_request": round(cumtime / calls * 1e6, 1),
            }
        )
    rows.sort(key=lambda r: r["own_us_per_request"], reverse=True)
    return rows[:12]


def _short(filename: str) -> str:
    if "site-packages/" in filename:
        return filename.split("site-packages/", 1)[1]
    path = Path(filename)
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else path.name


def _measure(emu: EmulatorProcess, auth: AuthMode, rounds: int, batch: int) -> dict[str, Any]:
    with client(emu, auth) as sms, httpx.Client(timeout=30) as raw:
        app = sms.create_app(AppAddRequest(app_name=f"bench-overhead-{auth}", region="cn"))
        url = f"{sms.endpoint('msgsms')}/v2/{sms.project_id()}/msgsms/apps/{app.id}"
        headers = raw_headers(sms, emu, auth, url)

        def raw_call() -> object:
            response = raw.get(url, headers=headers)
            response.raise_for_status()
            return response.json()

        def client_call() -> object:
            return sms.show_app(app.id)

        for _ in range(3):  # warm-up: connections, token, imports, caches
            _batch(raw_call, batch)
            _batch(client_call, batch)
        raw_times: list[tuple[float, float]] = []
        client_times: list[tuple[float, float]] = []
        for i in range(rounds):
            # alternate which goes first, so drift in the machine's load hits both alike
            pair = [(raw_call, raw_times), (client_call, client_times)]
            for call, times in pair if i % 2 == 0 else reversed(pair):
                times.append(_batch(call, batch))
        raw_median = median([wall for wall, _ in raw_times])
        client_median = median([wall for wall, _ in client_times])
        raw_cpu = median([cpu for _, cpu in raw_times])
        client_cpu = median([cpu for _, cpu in client_times])
        return {
            "auth": auth,
            "request": "ShowApp (GET /v2/{project_id}/msgsms/apps/{id})",
            "calls": rounds * batch,
            "raw_httpx_us": round(raw_median * 1e6, 1),
            "client_us": round(client_median * 1e6, 1),
            "overhead_us": round((client_median - raw_median) * 1e6, 1),
            "raw_cpu_us": round(raw_cpu * 1e6, 1),
            "client_cpu_us": round(client_cpu * 1e6, 1),
            "cpu_ratio": round(client_cpu / raw_cpu, 3),
            "ratio": round(client_median / raw_median, 3),
            "target": TARGET_RATIO,
            "met": client_median / raw_median <= TARGET_RATIO,
            "client_profile": _profile(client_call, batch * 2),
        }


def run(workdir: Path, *, quick: bool = False) -> dict[str, Any]:
    rounds, batch = (4, 20) if quick else (15, 100)
    with emulator(workdir / "overhead") as emu:
        return {"modes": [_measure(emu, auth, rounds, batch) for auth in ("token", "aksk")]}
