"""What pydantic says about a catalog's types, said the way a catalog's author needs it: the
field, what was written (``yes`` read as true), what is expected and, for an unknown field,
what was probably meant.

The loader comes here only when :mod:`.layout`'s check is in doubt: this module imports
pydantic and the entry models."""

from __future__ import annotations

import difflib
import types
import typing
from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import BaseModel, ValidationError

from .entries import Entry, ExistingEntry, VariableEntry, field_choices
from .layout import Existing, Values, Variable
from .source import Path_, Source

__all__ = ["as_values", "validate"]


def _yaml_text(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return repr(value)


def _model_at(root: type[BaseModel], loc: Sequence[Any]) -> type[BaseModel] | None:
    """The model whose fields are valid at ``loc`` (through dicts, lists and optionals)."""
    current: Any = root
    for part in loc:
        current = _unwrap_optional(current)
        if isinstance(current, type) and issubclass(current, BaseModel):
            info = current.model_fields.get(str(part))
            if info is None:
                return None
            current = info.annotation
        elif typing.get_origin(current) in (dict, list):
            current = typing.get_args(current)[-1]
        else:
            return None
    current = _unwrap_optional(current)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _unwrap_optional(annotation: Any) -> Any:
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return next(a for a in typing.get_args(annotation) if a is not type(None))
    return annotation


_TYPE_WORDS = {
    "int_type": "an integer",
    "int_from_float": "an integer",
    "bool_type": "true or false",
    "float_type": "a number",
    "list_type": "a list",
    "dict_type": "a mapping of fields",
    "model_type": "a mapping of fields",
}


def _as_read(written: str, value: Any) -> str:
    """How YAML read an unquoted scalar, e.g. ``YAML reads an unquoted yes as true``."""
    read = _yaml_text(value) if isinstance(value, bool) or value is None else "a number"
    return f"YAML reads an unquoted {written} as {read}"


def _schema_message(error: Mapping[str, Any], root: type[BaseModel], written: str | None) -> str:
    """The message for a schema error; ``written`` is the scalar's text if YAML did not read
    it as text."""
    kind = error["type"]
    loc = error["loc"]
    value = error.get("input")
    if kind == "string_type" and isinstance(value, int | float | bool):
        written = written or str(value)
        model = _model_at(root, loc[:-1])
        choices = field_choices(model, str(loc[-1])) if model and loc else None
        if choices:
            listed = ", ".join(map(str, choices))
            return f"must be one of {listed}; {_as_read(written, value)}"
        return f'must be text; {_as_read(written, value)}: quote it ("{written}") if it is text'
    if kind == "missing":
        return "is required"
    if kind == "extra_forbidden":
        model = _model_at(root, loc[:-1])
        allowed = list(model.model_fields) if model else []
        given = str(loc[-1])
        close = difflib.get_close_matches(given, allowed, n=1) or [
            name for name in allowed if given.startswith(name) or name.startswith(given)
        ]
        hint = f"did you mean {close[0]!r}? " if close else ""
        return f"unknown field; {hint}expected one of: {', '.join(allowed)}"
    if kind == "string_type":
        return f"must be text, got {_yaml_text(value)}"
    if kind in _TYPE_WORDS:
        return f"must be {_TYPE_WORDS[kind]}, got {_yaml_text(value)}"
    return str(error["msg"])


def as_values(value: Any) -> Any:
    """A model's value as :mod:`.layout` gives it (:class:`Values`, :class:`Existing`,
    :class:`Variable`), so that an entry is the same object whichever check took it."""
    if isinstance(value, ExistingEntry):
        return Existing(value.existing, value.type)
    if isinstance(value, VariableEntry):
        return Variable(value.index, value.type, value.desc)
    if isinstance(value, BaseModel):
        return Values(
            **{name: as_values(getattr(value, name)) for name in type(value).model_fields}
        )
    if isinstance(value, list):
        return [as_values(item) for item in value]
    return value


def validate(source: Source, model: type[Entry], data: Any, prefix: Path_) -> Values | None:
    """``data`` checked by ``model`` as :class:`Values`, or None after reporting every problem
    on the catalog's lines."""
    try:
        return as_values(model.model_validate(data))
    except ValidationError as exc:
        for error in exc.errors():
            loc = tuple(error["loc"])
            if loc and loc[-1] == "[key]":
                source.error((*prefix, *loc[:-1]), "keys must be text")
                continue
            path = (*prefix, *loc)
            source.error(path, _schema_message(error, model, source.scalars.get(path)))
        return None
