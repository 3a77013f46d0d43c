"""``python -m bench``: run the benchmarks, print the tables, keep the results.

A full run writes ``bench/results/<date>-<host>.json`` and ``bench/RESULTS.md``. With
``--quick`` (or ``BENCH_QUICK=1``) every benchmark runs briefly, as a smoke test, and the
results go to a temporary directory (or ``--out``) instead: quick numbers are not results.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from harness import compile_sources

from . import floor, overhead, reviews, scaling, steps, throughput
from .machine import describe, load_average
from .report import render

BENCHMARKS: dict[str, Callable[..., dict[str, Any]]] = {
    # the timing-sensitive ones first, while the machine is quietest
    "overhead": overhead.run,
    "throughput": throughput.run,
    "floor": floor.run,
    "reviews": reviews.run,
    "steps": steps.run,
    "scaling": scaling.run,
}
HERE = Path(__file__).resolve().parent


def parser() -> argparse.ArgumentParser:
    args = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    args.add_argument(
        "--quick",
        action="store_true",
        default=os.environ.get("BENCH_QUICK", "") not in ("", "0"),
        help="a short smoke run (also BENCH_QUICK=1); results go to a temporary directory",
    )
    args.add_argument(
        "--only",
        action="append",
        choices=list(BENCHMARKS),
        help="run only this benchmark (repeatable)",
    )
    args.add_argument(
        "--out",
        type=Path,
        default=None,
        help="directory for the JSON results and RESULTS.md (default: bench/results and "
        "bench/RESULTS.md for a full run, a temporary directory for a quick one)",
    )
    return args


def _outputs(out: Path | None, quick: bool) -> tuple[Path, Path]:
    if out is None and not quick:
        return HERE / "results", HERE / "RESULTS.md"
    directory = out or Path(tempfile.mkdtemp(prefix="bench-quick-"))
    return directory, directory / "RESULTS.md"


def _free(directory: Path, stem: str) -> Path:
    """``<stem>.json`` in ``directory``, or ``<stem>-2.json`` (and so on) when an earlier run of
    the same day and machine holds that name: results are never overwritten."""
    path, count = directory / f"{stem}.json", 1
    while path.exists():
        count += 1
        path = directory / f"{stem}-{count}.json"
    return path


def main(argv: Sequence[str] | None = None) -> int:
    options = parser().parse_args(argv)
    names = options.only or list(BENCHMARKS)
    results: dict[str, Any] = {
        "mode": "quick" if options.quick else "full",
        "machine": describe(),
        "load_average": {"start": load_average()},
        "benchmarks": {},
    }
    compile_sources()
    started = time.perf_counter()
    failed = False
    with tempfile.TemporaryDirectory(prefix="bench-") as workdir:
        for name in names:
            print(f"bench: {name} ...", file=sys.stderr, flush=True)
            begun = time.perf_counter()
            try:
                section = BENCHMARKS[name](Path(workdir), quick=options.quick)
            except Exception as exc:
                traceback.print_exc()
                section = {"error": f"{type(exc).__name__}: {exc}".splitlines()[0]}
                failed = True
            section["seconds"] = round(time.perf_counter() - begun, 1)
            results["benchmarks"][name] = section
    results["load_average"]["end"] = load_average()
    results["seconds"] = round(time.perf_counter() - started, 1)

    directory, markdown = _outputs(options.out, options.quick)
    directory.mkdir(parents=True, exist_ok=True)
    machine = results["machine"]
    suffix = "-quick" if options.quick else ""
    data = _free(directory, f"{machine['date']}-{machine['host']}{suffix}")
    data.write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    text = render(results)
    markdown.write_text(text, encoding="utf-8")
    print(text)
    print(f"bench: results in {data} and {markdown}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
