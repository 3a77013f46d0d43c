"""What an admin ``PUT`` means: change the fields it names and keep the others.

The settings start from the ``serve`` flags (review delay, quotas) or the emulator's defaults;
a ``PUT`` that names one field must not put the rest back to built-in defaults. The result is
validated as a whole, so a rule across fields (a latency range) still holds.
"""

from __future__ import annotations

from typing import TypeVar

from pydantic import BaseModel, ValidationError

from .errors import AdminError

__all__ = ["updated"]

Settings = TypeVar("Settings", bound=BaseModel)


def updated(current: Settings, changes: Settings) -> Settings:
    """``current`` with the fields ``changes`` was given; the others keep their values."""
    values = {**current.model_dump(), **changes.model_dump(exclude_unset=True)}
    try:
        return type(current).model_validate(values)
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in e['loc'])}: {e['msg']}".lstrip(": ")
            for e in error.errors()
        )
        raise AdminError(problems) from None
