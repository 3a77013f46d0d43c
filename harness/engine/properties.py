"""The engine's rules for property values, applied to wire-form values.

Wire form: JSON-like values where a secret is ``{SIG_KEY: SECRET_SIG, "value": ...}`` and an
unknown is the string ``UNKNOWN`` (see ``harness.wire``).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable, Mapping
from typing import Any

from harness.wire import UNKNOWN, contains_unknowns, is_secret, secret, strip_secrets, unwrap_secret

__all__ = [
    "UNKNOWN",
    "IgnoreChangesError",
    "PropertyPath",
    "annotate_secrets",
    "apply_ignore_changes",
    "changed_keys",
    "contains_secrets",
    "contains_unknowns",
    "is_secret",
    "mark_secret_outputs",
    "plain",
    "replace_on_changes_keys",
    "secret",
    "unwrap_secret",
]

Props = dict[str, Any]


def contains_secrets(value: Any) -> bool:
    if is_secret(value):
        return True
    if isinstance(value, dict):
        return any(contains_secrets(v) for v in value.values())
    if isinstance(value, list):
        return any(contains_secrets(v) for v in value)
    return False


def plain(value: Any) -> Any:
    """The value without secret markers (for assertions and display)."""
    return strip_secrets(value)


def annotate_secrets(outs: Mapping[str, Any], ins: Mapping[str, Any]) -> Props:
    """Re-mark outputs secret after a call to a provider that does not accept secrets.

    For every key present in both: two objects are compared key by key; otherwise the output
    becomes secret when the input contains a secret anywhere (``annotateSecrets`` in the
    engine's provider plugin). For top-level values this is the documented rule: an output is
    secret again when the top-level input of the same key was secret.
    """
    result = dict(outs)
    for key, in_value in ins.items():
        if key not in result:
            continue
        out_value = result[key]
        if isinstance(out_value, dict) and not is_secret(out_value) and _is_object(in_value):
            result[key] = annotate_secrets(out_value, in_value)
        elif not is_secret(out_value) and contains_secrets(in_value):
            result[key] = secret(out_value)
    return result


def _is_object(value: Any) -> bool:
    return isinstance(value, dict) and not is_secret(value)


def mark_secret_outputs(outs: Mapping[str, Any], keys: Iterable[str]) -> tuple[Props, list[str]]:
    """Apply ``additional_secret_outputs``; returns the outputs and the keys that were missing."""
    result, missing = dict(outs), []
    for key in keys:
        if key == "id":
            continue
        if key in result:
            result[key] = secret(result[key])
        else:
            missing.append(key)
    return result, missing


def changed_keys(olds: Mapping[str, Any], news: Mapping[str, Any]) -> list[str]:
    """Top-level keys whose values differ (the engine's own diff for DIFF_UNKNOWN)."""
    return sorted(k for k in set(olds) | set(news) if olds.get(k) != news.get(k))


def replace_on_changes_keys(changed: Iterable[str], paths: Iterable[str]) -> list[str]:
    """Changed top-level keys covered by ``replace_on_changes`` paths (``*`` covers all)."""
    patterns = [PropertyPath.parse(p) for p in paths]
    return [k for k in changed if any(p.contains((k,)) for p in patterns)]


# --- property paths (ignore_changes, replace_on_changes) ---------------------------------------

_TOKEN = re.compile(r"""\[(?:(\d+)|"((?:[^"\\]|\\.)*)"|(\*))\]|([^.\[\]]+)|\.""")


def _has(container: Any, element: str | int) -> bool:
    if isinstance(element, int):
        return isinstance(container, list) and element < len(container)
    return isinstance(container, dict) and element in container


class IgnoreChangesError(ValueError):
    pass


class PropertyPath:
    """A property path such as ``a.b[0]["c.d"]`` (``*`` matches any key or index)."""

    def __init__(self, text: str, elements: tuple[str | int, ...]) -> None:
        self.text = text
        self.elements = elements

    @classmethod
    def parse(cls, text: str) -> PropertyPath:
        elements: list[str | int] = []
        pos = 0
        while pos < len(text):
            match = _TOKEN.match(text, pos)
            if match is None or match.end() == pos:
                raise ValueError(f"invalid property path {text!r} at position {pos}")
            index, quoted, star, name = match.groups()
            if index is not None:
                elements.append(int(index))
            elif quoted is not None:
                elements.append(quoted.replace('\\"', '"'))
            elif star is not None or name == "*":
                elements.append("*")
            elif name is not None:
                elements.append(name)
            pos = match.end()
        if not elements:
            raise ValueError(f"empty property path {text!r}")
        return cls(text, tuple(elements))

    def contains(self, other: tuple[str | int, ...]) -> bool:
        """Whether ``other`` is this path or below it."""
        if len(other) < len(self.elements):
            return False
        return all(p == "*" or p == o for p, o in zip(self.elements, other, strict=False))

    def get(self, root: Any) -> tuple[bool, Any]:
        value = root
        for element in self.elements:
            value = unwrap_secret(value)
            if not _has(value, element):
                return False, None
            value = value[element]
        return True, value

    def _container(self, root: Any, create: bool) -> Any:
        value = root
        for element in self.elements[:-1]:
            value = unwrap_secret(value)
            if isinstance(element, int) and isinstance(value, list) and element < len(value):
                value = value[element]
            elif isinstance(element, str) and isinstance(value, dict):
                if element not in value:
                    if not create:
                        return None
                    value[element] = {}
                value = value[element]
            else:
                return None
        return unwrap_secret(value)

    def reset(self, olds: Props, news: Props) -> bool:
        """Set the value at this path in ``news`` to its value in ``olds`` (delete if absent)."""
        if "*" in self.elements:
            return False
        old_found, old_value = self.get(olds)
        new_found, _ = self.get(news)
        if not old_found and not new_found:
            return True
        container = self._container(news, create=old_found)
        last = self.elements[-1]
        if container is None:
            return False
        if not old_found:
            if isinstance(container, dict):
                container.pop(last, None)
            elif isinstance(last, int) and last < len(container):
                container[last] = None
            return True
        if isinstance(container, dict) and isinstance(last, str):
            container[last] = copy.deepcopy(old_value)
            return True
        if isinstance(container, list) and isinstance(last, int) and last < len(container):
            container[last] = copy.deepcopy(old_value)
            return True
        return False


def apply_ignore_changes(
    news: Mapping[str, Any], olds: Mapping[str, Any], paths: Iterable[str]
) -> Props:
    """The engine's ``processIgnoreChanges``: copy old input values over the ignored paths
    (the news themselves when no path is ignored)."""
    paths = list(paths)
    if not paths:
        return dict(news)
    result = copy.deepcopy(dict(news))
    invalid = []
    for text in paths:
        try:
            path = PropertyPath.parse(text)
        except ValueError:
            continue
        if not path.reset(dict(olds), result):
            invalid.append(text)
    if invalid:
        raise IgnoreChangesError(
            "cannot ignore changes to the following properties because one or more elements "
            f"of the path are missing: {', '.join(repr(p) for p in invalid)}"
        )
    return result
