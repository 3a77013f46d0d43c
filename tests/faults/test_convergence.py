"""`up` of the example catalog converges while the emulator injects faults.

For each seed, on a reset emulator: 30% of API requests fail (429 with Retry-After, 500, 503),
every request waits 50-300 ms and 5% of the answers are lost after the write committed. Up to
three `up` passes may run (a pass may fail; the next one carries on from the checkpoint). Then,
with faults off:

* the declared state is reached: one more `up` is all "same" and calls no API;
* the emulator holds exactly the checkpoint's objects: no duplicate (by natural key), no
  orphan, none missing, each linked as the checkpoint says. Signature files are the exception
  (see ``convergence_problems``): the API can neither list nor delete them, so an upload whose
  answer was lost leaves an unreferenced copy, and the suite checks there is no other;
* no credential, token or app secret is in plain text in the checkpoint, the passes' output,
  the emulator's log or its request log.

The example catalog waits for review (``wait_for: approved``); these runs use a copy with
``wait_for: none`` so that a pass is bounded by the API traffic, not by review delays. The
seeds run three at a time (``tests.faults.seeds``): a pass mostly waits on injected latency.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest

from tests.faults.seeds import SeedLanes
from tests.faults.stack import catalog_variant

SEEDS = range(1, 21)
LANES = 3
MAX_RUNS = 3
FAULTS: dict[str, Any] = {
    "error_rate": 0.3,
    "error_statuses": [429, 500, 503],
    "retry_after_seconds": 1,
    "latency_ms": [50, 300],
    "drop_rate": 0.05,
    "apis": ["iam", "msgsms", "smsapi"],
}

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def seed_lanes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SeedLanes]:
    directory = tmp_path_factory.mktemp("faults")
    catalog = catalog_variant(directory / "catalog", wait_for="none")
    with SeedLanes(
        directory,
        catalog,
        SEEDS,
        lanes=LANES,
        faults=FAULTS,
        max_runs=MAX_RUNS,
        emulator_flags=("--review-delay", "1"),
    ) as lanes:
        yield lanes


@pytest.mark.parametrize("seed", SEEDS)
def test_up_reaches_the_declared_state_under_faults_without_duplicates_or_orphans(
    seed_lanes: SeedLanes, seed: int
) -> None:
    outcome = seed_lanes.outcome(seed)

    faults = dict(outcome.faults)
    # a create is one request, so a run makes few: 30 % errors (and any dropped answer) make
    # sure every seed meets faults
    assert outcome.faults["error"] + outcome.faults["drop"] > 0, "no fault was injected"
    assert outcome.converged, (
        f"not done after {len(outcome.runs)} runs {faults}:\n{outcome.errors()}"
    )
    assert outcome.final is not None
    assert set(outcome.final.changes) == {"same"}, outcome.final.changes
    assert outcome.final.api_requests == 0
    assert outcome.problems == [], f"{len(outcome.runs)} run(s), faults {faults}"
    assert outcome.leaks == []


def test_the_seeds_inject_every_kind_of_fault(seed_lanes: SeedLanes) -> None:
    """Over all seeds, every error status and lost answers to writes occurred: the
    convergence above was earned against the whole fault mix (``-s`` shows it per seed)."""
    outcomes = seed_lanes.outcomes()
    for o in outcomes:
        print(
            f"seed {o.seed:2}: {len(o.runs)} run(s), {len(o.requests)} requests, "
            f"errors {dict(sorted(o.injected.items()))}, dropped {o.faults['dropped']} "
            f"({o.dropped_writes} writes)"
        )
    injected = sum((o.injected for o in outcomes), Counter[int]())
    assert set(injected) == set(FAULTS["error_statuses"])
    assert sum(o.dropped_writes for o in outcomes) > 0
    assert sum(o.faults["dropped"] for o in outcomes) > 0
