"""The harness shared by the tests, the benchmarks and the tools: real emulator processes
(``emulator``), an HTTP interceptor in front of them (``interceptor``), a driver of real
``python -m pulumi.dynamic`` provider hosts (``wire``, ``results``, ``provider_host``), the
offline Pulumi engine (``engine``) and the engine's sequences for one resource at a time
(``sequences``).

This module and ``emulator`` import only the standard library at module level, so that
``tools/stack.py`` can use them without the venv; the rest needs the project's dependencies.
"""

from __future__ import annotations

import compileall
from pathlib import Path

__all__ = ["PROJECT_ROOT", "SOURCES", "compile_sources"]

#: The root of this repository: the Pulumi project, the emulator's package, the stacks.
PROJECT_ROOT = Path(__file__).resolve().parent.parent
#: What the processes that tests and benchmarks start import from the project (the program,
#: the provider host, the floor project, the emulator); see ``compile_sources``.
SOURCES = ("__main__.py", "providers", "emulator", "harness", "bench")


def compile_sources(root: Path = PROJECT_ROOT) -> None:
    """Byte-compile the project's modules into their ``__pycache__``, as a user's second run
    finds them. Where ``PYTHONDONTWRITEBYTECODE`` is set (CI images often set it) nothing
    writes them, and every program and provider process would compile the msgsms modules from
    source again: about 0.1 s a process, that no user's second run pays, and that the floor
    project, a few lines, hardly pays at all. The benchmarks compile them before measuring,
    and a test session before its first test."""
    for name in SOURCES:
        path = root / name
        if path.is_dir():
            compileall.compile_dir(path, quiet=1)
        else:
            compileall.compile_file(path, quiet=1)
