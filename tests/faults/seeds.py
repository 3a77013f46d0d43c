"""One fault scenario per seed, run a few seeds at a time.

A pass under faults spends most of its time waiting (50-300 ms of latency per request,
Retry-After, backoff), so the seeds run in lanes: each lane is an emulator process of its own,
reset before each of its seeds, and the seeds of different lanes run at the same time. A
seed's faults come from the fault engine's generator seeded with it, in its own emulator, so
lanes do not disturb each other.
"""

from __future__ import annotations

import queue
from collections import Counter
from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness.emulator import EmulatorProcess
from harness.engine import Engine, PassFailed
from harness.engine.summary import PassSummary
from tests.faults.stack import Estate, convergence_problems, example_stack, load_variant
from tests.security.leaks import emulator_secrets, find_leaks, scenario_texts

__all__ = ["SeedLanes", "SeedOutcome", "run_seed", "successful_uploads", "up_until_done"]


def up_until_done(stack: Engine, runs: int) -> list[PassSummary]:
    """`up` until a pass succeeds, at most ``runs`` times; every pass's summary."""
    summaries = []
    for _ in range(runs):
        try:
            summaries.append(stack.up())
            break
        except PassFailed as failed:
            summaries.append(failed.summary)
    return summaries


def successful_uploads(requests: Iterable[dict[str, Any]]) -> int:
    """Uploads the emulator answered with success (whether or not the answer arrived)."""
    return sum(
        1
        for r in requests
        if r["method"] == "POST" and r["path"].endswith("/upload-files") and r["status"] == 200
    )


@dataclass
class SeedOutcome:
    """What the scenario of one seed did and found."""

    seed: int
    runs: list[PassSummary]
    #: The API requests logged while faults were on.
    requests: list[dict[str, Any]]
    #: The `up` after faults were turned off (None when the runs did not converge).
    final: PassSummary | None = None
    problems: list[str] = field(default_factory=list)
    leaks: list[str] = field(default_factory=list)

    @property
    def converged(self) -> bool:
        return bool(self.runs) and not self.runs[-1].failed

    @property
    def faults(self) -> Counter[str]:
        return Counter(r["fault"] for r in self.requests if r["fault"])

    @property
    def injected(self) -> Counter[int]:
        """Injected error statuses."""
        return Counter(r["status"] for r in self.requests if r["fault"] == "error")

    @property
    def dropped_writes(self) -> int:
        return sum(1 for r in self.requests if r["fault"] == "dropped" and r["method"] != "GET")

    def errors(self) -> str:
        return "\n---\n".join("\n".join(r.errors) for r in self.runs if r.failed)


def run_seed(
    emulator: EmulatorProcess,
    catalog: Path,
    state_dir: Path,
    seed: int,
    *,
    faults: dict[str, Any],
    max_runs: int,
) -> SeedOutcome:
    """Reset, `up` under seeded faults up to ``max_runs`` times, then check without faults."""
    emulator.reset()
    stack = example_stack(emulator, state_dir, catalog=catalog)
    emulator.admin.put("/faults", json={**faults, "seed": seed}).raise_for_status()
    try:
        runs = up_until_done(stack, max_runs)
    finally:
        emulator.admin.delete("/faults").raise_for_status()
    outcome = SeedOutcome(seed, runs, emulator.requests())
    if not outcome.converged:
        return outcome
    outcome.final = stack.up()
    outcome.problems = convergence_problems(
        Estate.of(emulator),
        stack.checkpoint(),
        load_variant(catalog),
        uploads=successful_uploads(outcome.requests),
    )
    texts = scenario_texts(emulator, stack.checkpoint_path, [*runs, outcome.final])
    outcome.leaks = find_leaks(emulator_secrets(emulator), texts)
    return outcome


class SeedLanes:
    """Runs every seed's scenario in the background, ``lanes`` at a time; :meth:`outcome`
    waits for one."""

    def __init__(
        self,
        directory: Path,
        catalog: Path,
        seeds: Iterable[int],
        *,
        lanes: int,
        faults: dict[str, Any],
        max_runs: int,
        emulator_flags: tuple[str, ...] = (),
    ) -> None:
        self._directory = directory
        self._emulators: queue.Queue[EmulatorProcess] = queue.Queue()
        self._started: list[EmulatorProcess] = []
        for lane in range(lanes):
            emulator = EmulatorProcess(directory / f"lane-{lane}", emulator_flags)
            self._started.append(emulator.start())
            self._emulators.put(emulator)
        self._pool = ThreadPoolExecutor(lanes, thread_name_prefix="fault-lane")
        self._futures: dict[int, Future[SeedOutcome]] = {
            seed: self._pool.submit(self._run, seed, catalog, faults, max_runs) for seed in seeds
        }

    def _run(self, seed: int, catalog: Path, faults: dict[str, Any], max_runs: int) -> SeedOutcome:
        emulator = self._emulators.get()
        try:
            state_dir = self._directory / f"seed-{seed}"
            return run_seed(emulator, catalog, state_dir, seed, faults=faults, max_runs=max_runs)
        finally:
            self._emulators.put(emulator)

    def outcome(self, seed: int, timeout: float | None = None) -> SeedOutcome:
        return self._futures[seed].result(timeout)

    def outcomes(self) -> list[SeedOutcome]:
        return [self.outcome(seed) for seed in self._futures]

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
        for emulator in self._started:
            emulator.stop()

    def __enter__(self) -> SeedLanes:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
