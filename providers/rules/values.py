"""Problems, and the values a rule cannot judge yet (unknown until another resource exists)."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from typing import Any, NamedTuple

__all__ = ["UNKNOWN", "Problem", "as_int", "is_known", "is_present", "is_unknown"]


class Problem(NamedTuple):
    """One broken rule: the input property it concerns and what to do about it."""

    property: str
    message: str


class _Unknown:
    """A value that becomes known only once another resource exists (a reference)."""

    _instance: _Unknown | None = None

    def __new__(cls) -> _Unknown:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN: Any = _Unknown()


def is_unknown(value: object) -> bool:
    """True for :data:`UNKNOWN` and for Pulumi's ``pulumi.output.Unknown``."""
    if isinstance(value, _Unknown):
        return True
    # Only a process that imported pulumi can hold its Unknown; no need to import it here.
    output = sys.modules.get("pulumi.output")
    return output is not None and isinstance(value, output.Unknown)


def is_present(inputs: Mapping[str, Any], prop: str) -> bool:
    return inputs.get(prop) is not None


def is_known(inputs: Mapping[str, Any], prop: str) -> bool:
    return is_present(inputs, prop) and not is_unknown(inputs[prop])


def as_int(value: Any) -> int | None:
    """An integer input, also when it travelled through the engine as a float (``1.0``)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None
