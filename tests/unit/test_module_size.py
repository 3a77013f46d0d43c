"""No product module is over 600 lines: one that grows past it is split by job.

The product is what people run: ``providers`` and ``emulator``. A module that long has
usually taken on a second job (a client's transport and its token lookup, a command's reading
and its writing), and each job is easier to read, test and change on its own. The harness,
the tests, the benchmarks and the tools are not held to it.
"""

from __future__ import annotations

from pathlib import Path

from harness import PROJECT_ROOT

MAX_LINES = 600
PRODUCT = ("providers", "emulator")


def _lines(path: Path) -> int:
    return len(path.read_text(encoding="utf-8").splitlines())


def _too_long(root: Path, packages: tuple[str, ...] = PRODUCT) -> list[str]:
    """Each module of ``packages`` over ``MAX_LINES`` lines, as a line of the failure."""
    return [
        f"{path.relative_to(root).as_posix()}: {count} lines"
        for package in packages
        for path in sorted((root / package).rglob("*.py"))
        if (count := _lines(path)) > MAX_LINES
    ]


def test_no_product_module_is_over_600_lines() -> None:
    too_long = _too_long(PROJECT_ROOT)
    assert too_long == [], (
        f"product modules over {MAX_LINES} lines; split each into modules of one job each "
        "(keeping its public import path working): " + "; ".join(too_long)
    )


def test_the_size_check_names_a_module_one_line_over(tmp_path: Path) -> None:
    package = tmp_path / "providers" / "client"
    package.mkdir(parents=True)
    (package / "long.py").write_text("x = 1\n" * (MAX_LINES + 1))
    (package / "short.py").write_text("x = 1\n" * MAX_LINES)
    assert _too_long(tmp_path) == [f"providers/client/long.py: {MAX_LINES + 1} lines"]
