"""What requests the API Explorer definitions accept, and what the emulator's documents say.

The definitions (Swagger 2, trimmed by :mod:`tests.emulator.definitions.extract`) and each
port's ``/openapi.json`` (OpenAPI 3.1) say the same things in different words. Both are reduced
here to :class:`Fact` rows: one per operation, field and constraint, such as ``CreateApp
body.app_name maxLength 64``. Spelling that means the same is made the same first:

* a pattern that only lists literal words (``(Pending|Reviewing|Disable)``, ``(Yes)|(No)``) is
  the enum of those words, and a ``const`` an enum of one;
* ``@NotBlank`` (a definition's annotation) and the pattern ``\\S`` (the emulator's way to say
  it) are ``notBlank``;
* an optional field that may be ``null`` is the field; ``minLength``/``minItems`` 0 and the
  int32 bounds (``maximum`` 2147483647, ``minimum`` -2147483648) are no constraint at all;
* media types are compared without parameters (``application/json;charset=UTF-8`` is JSON).

Header parameters are not compared here: the definitions declare authentication as headers
(``X-Auth-Token``, ``Authorization``, ``X-Sdk-Date``, ``Host``) and the emulator as security
schemes, which ``test_openapi`` checks; ``Content-Type`` is compared as the body's media type,
and as a required header where an operation has no body.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = [
    "DEFINITIONS",
    "Difference",
    "Fact",
    "definition_facts",
    "differences",
    "emulator_facts",
    "load_definitions",
]

DEFINITIONS = Path(__file__).resolve().parent
_CONSTRAINTS = (
    "type",
    "required",
    "notBlank",
    "minLength",
    "maxLength",
    "pattern",
    "enum",
    "minimum",
    "maximum",
    "minItems",
    "maxItems",
)
_WORDS = re.compile(r"^\^?\(?([A-Za-z0-9_]+(?:\)?\|\(?[A-Za-z0-9_]+)*)\)?\$?$")
_INT32 = {"maximum": 2**31 - 1, "minimum": -(2**31)}
_AUTH_HEADERS = {"x-auth-token", "authorization", "x-sdk-date", "host"}


@dataclass(frozen=True, order=True)
class Fact:
    """One constraint of one field of one operation (``value`` None: the field is absent)."""

    operation: str
    field: str
    constraint: str
    value: str


@dataclass(frozen=True, order=True)
class Difference:
    operation: str
    field: str
    constraint: str
    definition: str  # "-" where the definition does not say
    emulator: str


def load_definitions() -> dict[str, dict[str, Any]]:
    """The trimmed definitions by operation id, and ``index.json`` under ``"index"``."""
    index = json.loads((DEFINITIONS / "index.json").read_text())
    loaded = {"index": index}
    for name in index["files"]:
        operation = json.loads((DEFINITIONS / name).read_text())
        loaded[operation["operation"]] = operation
    return loaded


def _value(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def _normal(schema: Mapping[str, Any], resolve: Any) -> dict[str, Any]:
    """One field's schema in the common spelling (references resolved, nulls dropped)."""
    if "$ref" in schema:
        schema = resolve(schema["$ref"])
    if "anyOf" in schema:
        options = [s for s in schema["anyOf"] if s.get("type") != "null"]
        if len(options) == 1:
            rest = {k: v for k, v in schema.items() if k != "anyOf"}
            schema = {**_normal(options[0], resolve), **rest}
    normal = {key: schema[key] for key in _CONSTRAINTS if key in schema and key != "required"}
    if "const" in schema:
        normal["enum"] = [schema["const"]]
    if schema.get("notBlank") or normal.get("pattern") == r"\S":
        normal["notBlank"] = True
        if normal.get("pattern") == r"\S":
            del normal["pattern"]
    words = _WORDS.match(normal.get("pattern", ""))
    if words:
        normal["enum"] = re.split(r"\)?\|\(?", words[1])
        del normal["pattern"]
    if "enum" in normal:
        normal["enum"] = sorted(normal["enum"])
    for key in ("minLength", "minItems"):
        if normal.get(key) == 0:
            del normal[key]
    for key, bound in _INT32.items():
        value = normal.get(key)
        if isinstance(value, float) and value.is_integer():
            normal[key] = value = int(value)
        if value == bound:
            del normal[key]
    for key in ("properties", "items"):
        if key in schema:
            normal[key] = schema[key]
    if "properties" in schema:
        normal["type"] = "object"
        normal["required_fields"] = schema.get("required", [])
    return normal


def _field_facts(
    operation: str, field: str, schema: Mapping[str, Any], required: bool, resolve: Any
) -> Iterator[Fact]:
    normal = _normal(schema, resolve)
    yield Fact(operation, field, "field", _value("declared"))
    yield Fact(operation, field, "required", _value(required))
    for constraint in _CONSTRAINTS:
        if constraint in normal:
            yield Fact(operation, field, constraint, _value(normal[constraint]))
    if "properties" in normal:
        for name, child in normal["properties"].items():
            child_required = name in normal["required_fields"]
            yield from _field_facts(operation, f"{field}.{name}", child, child_required, resolve)
    if "items" in normal:
        yield from _field_facts(operation, f"{field}[]", normal["items"], True, resolve)


def _media(types: list[str]) -> str:
    return _value(sorted({t.split(";", 1)[0].strip().lower() for t in types}))


def definition_facts(definition: Mapping[str, Any]) -> Iterator[Fact]:
    """The facts of one trimmed definition."""
    name = definition["operation"]

    def resolve(ref: str) -> Any:
        raise AssertionError(f"the trimmed definitions have no references: {ref}")

    yield Fact(name, "operation", "route", _value([definition["method"], definition["path"]]))
    form: dict[str, Any] = {"type": "object", "properties": {}, "required": []}
    for parameter in definition["parameters"]:
        where, field = parameter["in"], parameter["name"]
        if where == "header":
            if field.lower() == "content-type" and "consumes" not in definition:
                yield Fact(name, "header.Content-Type", "field", _value("declared"))
                yield Fact(name, "header.Content-Type", "required", _value(True))
            continue
        if where == "formData":
            schema = {k: v for k, v in parameter.items() if k not in ("in", "name", "required")}
            if schema.get("type") == "file":
                schema = {"type": "string", "format": "binary"}
            form["properties"][field] = schema
            if parameter.get("required"):
                form["required"].append(field)
            continue
        schema = {k: v for k, v in parameter.items() if k not in ("in", "name", "required")}
        required = bool(parameter.get("required"))
        yield from _field_facts(name, f"{where}.{field}", schema, required, resolve)
    if "consumes" in definition:
        yield Fact(name, "body", "media", _media(definition["consumes"]))
    if "body" in definition:
        body = definition["body"]
        yield from _field_facts(name, "body", body["schema"], body["required"], resolve)
    elif form["properties"]:
        # a form's fields are one body in OpenAPI 3; the definitions list them as parameters
        yield from _field_facts(name, "body", form, True, resolve)


def emulator_facts(
    name: str, method: str, path: str, operation: Mapping[str, Any], document: Mapping[str, Any]
) -> Iterator[Fact]:
    """The facts of one operation of a published OpenAPI document."""

    def resolve(ref: str) -> Any:
        target: Any = document
        for part in ref.removeprefix("#/").split("/"):
            target = target[part]
        return target

    yield Fact(name, "operation", "route", _value([method.upper(), path]))
    body = operation.get("requestBody")
    for parameter in operation.get("parameters", []):
        if parameter["in"] == "header" and parameter["name"].lower() in _AUTH_HEADERS:
            continue
        field = f"{parameter['in']}.{parameter['name']}"
        yield from _field_facts(
            name, field, parameter["schema"], bool(parameter.get("required")), resolve
        )
    if body is None:
        return
    content = body["content"]
    yield Fact(name, "body", "media", _media(list(content)))
    schema = next(iter(content.values()))["schema"]
    yield from _field_facts(name, "body", schema, bool(body.get("required")), resolve)


def differences(definition: set[Fact], emulator: set[Fact]) -> list[Difference]:
    """Every (operation, field, constraint) on which the two sets of facts disagree."""
    said: dict[tuple[str, str, str], dict[str, str]] = {}
    for side, facts in (("definition", definition), ("emulator", emulator)):
        for fact in facts:
            said.setdefault((fact.operation, fact.field, fact.constraint), {})[side] = fact.value
    # a field one side lacks is one difference, not one per constraint the other side gives it
    one_sided = {
        (operation, field)
        for (operation, field, constraint), values in said.items()
        if constraint == "field" and len(values) == 1
    }
    found = []
    for (operation, field, constraint), values in said.items():
        left, right = values.get("definition", "-"), values.get("emulator", "-")
        if left == right or ((operation, field) in one_sided and constraint != "field"):
            continue
        if _implied_by_enum(said, operation, field, constraint):
            continue
        found.append(Difference(operation, field, constraint, left, right))
    return sorted(found)


def _implied_by_enum(
    said: Mapping[tuple[str, str, str], Mapping[str, str]],
    operation: str,
    field: str,
    constraint: str,
) -> bool:
    """Whether one side's length bound or not-blank rule holds for every value of the other
    side's enum: then the enum says it already, and only the enum is a difference."""
    if constraint not in ("minLength", "maxLength", "notBlank"):
        return False
    enums = said.get((operation, field, "enum"), {})
    bounds = said[(operation, field, constraint)]
    if len(enums) != 1 or len(bounds) != 1 or set(enums) == set(bounds):
        return False
    values = json.loads(next(iter(enums.values())))
    bound = json.loads(next(iter(bounds.values())))
    if not all(isinstance(value, str) for value in values):
        return False
    if constraint == "minLength":
        return all(len(value) >= bound for value in values)
    if constraint == "maxLength":
        return all(len(value) <= bound for value in values)
    return all(value.strip() for value in values)
