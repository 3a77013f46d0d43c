"""The catalog's entry models (pydantic), made from the kinds' field descriptors: one model per
kind with each field the catalog writes (:attr:`providers.spec.Field.catalog`), ``Defaults``
with every field an entry may take from ``defaults``, and the document around them.

The models check types only; the API's rules are :mod:`providers.rules`'. They are strict: a
YAML ``name: 2024`` is a number, and silently sending ``"2024"`` would hide the mistake. They
decide, and word the problems, when :mod:`.layout`'s plain check of the same types is in doubt,
and they make the catalog's JSON Schema (:mod:`.schema`); importing this module imports
pydantic.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, create_model

from providers.spec import KINDS, Field, Kind
from providers.spec.vocabulary import VARIABLE_TYPES

from .layout import DEFAULTABLE, DOCUMENT_SETTINGS, REQUIRED, field_shape

__all__ = [
    "ENTRIES",
    "Defaults",
    "Document",
    "Entry",
    "ExistingEntry",
    "VariableEntry",
    "entry_model",
    "field_choices",
]


class Entry(BaseModel):
    """Base of the entry models."""

    model_config = ConfigDict(extra="forbid", strict=True)


class ExistingEntry(Entry):
    """An app, signature or file the stack uses but does not manage, named instead of a key:
    looked up (read-only) at ``up``."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    existing: str
    #: a signature's type, when its name exists with several
    type: str | None = None


class VariableEntry(Entry):
    """One variable of a template's content."""

    index: int
    type: str
    desc: str | None = None


_VARIABLE_CHOICES: Mapping[str, tuple[Any, ...]] = {"type": VARIABLE_TYPES}

#: The Python type of a catalog value, per value kind (written as the value itself).
_VALUE_TYPES: Mapping[str, Any] = {
    "str": str,
    "int": int,
    "number": float,
    "bool": bool,
    "int_set": list[int],
    "str_list": list[str],
}


def _definition(field: Field) -> tuple[Any, Any]:
    """The pydantic field (annotation, default) of a catalog field, by its shape."""
    shape, default = field_shape(field)
    annotation = {
        "variables": list[VariableEntry],
        "reference": str | ExistingEntry,
    }.get(shape) or _VALUE_TYPES[shape]
    if default is REQUIRED:
        return annotation, ...
    if default is None:
        return annotation | None, None
    return annotation, default


def _model(name: str, doc: str, definitions: Mapping[str, Any]) -> type[Entry]:
    fields: Any = dict(definitions)  # pydantic's field definitions are typed loosely
    model: type[Entry] = create_model(name, __base__=Entry, __doc__=doc, **fields)
    return model


def entry_model(kind: Kind) -> type[Entry]:
    """The model of a kind's catalog entries: each field the catalog writes."""
    return _model(
        f"{kind.title}Entry",
        kind.description,
        {f.catalog: _definition(f) for f in kind.catalog_fields if f.catalog is not None},
    )


#: The entry model of each kind, by kind name.
ENTRIES: Mapping[str, type[Entry]] = {kind.name: entry_model(kind) for kind in KINDS}

Defaults = _model(
    "Defaults",
    "Values every entry takes unless it sets its own",
    {name: (_VALUE_TYPES[f.kind] | None, None) for name, f in DEFAULTABLE.items()},
)

#: The document: ``defaults`` and one section per kind (entries are checked one at a time,
#: by their kind's model, so that every entry's problems are reported).
Document = _model(
    "Document",
    "A catalog",
    {
        "defaults": (Defaults | None, None),
        **DOCUMENT_SETTINGS,
        **{kind.section: (dict[str, dict[str, Any]] | None, None) for kind in KINDS},
    },
)

_FIELDS_OF: Mapping[type[BaseModel], Mapping[str, Field]] = {
    **{
        ENTRIES[kind.name]: {f.catalog: f for f in kind.catalog_fields if f.catalog is not None}
        for kind in KINDS
    },
    Defaults: DEFAULTABLE,
}


def catalog_field(model: type[BaseModel], name: str) -> Field | None:
    """The descriptor behind field ``name`` of an entry model (or of ``Defaults``)."""
    return _FIELDS_OF.get(model, {}).get(name)


def field_choices(model: type[BaseModel], name: str) -> tuple[Any, ...] | None:
    """The values catalog field ``name`` of ``model`` takes, when they are a fixed set."""
    if model is VariableEntry:
        return _VARIABLE_CHOICES.get(name)
    field = catalog_field(model, name)
    if field is None or field.catalog_form != "value":
        return None
    return field.choices
