"""Emulator throughput and latency: ShowApp with an IAM token and with an AK/SK signature, at
concurrency 1, 8 and 32, from an asyncio load generator (one connection per worker).

Authentication is prepared once (the token fetched, the AK/SK signature computed; the gateway
accepts a signature for 15 minutes), so the generator spends its CPU on requests, not on
signing: the server still checks the token or the signature on every request. The generator
shares the machine with the emulator, which the results say alongside the numbers.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import httpx

from providers.client.models import AppAddRequest

from .overhead import raw_headers
from .stats import median, percentile
from .target import AuthMode, client, emulator

__all__ = ["CONCURRENCY", "run"]

CONCURRENCY = (1, 8, 32)


async def _load(url: str, headers: dict[str, str], workers: int, seconds: float) -> dict[str, Any]:
    latencies: list[float] = []
    errors = 0
    limits = httpx.Limits(max_connections=workers, max_keepalive_connections=workers)
    async with httpx.AsyncClient(limits=limits, timeout=30, headers=headers) as http:

        async def worker(deadline: float) -> None:
            nonlocal errors
            while time.perf_counter() < deadline:
                started = time.perf_counter()
                response = await http.get(url)
                latencies.append(time.perf_counter() - started)
                if response.status_code != 200:
                    errors += 1

        # warm-up: open every connection, let the server's caches fill
        await asyncio.gather(*(worker(time.perf_counter() + 0.3) for _ in range(workers)))
        latencies.clear()
        errors = 0
        started = time.perf_counter()
        await asyncio.gather(*(worker(started + seconds) for _ in range(workers)))
        elapsed = time.perf_counter() - started
    return {"requests": len(latencies), "errors": errors, "elapsed": elapsed, "lat": latencies}


def _level(url: str, headers: dict[str, str], workers: int, samples: int, seconds: float) -> dict:
    runs = [asyncio.run(_load(url, headers, workers, seconds)) for _ in range(samples)]
    latencies = [x for r in runs for x in r["lat"]]
    return {
        "concurrency": workers,
        "requests": sum(r["requests"] for r in runs),
        "errors": sum(r["errors"] for r in runs),
        "req_per_s": round(median([r["requests"] / r["elapsed"] for r in runs]), 1),
        "p50_ms": round(percentile(latencies, 50) * 1e3, 2),
        "p99_ms": round(percentile(latencies, 99) * 1e3, 2),
    }


def run(workdir: Path, *, quick: bool = False) -> dict[str, Any]:
    samples, seconds = (1, 0.5) if quick else (3, 3.0)
    rows = []
    with emulator(workdir / "throughput") as emu, client(emu) as sms:
        app = sms.create_app(AppAddRequest(app_name="bench-load", region="cn"))
        url = f"{sms.endpoint('msgsms')}/v2/{sms.project_id()}/msgsms/apps/{app.id}"
        auth: AuthMode
        for auth in ("token", "aksk"):
            with client(emu, auth) as authenticated:
                headers = raw_headers(authenticated, emu, auth, url)
            for workers in CONCURRENCY:
                rows.append({"auth": auth, **_level(url, headers, workers, samples, seconds)})
    return {
        "request": "ShowApp (GET /v2/{project_id}/msgsms/apps/{id})",
        "seconds_per_sample": seconds,
        "samples": samples,
        "rows": rows,
    }
