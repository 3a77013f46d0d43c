"""The catalog's JSON Schema (draft 2020-12), generated from the catalog's own models.

``python -m providers schema`` prints it; ``stacks/catalog.schema.json`` is its copy for
editors (a catalog's ``# yaml-language-server: $schema=...`` line points there). The structure
(sections, fields, types, what is required, no unknown fields) comes from the pydantic models
of :mod:`providers.catalog`; the fixed sets of values come from :mod:`providers.rules` through
:func:`providers.catalog.field_choices`, and the descriptions are written here.

The schema checks what an editor can check by itself. ``validate`` checks everything,
the API's rules and references included: a catalog the schema accepts can still have problems.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, create_model

from providers.catalog import (
    KEY_PATTERN,
    KINDS,
    AppEntry,
    Defaults,
    FileEntry,
    SignatureEntry,
    TemplateEntry,
    VariableEntry,
    field_choices,
)
from providers.countries import COUNTRIES
from providers.rules import MAX_VARIABLES, SIGNATURE_SOURCES

__all__ = ["DIALECT", "catalog_schema"]

DIALECT = "https://json-schema.org/draft/2020-12/schema"

_REGION = "Endpoint region; default: defaults.region, else the stack's msgsms:region"
_WAIT_FOR = "none: leave the review to run; approved: wait for it (up to wait_timeout)"
_WAIT_TIMEOUT = "Seconds to wait for the review with wait_for: approved (default 600)"
_ADOPT = "Take over an existing object with the same natural key instead of creating one"

#: What each field means, per model (the README's catalog table, in short).
DESCRIPTIONS: Mapping[type[BaseModel], Mapping[str, str]] = {
    Defaults: {
        "region": "Region of every entry that names none",
        "wait_for": "Default wait_for of signatures and templates",
        "wait_timeout": "Default wait_timeout of signatures and templates, in seconds",
        "adopt": "Default adopt of apps, signatures and templates",
    },
    AppEntry: {
        "name": "app_name: 1-64 Chinese characters, letters, digits and _ . - @",
        "scope": "cn (domestic messages) or intl (international)",
        "uplink_url": "up_link_addr: http(s) URL receiving uplink messages, at most 128; cn only",
        "enterprise_project_id": "Enterprise project id",
        "enterprise_project_name": "Enterprise project name",
        "region": _REGION,
        "adopt": _ADOPT + " (name and scope)",
    },
    FileEntry: {
        "path": "Image (jpg, jpeg, png, gif; pdf for a power of attorney) of at most 2 MB, "
        "relative to this catalog",
        "description": "file_desc: 1-64 characters",
        "region": "Upload region; default: the region of the signatures that use it",
    },
    SignatureEntry: {
        "app": "Key of the app in apps",
        "name": "signature_name: 2-32 Chinese characters, letters, digits; not all digits; no 【】",
        "type": "signature_type; a name may repeat once per type",
        "source": "signature_source: "
        + ", ".join(f"{k} {v}" for k, v in SIGNATURE_SOURCES.items()),
        "third_party": "is_involved_third; true needs power_of_attorney_file",
        "licence_file": "Key of the file in files holding the licence (an image)",
        "power_of_attorney_file": "Key of the file in files holding the power of attorney",
        "apply_desc": "Application description, at most 100 characters",
        "qualification_id": "Qualification id: letters, digits, _ and -, at most 64",
        "source_title_content": "Source title content, at most 512 characters",
        "region": _REGION + "; default: its app's",
        "wait_for": _WAIT_FOR,
        "wait_timeout": _WAIT_TIMEOUT,
        "adopt": _ADOPT + " (name and type)",
    },
    VariableEntry: {
        "index": "Position of the variable in the content, from 1",
        "type": "variable_type",
        "desc": "variable_desc, at most 100 characters; required for TEXT",
    },
    TemplateEntry: {
        "app": "Key of the app in apps",
        "name": "template_name: 1-128 characters, unique per app",
        "content": "template_content with ${1}... variables; at most 500 characters with the "
        "signature",
        "signature": "Key of the signature in signatures (domestic, not universal)",
        "type": "template_type; default: the signature's; required when universal",
        "variables": "One entry per ${...} variable of the content",
        "scope": "Default: the app's scope, which it must equal",
        "universal": "universal_template: usable by every signature of its type; domestic only",
        "brackets": "CN for 【】 (the default) or GB for []; domestic only",
        "send_countries": "send_country: 1-3 country ids (calling codes); international only",
        "description": "template_desc, at most 500 characters",
        "region": _REGION + "; default: its app's",
        "wait_for": _WAIT_FOR,
        "wait_timeout": _WAIT_TIMEOUT,
        "adopt": _ADOPT + " (app and name)",
    },
}

_ENTRIES: Mapping[str, type[BaseModel]] = {
    "apps": AppEntry,
    "files": FileEntry,
    "signatures": SignatureEntry,
    "templates": TemplateEntry,
}


def _document_model() -> type[BaseModel]:
    """The catalog document with each section's entries typed (the loader checks them one
    at a time, to report every entry's problems; the schema states them all at once)."""
    sections: dict[str, Any] = {
        section: (dict[str, model] | None, None)  # type: ignore[valid-type]
        for section, model in _ENTRIES.items()
    }
    return create_model(
        "Catalog", __config__=Defaults.model_config, defaults=(Defaults | None, None), **sections
    )


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
        prop["description"] = DESCRIPTIONS[model][name]
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
    for model in DESCRIPTIONS:
        _annotate(definitions[model.__name__], model)
    templates = definitions[TemplateEntry.__name__]["properties"]
    countries = _value_schema(templates["send_countries"])
    countries.update(minItems=1, maxItems=3, uniqueItems=True)
    countries["items"]["enum"] = [country_id for country_id, _, _ in COUNTRIES]
    templates["variables"].update(maxItems=MAX_VARIABLES)
    index = definitions[VariableEntry.__name__]["properties"]["index"]
    index.update(minimum=1, maximum=MAX_VARIABLES)
    for section, kind in KINDS.items():
        prop = schema["properties"][section]
        prop.pop("title", None)
        prop["description"] = f"The {kind}s, each under a key that names its Pulumi resource"
        _value_schema(prop)["propertyNames"] = {"pattern": KEY_PATTERN}
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
