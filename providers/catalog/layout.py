"""What a catalog may hold, from the kinds' field descriptors, and its type check without
pydantic.

Every program run loads the catalog before it declares anything, and importing pydantic and
building the entry models (:mod:`.entries`) costs a run about 0.15 s, as much as a no-op
``up`` of a hundred templates spends in Pulumi. So the loader checks types here first:
:func:`document` and :data:`ENTRY_CHECKS` accept what the entry models accept, with the same values
(an int written for a number becomes a float, as pydantic makes it), and return None at the
first doubt. Only then are the pydantic models imported, to decide and to say what is wrong
(:func:`.messages.validate`): a catalog with a problem is reported in their words, and a
value this check is unsure of is never let through on its say-so. A test holds both to the
same verdicts and values over a corpus of mistakes (``tests/program/test_catalog_layout.py``).

Entries come back as :class:`Values` (attributes named like the catalog's fields), a
reference to an object the stack does not manage as :class:`Existing`, a template's variables
as :class:`Variable` s.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any, NamedTuple

from providers.spec import KINDS, Field, Kind

__all__ = [
    "DEFAULTABLE",
    "DOCUMENT_SETTINGS",
    "ENTRY_CHECKS",
    "KEY_PATTERN",
    "NOT_EXPOSED",
    "REQUIRED",
    "VARIABLE_FIELDS",
    "Existing",
    "Values",
    "Variable",
    "document",
    "entry_check",
    "field_shape",
    "no_defaults",
]

#: What a catalog key must look like: it names the Pulumi resource.
KEY_PATTERN = r"^[A-Za-z][A-Za-z0-9_-]{0,63}$"

#: API request fields the catalog deliberately has no spelling for, and why.
NOT_EXPOSED: Mapping[str, str] = {
    "show_secret": "the provider always asks for the app secret, to make it a secret output",
    "create_sign_and_template": "it creates a test signature and template that no catalog "
    "entry would own",
    "flow_status": "the provider always submits a template for review (Reviewing); drafts "
    "and disabling are console workflows",
    "signature_related_file_id": "2025 documentation only; not in the API definition or SDK",
    "registration_number": "2025 documentation only; not in the API definition or SDK",
    "license_number": "2025 documentation only; not in the API definition or SDK",
}

#: The catalog field of each ``variable_attributes`` item field.
VARIABLE_FIELDS = {"variable_index": "index", "variable_type": "type", "variable_desc": "desc"}

#: Top-level settings of a catalog besides ``defaults`` and the sections:
#: name -> (Python type, default).
DOCUMENT_SETTINGS: Mapping[str, tuple[Any, Any]] = {
    # an empty catalog deletes every object of its stack: it has to say it means it
    "allow_empty": (bool, False),
}

#: The fields ``defaults`` may set, by catalog spelling (the first kind's descriptor of each).
DEFAULTABLE: dict[str, Field] = {}
for _kind in KINDS:
    for _field in _kind.catalog_fields:
        if _field.defaultable and _field.catalog is not None:
            DEFAULTABLE.setdefault(_field.catalog, _field)


class Values(SimpleNamespace):
    """A checked entry (or ``defaults``, or the document): one attribute per field."""


class Existing(NamedTuple):
    """``{existing: name}``: an object the stack uses but does not manage, looked up by name
    (a signature's ``type`` when its name exists with several)."""

    existing: str
    type: str | None = None

    def __repr__(self) -> str:
        """As the catalog writes it, for messages: ``{existing: 'shop'}``."""
        kind = "" if self.type is None else f", type: {self.type!r}"
        return f"{{existing: {self.existing!r}{kind}}}"


@dataclass(frozen=True, slots=True)
class Variable:
    """One variable of a template's content."""

    index: int
    type: str
    desc: str | None = None


class _Doubt(Exception):
    """The value is not one this check is sure the models accept as it is."""


#: The default of a field an entry must write.
REQUIRED: Any = object()


def field_shape(field: Field) -> tuple[str, Any]:
    """What a catalog field holds, and its default (:data:`REQUIRED`: the entry writes it).

    The shape is a value kind (``str``, ``int``, ``number``, ``bool``, ``int_set``,
    ``str_list``), ``bool`` for a field written as true/false, ``variables``, or ``reference``
    (a key or ``{existing: name}``). The entry models (:mod:`.entries`) and the checks below
    are both made from it.
    """
    if field.catalog_form in ("yes_no", "flag"):
        return "bool", False
    if field.catalog_form == "variables":
        return "variables", []
    shape = "reference" if field.catalog_form == "reference" else field.kind
    return shape, REQUIRED if field.catalog_required else None


# pydantic checks integers in 64 bits; anything outside is left to it
_INT_MIN, _INT_MAX = -(2**63), 2**63 - 1
_ABSENT = object()


def _text(value: Any) -> str:
    if type(value) is not str:
        raise _Doubt
    return value


def _int(value: Any) -> int:
    if type(value) is not int or not _INT_MIN <= value <= _INT_MAX:
        raise _Doubt
    return value


def _number(value: Any) -> float:
    if type(value) is float:
        return value
    return float(_int(value))


def _bool(value: Any) -> bool:
    if type(value) is not bool:
        raise _Doubt
    return value


def _list(item: Callable[[Any], Any]) -> Callable[[Any], list[Any]]:
    def check(value: Any) -> list[Any]:
        if type(value) is not list:
            raise _Doubt
        return [item(v) for v in value]

    return check


def _fields(value: Any, checks: Mapping[str, tuple[Callable[[Any], Any], Any]]) -> dict[str, Any]:
    """A mapping's fields, each checked, absent ones at their default (a doubt if
    :data:`REQUIRED`); any other key is a doubt."""
    if type(value) is not dict or not value.keys() <= checks.keys():
        raise _Doubt
    checked: dict[str, Any] = {}
    for name, (check, default) in checks.items():
        given = value.get(name, _ABSENT)
        if given is _ABSENT:
            if default is REQUIRED:
                raise _Doubt
            checked[name] = default.copy() if type(default) is list else default
        elif given is None and default is None:
            checked[name] = None  # optional, written as null
        else:
            checked[name] = check(given)
    return checked


def _variable(value: Any) -> Variable:
    return Variable(**_fields(value, _VARIABLE))


def _reference(value: Any) -> str | Existing:
    if type(value) is str:
        return value
    return Existing(**_fields(value, _EXISTING))


_VARIABLE = {"index": (_int, REQUIRED), "type": (_text, REQUIRED), "desc": (_text, None)}
_EXISTING = {"existing": (_text, REQUIRED), "type": (_text, None)}

#: The check of a catalog value, per value kind (``_VALUE_TYPES`` of :mod:`.entries`).
_VALUES: Mapping[str, Callable[[Any], Any]] = {
    "str": _text,
    "int": _int,
    "number": _number,
    "bool": _bool,
    "int_set": _list(_int),
    "str_list": _list(_text),
}


#: The check of each shape of :func:`field_shape`.
_SHAPES: Mapping[str, Callable[[Any], Any]] = {
    **_VALUES,
    "variables": _list(_variable),
    "reference": _reference,
}


def _check(field: Field) -> tuple[Callable[[Any], Any], Any]:
    shape, default = field_shape(field)
    return _SHAPES[shape], default


def entry_check(kind: Kind) -> Callable[[Any], Values | None]:
    """The check of ``kind``'s entries (each field the catalog writes, by its
    :func:`field_shape`): an entry's :class:`Values`, or None if in doubt."""
    checks = {f.catalog: _check(f) for f in kind.catalog_fields if f.catalog is not None}

    def check(data: Any) -> Values | None:
        try:
            return Values(**_fields(data, checks))
        except _Doubt:
            return None

    return check


#: The check of each kind's entries, by kind name.
ENTRY_CHECKS: Mapping[str, Callable[[Any], Values | None]] = {
    kind.name: entry_check(kind) for kind in KINDS
}
_DEFAULTS = {name: (_VALUES[f.kind], None) for name, f in DEFAULTABLE.items()}
_NO_DEFAULTS = Values(**dict.fromkeys(DEFAULTABLE))


def _section(value: Any) -> dict[str, dict[str, Any]]:
    if type(value) is not dict:
        raise _Doubt
    for key, raw in value.items():
        if type(key) is not str or type(raw) is not dict or not all(type(k) is str for k in raw):
            raise _Doubt
    return dict(value)


_DOCUMENT = {
    "defaults": (lambda value: Values(**_fields(value, _DEFAULTS)), None),
    # (a setting of another type is left to the models)
    **{
        name: (_bool, default)
        for name, (kind, default) in DOCUMENT_SETTINGS.items()
        if kind is bool
    },
    **{kind.section: (_section, None) for kind in KINDS},
}


def document(data: Any) -> Values | None:
    """The document, its sections' entries as written (each kind's check takes them), or
    None if in doubt."""
    try:
        return Values(**_fields(data, _DOCUMENT))
    except _Doubt:
        return None


def no_defaults() -> Values:
    """``defaults`` of a catalog that sets none."""
    return _NO_DEFAULTS
