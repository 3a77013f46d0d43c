"""Scaling through the offline engine: catalogs of 10, 100 and 1000 templates of one app.

For each size, against a real emulator (reset in between): ``preview`` of the new catalog,
``up``, ``preview`` with nothing changed, a no-op ``up`` and a ``refresh``, each a real
program process and a real provider process (``harness/engine``). Measured per pass: wall
time, API requests (by operation, from the emulator's log) and the peak RSS of the provider
and the program; after ``up``: checkpoint bytes per resource and the size of the serialized
provider stored with each resource. Growth is the ratio between consecutive sizes.

Templates are universal notices without a signature and ``wait_for: none``; the emulator
reviews them after half a second, so the first refresh reads templates whose review was
decided since ``up`` (their variables are read again), and the second one a settled stack.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from harness.emulator import EmulatorProcess
from harness.engine import Engine, PassSummary
from harness.wire import SECRET_SIG, SIG_KEY

from .processes import PeakRss
from .reqlog import count_operations
from .stats import growth
from .target import emulator, stack_engine

__all__ = ["PASSES", "PROVIDER_LIMIT", "SIZES", "run"]

SIZES = (10, 100, 1000)
QUICK_SIZES = (5, 20)
PASSES = ("preview", "up", "preview (no changes)", "up (no-op)", "refresh", "refresh (settled)")
#: The most bytes the serialized provider stored with each resource may take.
PROVIDER_LIMIT = 2048


def write_catalog(
    path: Path, templates: int, wait_for: str = "none", app_name: str = "bench-scale"
) -> None:
    """One domestic app and ``templates`` universal notification templates."""
    catalog = {
        "defaults": {"region": "cn-north-4", "wait_for": wait_for},
        "apps": {"bench": {"name": app_name, "scope": "cn"}},
        "templates": {
            f"notice_{i:04d}": {
                "app": "bench",
                "universal": True,
                "type": "NOTIFY_TYPE",
                "name": f"notice-{i:04d}",
                "content": f"您的订单${{1}}已发货，通知编号{i}。",
                "variables": [{"index": 1, "type": "CHARDIGIT"}],
            }
            for i in range(templates)
        },
    }
    path.write_text(yaml.safe_dump(catalog, allow_unicode=True, sort_keys=False), "utf-8")


def _provider_bytes(resource: dict[str, Any]) -> int:
    value = resource.get("inputs", {}).get("__provider")
    if isinstance(value, dict) and value.get(SIG_KEY) == SECRET_SIG:
        value = json.loads(value["plaintext"])
    return len(str(value)) if value is not None else 0


def _checkpoint(engine: Engine) -> dict[str, Any]:
    raw = engine.checkpoint_path.read_bytes()
    resources = json.loads(raw)["deployment"]["resources"]
    templates = [r for r in resources if r["type"].endswith("msgsms:Template")]
    per_template = [len(json.dumps(r, ensure_ascii=False).encode()) for r in templates]
    provider = max(_provider_bytes(r) for r in templates)
    return {
        "bytes": len(raw),
        "resources": len(resources),
        "bytes_per_resource": round(len(raw) / len(resources)),
        "bytes_per_template": round(sum(per_template) / len(per_template)),
        "serialized_provider_bytes": provider,
        "provider_limit": PROVIDER_LIMIT,
        "provider_met": provider <= PROVIDER_LIMIT,
    }


def _pass(emu: EmulatorProcess, name: str, action: Callable[[], PassSummary]) -> dict[str, Any]:
    since = emu.last_seq()
    with PeakRss() as rss:
        started = time.perf_counter()
        summary = action()
        seconds = time.perf_counter() - started
    entries = emu.requests(since=since)
    return {
        "pass": name,
        "seconds": round(seconds, 2),
        "changes": dict(summary.changes),
        "api_requests": len(entries),
        "operations": count_operations(entries),
        "peak_rss_mib": {role: round(b / 2**20, 1) for role, b in sorted(rss.peaks.items())},
    }


def _size(emu: EmulatorProcess, workdir: Path, templates: int) -> dict[str, Any]:
    emu.reset()
    catalog = workdir / f"catalog-{templates}.sms.yaml"
    write_catalog(catalog, templates)
    engine = stack_engine(emu, catalog, workdir / f"state-{templates}")
    passes = [_pass(emu, "preview", engine.preview), _pass(emu, "up", engine.up)]
    checkpoint = _checkpoint(engine)
    passes += [
        _pass(emu, "preview (no changes)", engine.preview),
        _pass(emu, "up (no-op)", engine.up),
        _pass(emu, "refresh", engine.refresh),
        _pass(emu, "refresh (settled)", engine.refresh),
    ]
    return {"templates": templates, "passes": passes, "checkpoint": checkpoint}


def _growth(sizes: list[dict[str, Any]]) -> dict[str, list[float | None]]:
    """Per measure, the ratio of each size's value to the previous size's."""
    measures: dict[str, list[float]] = {}

    def add(name: str, value: float) -> None:
        measures.setdefault(name, []).append(value)

    for size in sizes:
        by_pass = {p["pass"]: p for p in size["passes"]}
        for name in PASSES:
            add(f"{name}: seconds", by_pass[name]["seconds"])
        for name in ("refresh", "refresh (settled)"):
            add(f"{name}: API requests", by_pass[name]["api_requests"])
        for role in ("provider", "program"):
            add(
                f"{role}: peak RSS",
                max(p["peak_rss_mib"].get(role, 0.0) for p in size["passes"]),
            )
        add("checkpoint: bytes", size["checkpoint"]["bytes"])
        add("checkpoint: bytes per resource", size["checkpoint"]["bytes_per_resource"])
    return {
        name: [round(g, 2) if g is not None else None for g in growth(values)]
        for name, values in measures.items()
    }


def run(workdir: Path, *, quick: bool = False) -> dict[str, Any]:
    sizes = QUICK_SIZES if quick else SIZES
    with emulator(workdir / "scaling") as emu:
        results = [_size(emu, workdir, n) for n in sizes]
    return {"sizes": results, "growth": _growth(results)}
