"""Package attributes imported on first use (PEP 562).

The client stands on httpx and pydantic, about a fifth of a second of imports. Every Pulumi
program and provider process imports the resources, and most of them never send a request: a
``pulumi up`` with nothing to do runs only Check and Diff, which need no client. So the
client's packages name their attributes here and import each module when an attribute of it is
first used; ``from providers.client import ApiError`` imports the errors and nothing else.
The package's ``if TYPE_CHECKING:`` imports tell type checkers the same names.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Mapping, Sequence
from typing import Any

__all__ = ["exports"]


def exports(
    package: str, names: Mapping[str, Sequence[str]]
) -> tuple[list[str], Callable[[str], Any], Callable[[], list[str]]]:
    """``__all__``, ``__getattr__`` and ``__dir__`` for ``package``, whose attributes are
    ``names`` (submodule, relative as ``.errors`` -> the names it defines; a submodule that is
    itself an attribute names itself, e.g. ``".models": ["models"]``)."""
    where = {name: module for module, defined in names.items() for name in defined}

    def __getattr__(name: str) -> Any:
        module = where.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        imported = importlib.import_module(module, package)
        value = imported if module.rpartition(".")[2] == name else getattr(imported, name)
        setattr(sys.modules[package], name, value)  # the next access is a plain lookup
        return value

    def __dir__() -> list[str]:
        return sorted({*vars(sys.modules[package]), *where})

    return sorted(where), __getattr__, __dir__
