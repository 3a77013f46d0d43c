"""The msgsms stack against the floor, side by side in one run, through the offline engine.

The floor is ``bench/floor_project``: as many dynamic resources as the stack has (one app and
N templates), whose provider does nothing, with their ids exported. Both run through the same
engine (``harness.engine``: steps in parallel, the real provider host, a program process and
a provider process per pass) on the same machine at the same
time, so the ratio says what the msgsms program, providers and API calls add to what Pulumi
itself costs.

Every side runs ``PARALLEL`` steps at once, as ``make up`` runs the CLI. A third side is ours
with Pulumi's defaults instead: the provider host's pool at its four threads
(``msgsms:hostThreads: 4``) and the CLI's default parallelism (four steps per CPU), to show
what the two settings give.
A fourth, the shaped floor, is the same do-nothing provider with resources shaped like
ours (``FLOOR_SHAPE=template``: an app and templates with the inputs of the catalog's, the
templates depending on the app's id, four outputs each, the same stack exports, the program's
collector settings). Its ratio to the floor is what the Pulumi SDK charges for that shape
alone; ours over the shaped floor is what the msgsms code adds.

For each size (templates of one app) and each emulated API latency (the emulator's fault
engine delays every API request, IAM included):

* ``up``: the catalog's first ``up`` (every object created) against the floor's first ``up``;
* ``no-op up``: an ``up`` with nothing to do, ours and the floor's in turns, the median of
  each (of ``NOOP_ROUNDS``). It makes no API request, so the latency must not change it.

Per pass: wall seconds and CPU seconds of every process of the pass (the engine, the program
and the provider host; not the emulator), and ours over the floor's as ratios, next to the
goals in ``GOALS``.
"""

from __future__ import annotations

import resource
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from harness.emulator import EmulatorProcess
from harness.engine import Engine, PassSummary
from harness.engine.deployment import DEFAULT_PARALLEL

from .scaling import write_catalog
from .stats import median
from .target import PARALLEL, emulator, stack_engine

__all__ = ["FLOOR_PROJECT", "GOALS", "run"]

FLOOR_PROJECT = Path(__file__).resolve().parent / "floor_project"
SIZES = (10, 100, 300, 1000)
QUICK_SIZES = (5,)
LATENCIES_MS = (0, 100)
ROUNDS = 3
#: A no-op pass takes seconds where a first ``up`` takes a minute: more of them, for a steadier
#: median on a shared machine.
NOOP_ROUNDS = 7
#: (pass, templates, latency in ms) -> the most that ours may take, as a multiple of the floor.
GOALS: dict[tuple[str, int, int], float] = {
    ("up", 100, 100): 3.0,
    ("no-op up", 300, 0): 1.5,
    ("no-op up", 300, 100): 1.5,
    ("no-op up", 1000, 0): 1.5,
    ("no-op up", 1000, 100): 1.5,
}


def _cpu_seconds() -> float:
    """CPU time of this process (the engine) and of its finished children (program and
    provider processes end with their pass; the emulator outlives the measurement)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _timed(action: Callable[[], PassSummary]) -> tuple[float, float, PassSummary]:
    cpu, started = _cpu_seconds(), time.perf_counter()
    summary = action()
    return time.perf_counter() - started, _cpu_seconds() - cpu, summary


def _set_latency(emu: EmulatorProcess, milliseconds: int) -> None:
    response = emu.admin.put("/faults", json={"latency_ms": [milliseconds, milliseconds]})
    response.raise_for_status()


def floor_engine(state_dir: Path, resources: int, *, shaped: bool = False) -> Engine:
    """The floor project with ``resources`` do-nothing resources (shaped like the stack's app
    and templates with ``shaped``), ``PARALLEL`` steps at once."""
    env = {"FLOOR_RESOURCES": str(resources), "FLOOR_SHAPE": "template" if shaped else ""}
    return Engine(FLOOR_PROJECT, "bench", state_dir=state_dir, env=env, parallel=PARALLEL)


def _ratio(ours: float, floor: float) -> float:
    return round(ours / floor, 2) if floor > 0 else float("inf")


Sample = tuple[float, float]  # wall seconds, CPU seconds
#: ours with Pulumi's defaults: the provider host's pool at four threads (``msgsms:hostThreads``
#: 4) and the CLI's default parallelism
PULUMI_DEFAULTS = "ours, Pulumi's defaults"
SIDES = ("ours", PULUMI_DEFAULTS, "floor", "shaped floor")


def _row(
    name: str, templates: int, latency: int, samples: dict[str, list[Sample]]
) -> dict[str, Any]:
    wall = {side: median([w for w, _ in samples[side]]) for side in SIDES}
    cpu = {side: median([c for _, c in samples[side]]) for side in SIDES}
    goal = GOALS.get((name, templates, latency))
    ratio = _ratio(wall["ours"], wall["floor"])
    return {
        "pass": name,
        "templates": templates,
        "latency_ms": latency,
        "rounds": len(samples["ours"]),
        "ours_seconds": round(wall["ours"], 2),
        "parallel": PARALLEL,
        "pulumi_defaults_seconds": round(wall[PULUMI_DEFAULTS], 2),
        "pulumi_defaults_parallel": DEFAULT_PARALLEL,
        "floor_seconds": round(wall["floor"], 2),
        "shaped_floor_seconds": round(wall["shaped floor"], 2),
        "ratio": ratio,
        "shaped_ratio": _ratio(wall["shaped floor"], wall["floor"]),
        "ours_cpu_seconds": round(cpu["ours"], 2),
        "floor_cpu_seconds": round(cpu["floor"], 2),
        "shaped_floor_cpu_seconds": round(cpu["shaped floor"], 2),
        "cpu_ratio": _ratio(cpu["ours"], cpu["floor"]),
        "goal": goal,
        "met": None if goal is None else ratio <= goal,
    }


def _engines(emu: EmulatorProcess, here: Path, templates: int) -> dict[str, Engine]:
    """Fresh states for the sides (the floors get as many resources: an app and the
    templates); our two sides declare apps of different names (one region holds two)."""
    shutil.rmtree(here, ignore_errors=True)
    here.mkdir(parents=True)
    catalog, four = here / "catalog.sms.yaml", here / "catalog-four.sms.yaml"
    write_catalog(catalog, templates)
    write_catalog(four, templates, app_name="bench-four")
    return {
        "ours": stack_engine(emu, catalog, here / "ours"),
        PULUMI_DEFAULTS: stack_engine(
            emu,
            four,
            here / "four",
            config={"msgsms:hostThreads": "4"},
            parallel=DEFAULT_PARALLEL,
        ),
        "floor": floor_engine(here / "floor", templates + 1),
        "shaped floor": floor_engine(here / "shaped", templates + 1, shaped=True),
    }


def _in_turns(engines: dict[str, Engine], turn: int) -> list[tuple[str, Engine]]:
    """The sides in a rotating order, so that drifts in the machine's load hit each alike."""
    order = list(engines.items())
    shift = turn % len(order)
    return order[shift:] + order[:shift]


def _size(
    emu: EmulatorProcess, workdir: Path, templates: int, latency: int, rounds: int
) -> list[dict[str, Any]]:
    expected = templates + 2  # the stack, the app, the templates
    up: dict[str, list[Sample]] = {side: [] for side in SIDES}
    requests_up = 0
    for turn in range(rounds):
        emu.reset()
        _set_latency(emu, latency)
        engines = _engines(emu, workdir / f"{templates}-{latency}ms", templates)
        for side, engine in _in_turns(engines, turn):
            since = emu.last_seq()
            wall, cpu, summary = _timed(engine.up)
            if summary.changes.get("create", 0) != expected:
                raise RuntimeError(f"the up of {side} made {dict(summary.changes)}")
            up[side].append((wall, cpu))
            if side == "ours":
                requests_up = len(emu.requests(since=since))

    noop: dict[str, list[Sample]] = {side: [] for side in SIDES}
    since = emu.last_seq()
    for turn in range(NOOP_ROUNDS if rounds == ROUNDS else rounds):
        for side, engine in _in_turns(engines, turn):
            wall, cpu, summary = _timed(engine.up)
            if dict(summary.changes) != {"same": expected}:
                raise RuntimeError(f"the no-op up of {side} made {dict(summary.changes)}")
            noop[side].append((wall, cpu))
    rows = [_row("up", templates, latency, up), _row("no-op up", templates, latency, noop)]
    rows[0]["api_requests"] = requests_up
    rows[1]["api_requests"] = len(emu.requests(since=since))
    return rows


def run(workdir: Path, *, quick: bool = False) -> dict[str, Any]:
    sizes = QUICK_SIZES if quick else SIZES
    rounds = 1 if quick else ROUNDS
    rows: list[dict[str, Any]] = []
    with emulator(workdir / "floor") as emu:
        for templates in sizes:
            for latency in LATENCIES_MS:
                rows += _size(emu, workdir / "floor", templates, latency, rounds)
    return {"rows": rows}
