"""The Makefile: `make help` lists every target, and the targets run what they say."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MAKEFILE = (ROOT / "Makefile").read_text(encoding="utf-8")
TARGETS = re.findall(r"^([a-z][a-z-]*):", MAKEFILE, re.M)


def _make(*args: str) -> subprocess.CompletedProcess[str]:
    # a make of its own, not a sub-make of `make test` (which would print directory lines)
    env = {k: v for k, v in os.environ.items() if k not in ("MAKELEVEL", "MAKEFLAGS", "MFLAGS")}
    return subprocess.run(
        ["make", "--no-print-directory", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_help_is_the_default_and_lists_every_target_on_one_line() -> None:
    assert {"help", "venv", "up", "test", "pulumi", "emulator", "stop", "reset"} <= set(TARGETS)
    result = _make()
    assert result.returncode == 0, result.stderr
    described = {}
    for line in result.stdout.splitlines():
        match = re.match(r"^  ([a-z][a-z-]*) +(\S.*)$", line)
        if match:
            described[match[1]] = match[2]
    assert sorted(described) == sorted(TARGETS)
    assert result.stdout == _make("help").stdout


def test_pulumi_passes_the_stack_and_the_arguments_to_the_tool() -> None:
    result = _make("-n", "pulumi", "STACK=prod", "ARGS=stack output templates --json")
    assert result.returncode == 0, result.stderr
    assert (
        ".venv/bin/python tools/stack.py pulumi --stack prod -- stack output templates --json"
        in (result.stdout)
    )


def test_clean_stops_the_emulator_before_removing_the_venv() -> None:
    lines = _make("-n", "clean").stdout.splitlines()
    stop = next(i for i, line in enumerate(lines) if "tools/stack.py stop" in line)
    remove = next(i for i, line in enumerate(lines) if line.startswith("rm -rf .venv"))
    assert stop < remove


def test_reset_passes_force_only_when_asked() -> None:
    assert _make("-n", "reset").stdout.split() == ["python3", "tools/stack.py", "reset"]
    forced = _make("-n", "reset", "FORCE=1").stdout.split()
    assert forced == ["python3", "tools/stack.py", "reset", "--force"]


def test_the_lock_names_no_machine_and_pins_the_build_backend() -> None:
    lock = (ROOT / "requirements.lock").read_text(encoding="utf-8")
    options = [line for line in lock.splitlines() if line.startswith("-")]
    assert options == []  # no --index-url, --extra-index-url, --find-links of a machine
    assert "file://" not in lock
    # the editable install of the project builds with this, without build isolation
    assert re.search(r"^setuptools==\S+ \\$", lock, re.M)
    assert "PIP_CONFIG_FILE=/dev/null" in MAKEFILE
    assert "--no-deps --no-build-isolation --editable ." in MAKEFILE
