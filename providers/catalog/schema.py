"""The catalog's JSON Schema (draft 2020-12), generated from the catalog's own models.

``python -m providers schema`` prints it; ``stacks/catalog.schema.json`` is its copy for
editors (a catalog's ``# yaml-language-server: $schema=...`` line points there). The structure
(sections, fields, types, what is required, no unknown fields) comes from the entry models of
:mod:`.entries`, and each field's fixed set of values and description from its descriptor
(:mod:`providers.spec`).

The schema checks what an editor can check by itself. ``validate`` checks everything,
the API's rules and references included: a catalog the schema accepts can still have problems.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, create_model

from providers.countries import COUNTRIES
from providers.spec import KINDS
from providers.spec.vocabulary import MAX_VARIABLES

from .entries import ENTRIES, Defaults, VariableEntry, catalog_field, field_choices
from .layout import DOCUMENT_SETTINGS, KEY_PATTERN

__all__ = ["DIALECT", "catalog_schema", "description"]

DIALECT = "https://json-schema.org/draft/2020-12/schema"

_VARIABLE_DESCRIPTIONS: Mapping[str, str] = {
    "index": "Position of the variable in the content, from 1",
    "type": "variable_type",
    "desc": "variable_desc, at most 100 characters; required for TEXT",
}


def description(model: type[BaseModel], name: str) -> str:
    """What field ``name`` of an entry model means (from its descriptor)."""
    if model is VariableEntry:
        return _VARIABLE_DESCRIPTIONS[name]
    field = catalog_field(model, name)
    if field is None:
        raise KeyError(f"{model.__name__}.{name} has no descriptor")
    if model is Defaults:
        return f"The {name} of every entry that sets none ({field.description})"
    return field.description


def _section(model: type[BaseModel]) -> Any:
    """The type of a section: entries under their keys (or nothing)."""
    entries: Any = dict
    return entries[str, model] | None


def _document_model() -> type[BaseModel]:
    """The catalog document with each section's entries typed (the loader checks them one
    at a time, to report every entry's problems; the schema states them all at once)."""
    fields: Any = {
        "defaults": (Defaults | None, None),
        **DOCUMENT_SETTINGS,
        **{kind.section: (_section(ENTRIES[kind.name]), None) for kind in KINDS},
    }
    model: type[BaseModel] = create_model("Catalog", __config__=Defaults.model_config, **fields)
    return model


def _value_schema(prop: dict[str, Any]) -> dict[str, Any]:
    """The branch of an optional property that is not ``null`` (or the property itself)."""
    for branch in prop.get("anyOf", ()):
        if branch.get("type") != "null":
            return branch
    return prop


def _annotate(definition: dict[str, Any], model: type[BaseModel]) -> None:
    properties = definition["properties"]
    for name, prop in properties.items():
        prop.pop("title", None)
        prop["description"] = description(model, name)
        choices = field_choices(model, name)
        if choices is not None:
            _value_schema(prop)["enum"] = list(choices)
    definition.pop("title", None)
    if model.__doc__ and model is not Defaults:
        definition["description"] = model.__doc__.strip().splitlines()[0]


def _without_null_branches(node: Any) -> Any:
    """``anyOf: [X, null]`` → X with ``null`` among its types (and values).

    An editor, like any validator, reports a failed ``anyOf`` where it stands: a mistake deep
    in an entry would be shown on its whole section. References keep their ``anyOf``.
    """
    if isinstance(node, list):
        return [_without_null_branches(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: _without_null_branches(value) for key, value in node.items()}
    branches = node.get("anyOf")
    if isinstance(branches, list) and len(branches) == 2 and {"type": "null"} in branches:
        (other,) = [b for b in branches if b != {"type": "null"}]
        if isinstance(other.get("type"), str):
            del node["anyOf"]
            node = {**other, **node, "type": [other["type"], "null"]}
            if "enum" in node:
                node["enum"] = [*node["enum"], None]
    return node


def catalog_schema() -> dict[str, Any]:
    """The JSON Schema of a catalog file (``stacks/<stack>.sms.yaml``)."""
    schema = _document_model().model_json_schema()
    definitions: dict[str, Any] = schema["$defs"]
    models: list[type[BaseModel]] = [*ENTRIES.values(), Defaults, VariableEntry]
    for model in models:
        _annotate(definitions[model.__name__], model)
    templates = definitions[ENTRIES["template"].__name__]["properties"]
    countries = _value_schema(templates["send_countries"])
    countries.update(minItems=1, maxItems=3, uniqueItems=True)
    countries["items"]["enum"] = [country_id for country_id, _, _ in COUNTRIES]
    templates["variables"].update(maxItems=MAX_VARIABLES)
    index = definitions[VariableEntry.__name__]["properties"]["index"]
    index.update(minimum=1, maximum=MAX_VARIABLES)
    for kind in KINDS:
        prop = schema["properties"][kind.section]
        prop.pop("title", None)
        prop["description"] = f"The {kind.name}s, each under a key that names its Pulumi resource"
        _value_schema(prop)["propertyNames"] = {"pattern": KEY_PATTERN}
    schema["properties"]["allow_empty"].pop("title", None)
    schema["properties"]["allow_empty"]["description"] = (
        "true: the catalog may declare nothing (an empty catalog deletes every object of its "
        "stack, so it is refused without this)"
    )
    schema["properties"]["defaults"].pop("title", None)
    schema["properties"]["defaults"]["description"] = Defaults.__doc__
    document = {
        "$schema": DIALECT,
        "title": "MSGSMS catalog",
        "description": "A stack's SMS estate: apps, signature files, signatures and "
        "templates (python -m providers validate checks the rest).",
        "type": "object",
        "properties": schema["properties"],
        # x- keys hold YAML anchors for reuse; they declare nothing
        "patternProperties": {"^x-": {}},
        "additionalProperties": False,
        "$defs": definitions,
    }
    schema_document: dict[str, Any] = _without_null_branches(document)
    return schema_document
