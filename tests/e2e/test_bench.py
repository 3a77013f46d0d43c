"""``make bench`` in quick mode: every benchmark runs end to end and reports what it measured.

Times are never asserted (machines are noisy); the counts the benchmarks read from the
emulator's request log are behaviour, and are.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from harness import PROJECT_ROOT

pytestmark = pytest.mark.slow


def test_the_benchmarks_run_in_quick_mode_and_write_their_results(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bench", "--quick", "--out", str(tmp_path)],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )

    assert done.returncode == 0, done.stderr[-3000:]
    [data] = tmp_path.glob("*-quick.json")
    results = json.loads(data.read_text(encoding="utf-8"))
    benchmarks = results["benchmarks"]
    assert set(benchmarks) == {"overhead", "throughput", "floor", "reviews", "steps", "scaling"}
    assert not [name for name, section in benchmarks.items() if "error" in section]
    assert len(results["load_average"]["start"]) == len(results["load_average"]["end"]) == 3
    markdown = (tmp_path / "RESULTS.md").read_text(encoding="utf-8")
    assert "## Client overhead against raw httpx" in markdown
    assert "## Emulator throughput and latency" in done.stdout

    assert {m["auth"] for m in benchmarks["overhead"]["modes"]} == {"token", "aksk"}
    assert [r["concurrency"] for r in benchmarks["throughput"]["rows"]] == [1, 8, 32] * 2
    assert all(r["errors"] == 0 and r["requests"] > 0 for r in benchmarks["throughput"]["rows"])

    table = benchmarks["steps"]["table"]
    assert {kind: row["same"] for kind, row in table.items()} == dict.fromkeys(table, 0)
    assert table["SignatureFile"]["update"] is None
    targets = {t["target"]: t["met"] for t in benchmarks["steps"]["targets"]}
    assert targets["Template: create ≤ 1"] and targets["Template: replace ≤ 3"]
    assert table["Template"]["create"] == 1  # its POST alone

    floor = benchmarks["floor"]["rows"]
    assert [(r["pass"], r["templates"], r["latency_ms"]) for r in floor] == [
        (name, size, latency)
        for size in (5,)
        for latency in (0, 100)
        for name in ("up", "no-op up")
    ]
    for row in floor:  # a no-op asks nothing; an up asks at least one POST per template
        assert row["api_requests"] == 0 if row["pass"] == "no-op up" else row["api_requests"] > 0
        assert row["floor_seconds"] > 0 and row["ratio"] > 0
    assert "## The stack against a do-nothing dynamic provider" in markdown

    [reviews] = benchmarks["reviews"]["rows"]
    assert reviews["templates"] == 6 and reviews["polls"] >= 1
    assert reviews["lists_per_poll"] == reviews["lists_per_poll_goal"] == 1
    assert reviews["single_reads"] == 0  # the wait reads lists, never one template
    assert "## Review waits" in markdown

    for size in benchmarks["scaling"]["sizes"]:
        by_pass = {p["pass"]: p for p in size["passes"]}
        assert by_pass["preview"]["api_requests"] == 0
        assert by_pass["up (no-op)"]["api_requests"] == 0
        assert by_pass["up (no-op)"]["changes"] == {"same": size["templates"] + 2}
        assert by_pass["up"]["peak_rss_mib"]["provider"] > 0
        assert size["checkpoint"]["provider_met"]


def test_the_modules_the_started_processes_import_are_compiled(tmp_path: Path) -> None:
    from harness import compile_sources

    (tmp_path / "providers" / "kinds").mkdir(parents=True)
    (tmp_path / "providers" / "kinds" / "template.py").write_text("KIND = 'template'\n")
    (tmp_path / "__main__.py").write_text("import providers\n")
    (tmp_path / "bench" / "floor_project").mkdir(parents=True)
    (tmp_path / "bench" / "floor_project" / "__main__.py").write_text("pass\n")

    compile_sources(tmp_path)  # even where PYTHONDONTWRITEBYTECODE is set, as on CI images

    compiled = sorted(p.relative_to(tmp_path).parts[0] for p in tmp_path.rglob("*.pyc"))
    assert compiled == ["__pycache__", "bench", "providers"]
