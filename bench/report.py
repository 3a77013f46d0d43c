"""The results as Markdown tables: printed by ``make bench`` and kept in ``bench/RESULTS.md``."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from typing import Any

from .steps import KINDS, STEPS

__all__ = ["render"]


def _table(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    def cell(value: Any) -> str:
        if value is None:
            return "—"
        if isinstance(value, bool):
            return "yes" if value else "**no**"
        return str(value)

    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def _machine(results: dict[str, Any]) -> str:
    m = results["machine"]
    versions = ", ".join(f"{k} {v}" for k, v in m["versions"].items() if v)
    load = results["load_average"]
    return "\n".join(
        [
            f"- date: {m['started_at']} ({results['mode']} run, {results['seconds']:.0f} s)",
            f"- machine: {m['host']}: {m['cpu']}, {m['cores']} cores, {m['memory_gib']} GiB, "
            f"{m['os']}",
            f"- Python {m['python']}; {versions}; commit {m['commit']}",
            f"- load average (1, 5, 15 min): {load['start']} at the start, {load['end']} at "
            "the end (2 cores shared with other work: read the timings with this in mind)",
        ]
    )


def _overhead(section: dict[str, Any]) -> str:
    rows = [
        (
            m["auth"],
            m["raw_httpx_us"],
            m["client_us"],
            m["overhead_us"],
            round(m["client_cpu_us"] - m["raw_cpu_us"], 1),
            f"{m['cpu_ratio']}×",
            f"{m['ratio']}×",
            f"≤ {m['target']}×",
            m["met"],
        )
        for m in section["modes"]
    ]
    head = (
        "auth",
        "raw httpx µs/call",
        "SmsClient µs/call",
        "overhead µs",
        "extra client CPU µs",
        "CPU ratio",
        "wall ratio",
        "target",
        "met",
    )
    profile = section["modes"][0]["client_profile"][:8]
    prof = _table(
        ("function (client calls, token auth)", "calls/request", "own µs/request"),
        [(p["function"], p["calls_per_request"], p["own_us_per_request"]) for p in profile],
    )
    first = section["modes"][0]
    return (
        f"{first['request']}, {first['calls']} calls per side in interleaved batches; "
        "wall time per call is the median over batches, CPU time is this process's.\n\n"
        + _table(head, rows)
        + "\n\nWhere a client call spends its own time (cProfile of the client calls, socket "
        "waits left out, top entries; the profiler inflates every entry alike):\n\n" + prof
    )


def _steps(section: dict[str, Any]) -> str:
    table = section["table"]
    rows = [(kind, *(table[kind][s] for s in STEPS)) for kind in KINDS]
    targets = _table(
        ("target", "worst measured", "met"),
        [(t["target"], t["worst"], t["met"]) for t in section["targets"]],
    )
    extra = [r for r in section["rows"] if r["step"] not in STEPS]
    detail = _table(
        ("resource", "step", "requests", "operations"),
        [
            (r["type"], r["step"], r["requests"], _ops(r["operations"]))
            for r in section["rows"]
            if r["requests"]
        ],
    )
    notes = "".join(f"\n\n{r['type']} {r['step']}: {r['requests']} request(s)." for r in extra)
    return (
        "API requests per resource for each step (— = the step does not exist for the type):"
        "\n\n"
        + _table(("resource", *STEPS), rows)
        + "\n\n"
        + targets
        + notes
        + "\n\nThe operations behind each count:\n\n"
        + detail
    )


def _ops(operations: dict[str, int]) -> str:
    return ", ".join(f"{op} ×{n}" if n > 1 else op for op, n in operations.items())


def _scaling(section: dict[str, Any]) -> str:
    sizes = section["sizes"]
    passes = [p["pass"] for p in sizes[0]["passes"]]
    time_rows = [(s["templates"], *(p["seconds"] for p in s["passes"])) for s in sizes]
    request_rows = [(s["templates"], *(p["api_requests"] for p in s["passes"])) for s in sizes]
    memory_rows = []
    for s in sizes:
        by_pass = {p["pass"]: p["peak_rss_mib"] for p in s["passes"]}
        memory_rows.append(
            (
                s["templates"],
                max(p.get("provider", 0) for p in by_pass.values()),
                max(p.get("program", 0) for p in by_pass.values()),
                s["checkpoint"]["bytes"],
                s["checkpoint"]["bytes_per_resource"],
                s["checkpoint"]["bytes_per_template"],
                s["checkpoint"]["serialized_provider_bytes"],
                s["checkpoint"]["provider_met"],
            )
        )
    refresh = [
        (s["templates"], p["pass"], _ops(p["operations"]))
        for s in sizes
        for p in s["passes"]
        if p["pass"].startswith("refresh")
    ]
    steps = [f"{a['templates']}→{b['templates']}" for a, b in itertools.pairwise(sizes)]
    growth = _table(
        ("measure", *steps),
        [(name, *ratios[1:]) for name, ratios in section["growth"].items()],
    )
    return "\n\n".join(
        [
            "Wall time per pass, seconds (program, provider and engine processes included):",
            _table(("templates", *passes), time_rows),
            "API requests per pass:",
            _table(("templates", *passes), request_rows),
            "Refresh requests by operation:",
            _table(("templates", "pass", "operations"), refresh),
            "Memory and state (peak RSS over all passes; the checkpoint after `up`):",
            _table(
                (
                    "templates",
                    "provider peak RSS MiB",
                    "program peak RSS MiB",
                    "checkpoint bytes",
                    "bytes/resource",
                    "bytes/template",
                    "serialized provider bytes",
                    "provider ≤ 2 KB",
                ),
                memory_rows,
            ),
            "Growth (value at the larger size over the smaller):",
            growth,
        ]
    )


def _throughput(section: dict[str, Any]) -> str:
    rows = [
        (
            r["auth"],
            r["concurrency"],
            r["req_per_s"],
            r["p50_ms"],
            r["p99_ms"],
            r["requests"],
            r["errors"],
        )
        for r in section["rows"]
    ]
    return (
        f"{section['request']}: {section['samples']} sample(s) of {section['seconds_per_sample']} s"
        " per level; req/s is the median over samples, latencies are pooled.\n\n"
        + _table(("auth", "concurrency", "req/s", "p50 ms", "p99 ms", "requests", "errors"), rows)
    )


def _seconds(value: float) -> str:
    return f"{value:.2f}"


def _floor(section: dict[str, Any]) -> str:
    rows = [
        (
            r["pass"],
            r["templates"],
            r["latency_ms"],
            _seconds(r["ours_seconds"]),
            _seconds(r["pulumi_defaults_seconds"]),
            _seconds(r["floor_seconds"]),
            f"{r['ratio']}×",
            "—" if r["goal"] is None else f"≤ {r['goal']}×",
            r["met"],
            _seconds(r["shaped_floor_seconds"]),
            f"{r['shaped_ratio']}×",
            f"{r['cpu_ratio']}×",
            r["api_requests"],
        )
        for r in section["rows"]
    ]
    head = (
        "pass",
        "templates",
        "latency ms",
        "ours s",
        "ours, Pulumi's defaults s",
        "floor s",
        "ratio",
        "goal",
        "met",
        "shaped floor s",
        "shaped / floor",
        "CPU ratio",
        "API requests (ours)",
    )
    counts = {r["pass"]: r["rounds"] for r in section["rows"]}
    rounds = " and ".join(f"{n} ({name})" for name, n in counts.items())
    first = section["rows"][0]
    return (
        "The stack (one app, N templates) against the floor: as many dynamic resources whose "
        "provider does nothing (`bench/floor_project`), every side with "
        f"{first['parallel']} steps at once (`make up` sets `PULUMI_PARALLEL` to the calls the "
        "provider process serves at once, `msgsms:hostThreads`, default 16). Beside them: ours "
        "with Pulumi's defaults (the provider host's pool at four threads, "
        f"{first['pulumi_defaults_parallel']} steps at once: four per CPU), "
        "and the shaped floor: the same "
        "do-nothing provider with resources shaped like ours (the inputs, dependency, outputs "
        "and exports of an app and its templates, and the collector settings of our program). "
        f"Medians of {rounds} rounds, the sides in "
        "rotating order; wall seconds, CPU seconds of the engine, program and provider "
        "processes. Latency is added by the emulator to every API request.\n\n" + _table(head, rows)
    )


def _reviews(section: dict[str, Any]) -> str:
    rows = [
        (
            r["templates"],
            r["review_delay_s"],
            _seconds(r["approved_seconds"]),
            _seconds(r["submitted_only_seconds"]),
            _seconds(r["wait_seconds"]),
            r["in_review_delays"],
            f"≤ {r['goal_seconds']:.0f} s",
            r["met"],
            r["polls"],
            f"{r['lists_per_poll']} (goal {r['lists_per_poll_goal']})",
            r["single_reads"],
        )
        for r in section["rows"]
    ]
    head = (
        "templates",
        "review delay s",
        "up, approved s",
        "up, submitted only s",
        "wait s",
        "in review delays",
        "goal",
        "met",
        "polls",
        "list requests per poll",
        "single-object reads",
    )
    return (
        "The first `up` of N templates of one app with `wait_for: approved`, the emulator "
        "deciding each review a fixed delay after its submission, against the same catalog "
        "with `wait_for: none` (submitted, nothing waited for). Polls and reads are counted "
        "in the emulator's log after the last submission.\n\n" + _table(head, rows)
    )


SECTIONS = {
    "overhead": ("Client overhead against raw httpx", _overhead),
    "floor": ("The stack against a do-nothing dynamic provider", _floor),
    "reviews": ("Review waits", _reviews),
    "steps": ("API requests per step kind and resource type", _steps),
    "scaling": ("Scaling through the offline engine", _scaling),
    "throughput": ("Emulator throughput and latency", _throughput),
}


def render(results: dict[str, Any]) -> str:
    parts = ["# Benchmark results", "", "Written by `make bench` (`python -m bench`).", ""]
    parts.append(_machine(results))
    for key, (title, renderer) in SECTIONS.items():
        section = results["benchmarks"].get(key)
        if section is None:
            continue
        parts += ["", f"## {title}", ""]
        if "error" in section:
            parts.append(f"Failed: `{section['error']}`")
        else:
            parts.append(renderer(section))
    return "\n".join(parts) + "\n"
