"""The field rules: each field's descriptor (:class:`providers.spec.Field`) says what its value
must be (required, length, choices, pattern); one function applies them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from providers.spec import Field

from .values import Problem, as_int, is_present, is_unknown

__all__ = ["check_field", "check_fields", "scoped"]


def _length_text(low: int, high: int) -> str:
    return f"{high} characters at most" if low <= 1 else f"{low}–{high} characters"


def check_field(field: Field, value: Any) -> str | None:
    """The message for a value that breaks its field's rule, or None."""
    if field.kind in ("str", "yes_no"):
        if not isinstance(value, str):
            return f"must be a string, got {value!r}"
        if field.min_len and not value.strip():
            return "must not be blank"
        if field.max_len is not None and not field.min_len <= len(value) <= field.max_len:
            return f"must be {_length_text(field.min_len, field.max_len)} (got {len(value)})"
        if field.choices is not None and value not in field.choices:
            return f"must be one of {', '.join(field.choices)} (got {value!r})"
        if field.pattern is not None and not field.pattern.match(value):
            return field.pattern_hint
        return None
    if field.kind == "bool":
        return None if isinstance(value, bool) else f"must be true or false, got {value!r}"
    if field.kind == "number":
        if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
            return f"must be a positive number of seconds, got {value!r}"
        return None
    if field.kind == "str_list":
        if not isinstance(value, list | tuple) or not all(
            isinstance(item, str) and item.strip() for item in value
        ):
            return f"must be a list of names, got {value!r}"
        return None
    if field.kind == "int":
        number = as_int(value)
        if number is None:
            return f"must be an integer, got {value!r}"
        if field.choices is not None and number not in field.choices:
            return f"must be one of {', '.join(map(str, field.choices))} (got {number})"
    # lists (send countries, variables) have rules of their own
    return None


def check_fields(inputs: Mapping[str, Any], fields: Iterable[Field]) -> list[Problem]:
    problems = []
    for field in fields:
        if not is_present(inputs, field.name):
            if field.required:
                problems.append(Problem(field.name, "is required"))
            continue
        if is_unknown(inputs[field.name]):
            continue
        message = check_field(field, inputs[field.name])
        if message:
            problems.append(Problem(field.name, message))
    return problems


def scoped(inputs: Mapping[str, Any], props: Iterable[str], scope: str) -> list[Problem]:
    """Problems for inputs that the API accepts only for the other scope."""
    other = "intl (international)" if scope == "cn" else "cn (domestic)"
    return [
        Problem(prop, f"is only for scope {other}; remove it (the scope here is {scope})")
        for prop in props
        if is_present(inputs, prop)
    ]
