"""The harness shared by the tests, the benchmarks and the tools: real emulator processes
(``emulator``), an HTTP interceptor in front of them (``interceptor``), a driver of real
``python -m pulumi.dynamic`` provider hosts (``wire``, ``results``, ``provider_host``), the
offline Pulumi engine (``engine``) and the engine's sequences for one resource at a time
(``sequences``).

This module and ``emulator`` import only the standard library at module level, so that
``tools/stack.py`` can use them without the venv; the rest needs the project's dependencies.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["PROJECT_ROOT"]

#: The root of this repository: the Pulumi project, the emulator's package, the stacks.
PROJECT_ROOT = Path(__file__).resolve().parent.parent
