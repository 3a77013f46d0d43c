"""Review waits: catalogs whose templates are all ``wait_for: approved``, through the offline
engine (steps in parallel, the real provider host), against an emulator that decides every
review a fixed delay after it is submitted.

For each size (templates of one app), side by side on one emulator:

* ``approved``: the first ``up`` of the catalog, every template waited for;
* ``submitted only``: the same catalog with ``wait_for: none`` (its objects are submitted and
  nothing waits), the floor the wait is added to.

The wait's cost is the difference. The goal: the whole ``up`` takes at most ``GOAL_REVIEWS``
review delays (two review delays, twice), which holds only when the reviews overlap (one at a
time, 24 templates would take 24 delays; four at a time, 6). From the emulator's request log
after the last submission (the wait): the polls (list requests from the first page), the list
requests per poll (one per 500 templates of an app is the goal) and single-object reads (none
is the goal).
"""

from __future__ import annotations

import math
import time
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from harness.emulator import EmulatorProcess, set_review

from .reqlog import operation
from .scaling import write_catalog
from .target import emulator, stack_engine

__all__ = ["GOAL_REVIEWS", "PAGE", "run"]

SIZES = (24, 200)
QUICK_SIZES = (6,)
REVIEW_DELAY = 4.0
QUICK_REVIEW_DELAY = 1.0
#: The most an ``up`` may take, in review delays: two delays, twice (the issue's goal).
GOAL_REVIEWS = 4
#: Objects per list request (the API's largest page).
PAGE = 500

_SUBMIT = "POST /templates"
_LIST = "GET /templates"


def _first_page(entry: dict[str, Any]) -> bool:
    offset = parse_qs(str(entry.get("query") or "")).get("offset", ["0"])
    return offset[0] in ("", "0")


def _wait_requests(entries: list[dict[str, Any]]) -> dict[str, Any]:
    """What was asked after the last submission: polls (a list from its first page), list
    requests, single-object reads, the rest."""
    ops = [operation(e) for e in entries]
    last = max((i for i, op in enumerate(ops) if op == _SUBMIT), default=-1)
    after = list(zip(ops[last + 1 :], entries[last + 1 :], strict=True))
    lists = [entry for op, entry in after if op == _LIST]
    single = [op for op, _ in after if op.startswith("GET /templates/")]
    polls = sum(1 for entry in lists if _first_page(entry))
    return {
        "polls": polls,
        "list_requests": len(lists),
        "lists_per_poll": round(len(lists) / polls, 2) if polls else None,
        "single_reads": len(single),
        "other_requests": sorted(op for op, _ in after if op != _LIST and op not in single),
    }


def _up(emu: EmulatorProcess, here: Path, templates: int, wait_for: str) -> dict[str, Any]:
    catalog = here / f"catalog-{wait_for}.sms.yaml"
    write_catalog(catalog, templates, wait_for=wait_for)
    engine = stack_engine(emu, catalog, here / f"state-{wait_for}")
    since = emu.last_seq()
    started = time.perf_counter()
    summary = engine.up()
    seconds = time.perf_counter() - started
    if summary.failed:
        raise RuntimeError(f"the up of {templates} templates ({wait_for}) failed: {summary.errors}")
    entries = emu.requests(since=since)
    return {"seconds": round(seconds, 2), "api_requests": len(entries), "entries": entries}


def _size(emu: EmulatorProcess, workdir: Path, templates: int, delay: float) -> dict[str, Any]:
    here = workdir / f"reviews-{templates}"
    here.mkdir(parents=True, exist_ok=True)
    row: dict[str, Any] = {"templates": templates, "review_delay_s": delay}
    for wait_for, side in (("none", "submitted_only"), ("approved", "approved")):
        emu.reset()
        set_review(emu, "auto", delay)
        measured = _up(emu, here, templates, wait_for)
        entries = measured.pop("entries")
        row[f"{side}_seconds"] = measured["seconds"]
        row[f"{side}_api_requests"] = measured["api_requests"]
        if wait_for == "approved":
            row.update(_wait_requests(entries))
    goal = GOAL_REVIEWS * delay
    row.update(
        {
            "wait_seconds": round(row["approved_seconds"] - row["submitted_only_seconds"], 2),
            "in_review_delays": round(row["approved_seconds"] / delay, 2),
            "goal_seconds": goal,
            "met": row["approved_seconds"] <= goal,
            "lists_per_poll_goal": math.ceil(templates / PAGE),
        }
    )
    return row


def run(workdir: Path, *, quick: bool = False) -> dict[str, Any]:
    sizes = QUICK_SIZES if quick else SIZES
    delay = QUICK_REVIEW_DELAY if quick else REVIEW_DELAY
    with emulator(workdir / "reviews") as emu:
        rows = [_size(emu, workdir, n, delay) for n in sizes]
    return {"rows": rows}
