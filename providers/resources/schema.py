"""How the values of a resource's fields (:class:`providers.spec.Field`) are normalised and
compared.

Values reach a provider in the engine's shape: numbers as floats, ``None`` dropped, unknowns
(``pulumi.output.Unknown``) in previews. The server has its own shape: defaults it fills in,
``""`` where nothing was set, ``yes`` for ``Yes``. Normalising both sides the same way is
what keeps a second ``pulumi up`` free of changes (and of API calls).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from providers.rules import is_unknown
from providers.spec import Field, ValueKind

__all__ = [
    "Field",
    "ValueKind",
    "contains_unknown",
    "normalise",
    "normalise_value",
    "same_value",
]


def _integer(value: Any) -> Any:
    # the engine turns every number into a float: 1 -> 1.0
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _variable(item: Any) -> Any:
    if not isinstance(item, Mapping):
        return item
    result = {k: _integer(v) for k, v in item.items() if v is not None and v != ""}
    return result


def _index_of(item: Any) -> tuple[int, Any]:
    index = item.get("variable_index") if isinstance(item, Mapping) else None
    return (0, index) if isinstance(index, int) else (1, repr(item))


def normalise_value(kind: ValueKind, value: Any) -> Any:
    """``value`` in the provider's canonical form; ``None`` means absent. Unknowns (at any
    depth) are left alone: they only travel to ``check`` and ``diff``."""
    if value is None or is_unknown(value):
        return value
    if kind in ("str", "yes_no"):
        if value == "":
            return None
        if kind == "yes_no" and isinstance(value, str) and value.lower() in ("yes", "no"):
            return value.capitalize()
        return value
    if kind in ("int", "number"):
        return _integer(value)
    if kind == "int_set":
        if not isinstance(value, list | tuple):
            return value
        items = [_integer(v) for v in value]
        # the order of send countries means nothing to the API; leave odd values for check
        return sorted(items) if all(type(v) is int for v in items) else items
    if kind == "variables":
        if not isinstance(value, list | tuple):
            return value
        items = [_variable(v) for v in value]
        if any(is_unknown(v) for v in items) or not items:
            return items or None
        return sorted(items, key=_index_of)
    return value


def normalise(fields: Iterable[Field], values: Mapping[str, Any]) -> dict[str, Any]:
    """The known fields of ``values`` normalised, absent ones left out; other keys (e.g.
    ``__provider``, outputs) are dropped."""
    result = {}
    for field in fields:
        value = normalise_value(field.kind, values.get(field.name))
        if value is not None:
            result[field.name] = value
    return result


def contains_unknown(value: Any) -> bool:
    """Whether ``value`` is or holds an unknown (a preview's value of another resource)."""
    if is_unknown(value):
        return True
    if isinstance(value, Mapping):
        return any(contains_unknown(v) for v in value.values())
    if isinstance(value, list | tuple):
        return any(contains_unknown(v) for v in value)
    return False


def same_value(field: Field, old: Any, new: Any) -> bool:
    """Whether an old (stored) and a new (declared) value mean the same to the API."""
    if contains_unknown(new):
        return False
    if new is None and field.inherited:
        return True
    old = normalise_value(field.kind, old)
    new = normalise_value(field.kind, new)
    old = field.default if old is None else old
    new = field.default if new is None else new
    return bool(old == new)
