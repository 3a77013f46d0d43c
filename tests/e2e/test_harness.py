"""The harness is a library of its own: the benchmarks and the tools use it, not ``tests``, and
``tools/stack.py`` still runs where only the standard library is (``make stop`` without the
venv)."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

from harness import PROJECT_ROOT

USERS_OF_THE_HARNESS = ("harness", "bench", "tools")


def _imported_modules(path: Path) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
    return found


@pytest.mark.parametrize("package", USERS_OF_THE_HARNESS)
def test_it_imports_nothing_from_the_tests(package: str) -> None:
    breaches = [
        f"{path.relative_to(PROJECT_ROOT)}:{line} imports {name}"
        for path in sorted((PROJECT_ROOT / package).rglob("*.py"))
        for line, name in _imported_modules(path)
        if name == "tests" or name.startswith("tests.")
    ]
    assert breaches == []


def test_the_stack_tool_runs_on_the_standard_library_alone(tmp_path: Path) -> None:
    # -S: no site-packages at all, so a module-level import of httpx, pulumi or yaml anywhere
    # on the way (the harness's emulator module included) fails here
    env = {**os.environ, "MSGSMS_EMULATOR_DIR": str(tmp_path / "emulator")}
    done = subprocess.run(
        [sys.executable, "-I", "-S", str(PROJECT_ROOT / "tools" / "stack.py"), "stop"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "No emulator of this repository is running" in done.stderr
