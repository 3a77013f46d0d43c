"""The stack catalog: a YAML file of apps, signature files, signatures and templates.

:func:`load_catalog` reads a catalog, checks it completely (YAML, schema, the API's rules of
:mod:`providers.rules`, references and other cross-entry rules) and returns a
:class:`Catalog` of :class:`Declaration` s in dependency order, or raises
:class:`CatalogError` listing every problem as ``file:line: path: message``.

A declaration carries the resource inputs of ``docs/contracts.md`` §4. Inputs that point at
another declaration (``app_id``, ``file_id``, ``power_attorney_file_id``, ``sign_id``) are not
in ``inputs`` but in ``references``; the program resolves them to the other resource's
output, e.g. ``inputs = decl.resolve(lambda ref: getattr(created[ref.kind, ref.key], ref.output))``.
"""

from __future__ import annotations

import difflib
import os
import re
import types
import typing
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from providers import rules

__all__ = [
    "CATALOG_FIELDS",
    "KEY_PATTERN",
    "KINDS",
    "NOT_EXPOSED",
    "Catalog",
    "CatalogError",
    "CatalogProblem",
    "Declaration",
    "Reference",
    "TemplateEstimate",
    "check_catalog",
    "field_choices",
    "load_catalog",
]

Kind = Literal["app", "file", "signature", "template"]
#: Catalog sections and the kind of their entries, in dependency order.
KINDS: Mapping[str, Kind] = {
    "apps": "app",
    "files": "file",
    "signatures": "signature",
    "templates": "template",
}
_SECTION = {kind: section for section, kind in KINDS.items()}

# --------------------------------------------------------------------------------------------
# Schema: the catalog's spelling. Types only; the API's rules live in providers.rules.


class _Entry(BaseModel):
    # strict: a YAML `name: 2024` is a number, and silently sending "2024" hides the mistake.
    model_config = ConfigDict(extra="forbid", strict=True)


class Defaults(_Entry):
    """Values every entry takes unless it sets its own."""

    region: str | None = None
    wait_for: str | None = None
    wait_timeout: float | None = None
    adopt: bool | None = None


class AppEntry(_Entry):
    name: str
    scope: str
    uplink_url: str | None = None
    enterprise_project_id: str | None = None
    enterprise_project_name: str | None = None
    region: str | None = None
    adopt: bool | None = None


class FileEntry(_Entry):
    path: str
    description: str | None = None
    region: str | None = None


class _Reviewed(_Entry):
    region: str | None = None
    wait_for: str | None = None
    wait_timeout: float | None = None
    adopt: bool | None = None


class SignatureEntry(_Reviewed):
    app: str
    name: str
    type: str
    source: int
    third_party: bool = False
    licence_file: str | None = None
    power_of_attorney_file: str | None = None
    apply_desc: str | None = None
    qualification_id: str | None = None
    source_title_content: str | None = None


class VariableEntry(_Entry):
    index: int
    type: str
    desc: str | None = None


class TemplateEntry(_Reviewed):
    app: str
    name: str
    content: str
    signature: str | None = None
    type: str | None = None
    variables: list[VariableEntry] = []
    scope: str | None = None
    universal: bool = False
    brackets: str | None = None
    send_countries: list[int] | None = None
    description: str | None = None


class _Document(_Entry):
    defaults: Defaults | None = None
    apps: dict[str, dict[str, Any]] | None = None
    files: dict[str, dict[str, Any]] | None = None
    signatures: dict[str, dict[str, Any]] | None = None
    templates: dict[str, dict[str, Any]] | None = None


# Fields with a fixed set of values. providers.rules checks them; a YAML value of the wrong
# type gets them in its message, and the JSON Schema offers them to editors.
_CHOICES: Mapping[str, tuple[Any, ...]] = {
    "region": rules.REGIONS,
    "scope": rules.SCOPES,
    "wait_for": rules.WAIT_FOR,
    "brackets": rules.BRACKETS,
    "source": tuple(rules.SIGNATURE_SOURCES),
}
_TYPE_CHOICES: Mapping[type[BaseModel], tuple[str, ...]] = {
    SignatureEntry: rules.SIGNATURE_TYPES,
    TemplateEntry: rules.TEMPLATE_TYPES,
    VariableEntry: rules.VARIABLE_TYPES,
}


def field_choices(model: type[BaseModel], name: str) -> tuple[Any, ...] | None:
    """The values catalog field ``name`` of ``model`` takes, when they are a fixed set."""
    if name == "type":
        return _TYPE_CHOICES.get(model)
    return _CHOICES.get(name) if name in model.model_fields else None


_MODELS: Mapping[Kind, type[_Entry]] = {
    "app": AppEntry,
    "file": FileEntry,
    "signature": SignatureEntry,
    "template": TemplateEntry,
}

#: Resource input (contracts §4) → catalog field, per kind. A problem the rules report on an
#: input is shown on the catalog field that spells it.
CATALOG_FIELDS: Mapping[Kind, Mapping[str, str]] = {
    "app": {
        "region": "region",
        "app_name": "name",
        "scope": "scope",
        "up_link_addr": "uplink_url",
        "enterprise_project_id": "enterprise_project_id",
        "enterprise_project_name": "enterprise_project_name",
        "adopt": "adopt",
    },
    "file": {"region": "region", "path": "path", "description": "description"},
    "signature": {
        "region": "region",
        "app_id": "app",
        "signature_name": "name",
        "signature_type": "type",
        "signature_source": "source",
        "is_involved_third": "third_party",
        "file_id": "licence_file",
        "power_attorney_file_id": "power_of_attorney_file",
        "apply_desc": "apply_desc",
        "qualification_id": "qualification_id",
        "source_title_content": "source_title_content",
        "wait_for": "wait_for",
        "wait_timeout": "wait_timeout",
        "adopt": "adopt",
    },
    "template": {
        "region": "region",
        "app_id": "app",
        "scope": "scope",
        "template_name": "name",
        "template_content": "content",
        "template_type": "type",
        "sign_id": "signature",
        "signature_name": "signature",
        "universal_template": "universal",
        "brackets": "brackets",
        "send_country": "send_countries",
        "template_desc": "description",
        "variable_attributes": "variables",
        "wait_for": "wait_for",
        "wait_timeout": "wait_timeout",
        "adopt": "adopt",
    },
}
_VARIABLE_FIELDS = {"variable_index": "index", "variable_type": "type", "variable_desc": "desc"}

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

#: What an entry's key looks like (it names a Pulumi resource).
KEY_PATTERN = r"^[A-Za-z][A-Za-z0-9_-]{0,63}$"
_KEY = re.compile(KEY_PATTERN)

# --------------------------------------------------------------------------------------------
# Results


@dataclass(frozen=True)
class Reference:
    """An input that takes the ``output`` of the declaration ``kind``/``key``."""

    kind: Kind
    key: str
    output: str


_OUTPUT_OF: Mapping[Kind, str] = {"app": "id", "file": "file_id", "signature": "id"}


@dataclass(frozen=True)
class Declaration:
    """One resource to declare: its kind, logical key (the Pulumi name), region and inputs."""

    kind: Kind
    key: str
    region: str
    inputs: Mapping[str, Any]
    references: Mapping[str, Reference] = field(default_factory=dict)

    def resolve(self, lookup: Callable[[Reference], Any]) -> dict[str, Any]:
        """The inputs with every reference replaced by ``lookup(reference)``."""
        return {**self.inputs, **{prop: lookup(ref) for prop, ref in self.references.items()}}


@dataclass(frozen=True)
class CatalogProblem:
    """A problem at a line of a catalog file."""

    file: str
    line: int
    path: str
    message: str
    severity: Literal["error", "warning"] = "error"

    def __str__(self) -> str:
        prefix = "warning: " if self.severity == "warning" else ""
        return f"{self.file}:{self.line}: {self.path}: {prefix}{self.message}"


class CatalogError(Exception):
    """A catalog with problems; ``problems`` lists them all, in file order."""

    def __init__(self, problems: Sequence[CatalogProblem], warnings: Sequence[CatalogProblem]):
        self.problems = tuple(problems)
        self.warnings = tuple(warnings)
        super().__init__("\n".join(str(p) for p in self.problems))


@dataclass(frozen=True)
class TemplateEstimate:
    """How long a template's messages can get and what 10,000 of them cost."""

    key: str
    region: str
    scope: str
    template_type: str
    characters: int
    segments: int
    encoding: str
    #: CNY per 10,000 messages at each price tier; None where §4.8 has no price (intl).
    cost_per_10000: Mapping[str, Decimal] | None
    note: str = ""


@dataclass(frozen=True)
class Catalog:
    """A valid catalog: declarations in dependency order (apps, files, signatures,
    templates; catalog order within each kind)."""

    path: Path
    declarations: tuple[Declaration, ...]
    warnings: tuple[CatalogProblem, ...] = ()

    def __iter__(self) -> Iterator[Declaration]:
        return iter(self.declarations)

    def __len__(self) -> int:
        return len(self.declarations)

    def of_kind(self, kind: Kind) -> list[Declaration]:
        return [d for d in self.declarations if d.kind == kind]

    def get(self, kind: Kind, key: str) -> Declaration:
        for declaration in self.declarations:
            if declaration.kind == kind and declaration.key == key:
                return declaration
        raise KeyError(f"no {kind} {key!r} in {self.path}")

    def estimates(self) -> list[TemplateEstimate]:
        """Segments and cost per 10,000 messages of each template (reference §4.6, §4.8)."""
        return [self._estimate(t) for t in self.of_kind("template")]

    def _estimate(self, template: Declaration) -> TemplateEstimate:
        inputs = template.inputs
        note = ""
        signature_name = None
        if inputs["scope"] == "cn" and inputs.get("universal_template") == 1:
            app = template.references["app_id"].key
            names = [
                s.inputs["signature_name"]
                for s in self.of_kind("signature")
                if s.references["app_id"].key == app
                and s.inputs["signature_type"] == inputs["template_type"]
            ]
            if names:
                signature_name = max(names, key=len)
                note = f"universal: counted with the longest signature, {signature_name}"
            else:
                note = "universal: no signature of its type in the app; signature not counted"
        count = rules.estimate_template_segments(inputs, signature_name=signature_name)
        costs = None
        if inputs["scope"] == "cn":
            costs = rules.tier_costs(count.segments, inputs["template_type"])
        else:
            note = note or "international prices vary by country"
        return TemplateEstimate(
            key=template.key,
            region=template.region,
            scope=inputs["scope"],
            template_type=inputs["template_type"],
            characters=count.characters,
            segments=count.segments,
            encoding=count.encoding,
            cost_per_10000=costs,
            note=note,
        )


# --------------------------------------------------------------------------------------------
# YAML with line numbers

_Path = tuple[str | int, ...]
_MERGE_TAG = "tag:yaml.org,2002:merge"


class _Loader(yaml.SafeLoader):
    """A SafeLoader whose node tree the catalog walks itself, to keep every line number and
    to refuse duplicate keys (PyYAML silently keeps the last one)."""


class _Source:
    """One catalog file being loaded: its data, the line of every path, and its problems."""

    def __init__(self, path: Path, display: str):
        self.path = path
        self.display = display
        self.lines: dict[_Path, int] = {}
        # the text of each plain scalar that YAML did not read as text (`yes`, `2024`), so a
        # message can say what was written rather than what YAML made of it
        self.scalars: dict[_Path, str] = {}
        self.problems: list[CatalogProblem] = []
        self.warnings: list[CatalogProblem] = []

    # -- reporting

    def line(self, path: _Path) -> int:
        for end in range(len(path), -1, -1):
            if path[:end] in self.lines:
                return self.lines[path[:end]]
        return 1

    def error(self, path: _Path, message: str) -> None:
        self.problems.append(CatalogProblem(self.display, self.line(path), _render(path), message))

    def warn(self, path: _Path, message: str) -> None:
        self.warnings.append(
            CatalogProblem(self.display, self.line(path), _render(path), message, "warning")
        )

    # -- parsing

    def parse(self, text: str) -> Any:
        try:
            loader = _Loader(text)
        except yaml.reader.ReaderError as exc:
            line = text[: exc.position].count("\n") + 1
            message = f"character {exc.character:#x} is not allowed in YAML"
            self.problems.append(CatalogProblem(self.display, line, "yaml", message))
            return None
        try:
            node = loader.get_single_node()
            return None if node is None else self._build(loader, node, (), set())
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            line = mark.line + 1 if mark else 1
            where = f"column {mark.column + 1}: " if mark else ""
            if "'\\t'" in (exc.problem or ""):
                message = (
                    f"{where}a tab character; YAML indents with spaces only: replace the tab "
                    "with spaces"
                )
            else:
                message = where + "; ".join(p for p in (exc.context, exc.problem) if p)
            self.problems.append(CatalogProblem(self.display, line, "yaml", message))
        except yaml.YAMLError as exc:
            self.problems.append(CatalogProblem(self.display, 1, "yaml", str(exc)))
        finally:
            loader.dispose()
        return None

    def _build(self, loader: _Loader, node: yaml.Node, path: _Path, stack: set[int]) -> Any:
        self.lines.setdefault(path, node.start_mark.line + 1)
        if id(node) in stack:
            # report where the alias is used, not where its anchor is
            self.problems.append(
                CatalogProblem(
                    self.display, self.line(path), "yaml", "an alias refers to its own parent"
                )
            )
            return None
        if isinstance(node, yaml.MappingNode):
            return self._mapping(loader, node, path, stack | {id(node)})
        if isinstance(node, yaml.SequenceNode):
            return [
                self._build(loader, item, (*path, i), stack | {id(node)})
                for i, item in enumerate(node.value)
            ]
        value = loader.construct_object(node, deep=True)
        if not isinstance(value, str) and isinstance(node, yaml.ScalarNode) and not node.style:
            self.scalars[path] = node.value
        return value

    def _mapping(
        self, loader: _Loader, node: yaml.MappingNode, path: _Path, stack: set[int]
    ) -> dict[Any, Any]:
        first_line: dict[Any, int] = {}
        for key_node, _ in node.value:
            if key_node.tag == _MERGE_TAG:
                continue
            key = self._key(loader, key_node)
            line = key_node.start_mark.line + 1
            if key in first_line:
                self.problems.append(
                    CatalogProblem(
                        self.display,
                        line,
                        _render((*path, key)),
                        f"duplicate key {key!r} (first defined at line {first_line[key]}); "
                        "keep one",
                    )
                )
            else:
                first_line[key] = line
        loader.flatten_mapping(node)  # resolves `<<: *anchor` merges; explicit keys come last
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = self._key(loader, key_node)
            self.lines[(*path, key)] = key_node.start_mark.line + 1
            result[key] = self._build(loader, value_node, (*path, key), stack)
        return result

    @staticmethod
    def _key(loader: _Loader, node: yaml.Node) -> Any:
        if not isinstance(node, yaml.ScalarNode):
            raise yaml.constructor.ConstructorError(
                None, None, "a key must be a plain value, not a list or mapping", node.start_mark
            )
        return loader.construct_object(node)


def _render(path: _Path) -> str:
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text or "catalog"


# --------------------------------------------------------------------------------------------
# Schema errors → messages


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


def _validate(source: _Source, model: type[_Entry], data: Any, prefix: _Path) -> _Entry | None:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        for error in exc.errors():
            loc = tuple(error["loc"])
            if loc and loc[-1] == "[key]":
                source.error((*prefix, *loc[:-1]), "keys must be text")
                continue
            path = (*prefix, *loc)
            source.error(path, _schema_message(error, model, source.scalars.get(path)))
        return None


# --------------------------------------------------------------------------------------------
# Entries → declarations


@dataclass
class _Draft:
    """A declaration being built, with where each input came from in the catalog."""

    kind: Kind
    key: str
    entry: Any
    inputs: dict[str, Any] = field(default_factory=dict)
    origins: dict[str, _Path] = field(default_factory=dict)
    references: dict[str, Reference] = field(default_factory=dict)
    broken: bool = False
    # inputs a cross-entry problem made doubtful: the rules treat them as unknown, so one
    # mistake is reported once
    unsure: set[str] = field(default_factory=set)

    @property
    def path(self) -> _Path:
        return (_SECTION[self.kind], self.key)

    def origin(self, prop: str) -> _Path:
        return self.origins.get(prop) or (*self.path, CATALOG_FIELDS[self.kind][prop])

    def set(self, prop: str, value: Any, origin: _Path | None = None) -> None:
        """Set an input unless the value is absent (Pulumi drops None inputs anyway)."""
        if value is None:
            return
        self.inputs[prop] = value
        if origin is not None:
            self.origins[prop] = origin

    def refer(self, prop: str, kind: Kind, key: str | None) -> None:
        if key is not None:
            self.references[prop] = Reference(kind, key, _OUTPUT_OF[kind])


_PROPERTY = re.compile(r"^(?P<head>\w+)(?P<rest>(?:\[\d+\])?(?:\.\w+)?)$")
_REST = re.compile(r"^(?:\[(?P<index>\d+)\])?(?:\.(?P<field>\w+))?$")


class _Builder:
    """Turns validated entries into declarations, reporting on the catalog's lines."""

    def __init__(
        self,
        source: _Source,
        defaults: Defaults,
        root: Path,
        default_region: str | None,
    ):
        self.source = source
        self.defaults = defaults
        self.root = root
        self.default_region = default_region
        self.drafts: dict[Kind, dict[str, _Draft]] = {kind: {} for kind in _SECTION}
        # Entries that failed the schema: references to them resolve to unknown values, so
        # their problems are not repeated on every entry that uses them.
        self.placeholders: dict[Kind, dict[str, _Draft]] = {kind: {} for kind in _SECTION}
        self.keys: dict[str, list[str]] = {}

    def add(self, kind: Kind, key: str, entry: _Entry | None) -> None:
        if entry is not None:
            self.drafts[kind][key] = _Draft(kind, key, entry)
            return
        inherited = dict.fromkeys(("region", "scope", "signature_type"), rules.UNKNOWN)
        self.placeholders[kind][key] = _Draft(kind, key, None, inherited, broken=True)

    # -- inherited values

    def _default(self, draft: _Draft, name: str) -> None:
        """Set a value the entry may take from ``defaults``."""
        own = getattr(draft.entry, name)
        if own is not None:
            draft.set(name, own)
        else:
            draft.set(name, getattr(self.defaults, name), ("defaults", name))

    def _region(self, draft: _Draft, inherited: _Draft | None = None) -> None:
        if draft.entry.region is not None:
            draft.set("region", draft.entry.region)
        elif inherited is not None and "region" in inherited.inputs:
            draft.set("region", inherited.inputs["region"], inherited.origin("region"))
        elif self.defaults.region is not None:
            draft.set("region", self.defaults.region, ("defaults", "region"))
        elif self.default_region is not None:
            draft.set("region", self.default_region)
        else:
            # unknown from here on: the entries that inherit it are not reported again
            draft.set("region", rules.UNKNOWN)
            self.source.error(
                (*draft.path, "region"),
                f"is required: set region on this entry or defaults.region in the catalog "
                f"({', '.join(rules.REGIONS)}), or the stack's msgsms:region "
                "(which `validate --region` stands for)",
            )

    def _target(self, draft: _Draft, kind: Kind, key: str | None, via: str) -> _Draft | None:
        """The draft a reference names, after checking it exists and is of the right kind."""
        if key is None:
            return None
        target = self.drafts[kind].get(key) or self.placeholders[kind].get(key)
        if target is not None:
            return target
        where = (*draft.path, via)
        other = next((k for k, ks in self.keys.items() if key in ks), None)
        if other is not None:
            self.source.error(
                where, f"{key!r} is declared under {other}, not under {_SECTION[kind]}"
            )
            return None
        known = list(self.drafts[kind])
        close = difflib.get_close_matches(key, known, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        listed = ", ".join(known) if known else "none declared"
        self.source.error(where, f"no {kind} {key!r} in {_SECTION[kind]} ({listed}){hint}")
        return None

    # -- per kind

    def app(self, draft: _Draft) -> None:
        entry: AppEntry = draft.entry
        self._region(draft)
        draft.set("app_name", entry.name)
        draft.set("scope", entry.scope)
        draft.set("up_link_addr", entry.uplink_url)
        draft.set("enterprise_project_id", entry.enterprise_project_id)
        draft.set("enterprise_project_name", entry.enterprise_project_name)
        self._default(draft, "adopt")

    def file(self, draft: _Draft) -> None:
        entry: FileEntry = draft.entry
        users = [
            s
            for s in self.drafts["signature"].values()
            if draft.key in (s.entry.licence_file, s.entry.power_of_attorney_file)
        ]
        regions = {
            s.inputs["region"]
            for s in users
            if "region" in s.inputs and not rules.is_unknown(s.inputs["region"])
        }
        if entry.region is None and len(regions) == 1:
            user = next(s for s in users if s.inputs.get("region") in regions)
            draft.set("region", user.inputs["region"], user.origin("region"))
        elif entry.region is None and len(regions) > 1:
            draft.set("region", rules.UNKNOWN)
            self.source.error(
                (*draft.path,),
                f"used by signatures in {', '.join(sorted(regions))}; files are uploaded per "
                "region: declare one file entry per region, each with its own region",
            )
        else:
            self._region(draft)
        if not users:
            self.source.warn(draft.path, "no signature uses this file")
        full = Path(entry.path)
        if not full.is_absolute():
            full = self.source.path.parent / full
        draft.set("path", _relative(full, self.root))
        draft.set("description", entry.description)

    def signature(self, draft: _Draft) -> None:
        entry: SignatureEntry = draft.entry
        app = self._target(draft, "app", entry.app, "app")
        self._region(draft, app)
        draft.refer("app_id", "app", entry.app)
        draft.set("signature_name", entry.name)
        draft.set("signature_type", entry.type)
        draft.set("signature_source", entry.source)
        draft.set("is_involved_third", "Yes" if entry.third_party else "No")
        for prop, via, purpose in (
            ("file_id", "licence_file", "licence"),
            ("power_attorney_file_id", "power_of_attorney_file", "power_of_attorney"),
        ):
            key = getattr(entry, via)
            draft.refer(prop, "file", key)
            file = self._target(draft, "file", key, via)
            if file is not None and file.entry is not None:
                problem = rules.check_file_use(file.entry.path, purpose)  # type: ignore[arg-type]
                if problem:
                    self.source.error((*draft.path, via), f"file {key!r}: {problem}")
        draft.set("apply_desc", entry.apply_desc)
        draft.set("qualification_id", entry.qualification_id)
        draft.set("source_title_content", entry.source_title_content)
        self._reviewed(draft)
        if app is not None and app.entry is not None:
            self._same_region(draft, app)

    def template(self, draft: _Draft) -> None:
        entry: TemplateEntry = draft.entry
        app = self._target(draft, "app", entry.app, "app")
        signature = self._target(draft, "signature", entry.signature, "signature")
        self._region(draft, app)
        draft.refer("app_id", "app", entry.app)
        draft.refer("sign_id", "signature", entry.signature)
        if entry.scope is not None:
            draft.set("scope", entry.scope)
        elif app is not None:
            draft.set("scope", app.inputs.get("scope"), app.origin("scope"))
        draft.set("template_name", entry.name)
        draft.set("template_content", entry.content)
        self._template_type(draft, signature)
        if signature is not None and not signature.broken:
            # a broken signature's name reports its own problems; do not repeat them here
            name = signature.inputs["signature_name"]
            draft.set("signature_name", name, signature.origin("signature_name"))
        if draft.inputs.get("scope") != "intl" or entry.universal:
            draft.set("universal_template", 1 if entry.universal else 0)
        draft.set("brackets", entry.brackets)
        draft.set("send_country", entry.send_countries)
        draft.set("template_desc", entry.description)
        if entry.variables:
            draft.set(
                "variable_attributes",
                [
                    {
                        "variable_index": v.index,
                        "variable_type": v.type,
                        **({"variable_desc": v.desc} if v.desc is not None else {}),
                    }
                    for v in entry.variables
                ],
            )
        self._reviewed(draft)
        if app is not None and app.entry is not None:
            self._same_region(draft, app)
            app_scope = app.inputs.get("scope")
            if entry.scope is not None and entry.scope != app_scope:
                draft.unsure.add("scope")
                self.source.error(
                    (*draft.path, "scope"),
                    f"is {entry.scope} but app {entry.app!r} is {app_scope}; "
                    "a template has its app's scope (omit scope to inherit it)",
                )
        if signature is not None and signature.entry is not None:
            sig_app = signature.entry.app
            if sig_app != entry.app:
                self.source.error(
                    (*draft.path, "signature"),
                    f"signature {entry.signature!r} belongs to app {sig_app!r}, "
                    f"not {entry.app!r}; a template and its signature share an app",
                )

    def _template_type(self, draft: _Draft, signature: _Draft | None) -> None:
        entry: TemplateEntry = draft.entry
        sig_type = signature.inputs.get("signature_type") if signature else None
        if entry.type is not None:
            draft.set("template_type", entry.type)
            if sig_type is not None and not rules.is_unknown(sig_type) and sig_type != entry.type:
                draft.unsure.add("template_type")
                self.source.error(
                    (*draft.path, "type"),
                    f"is {entry.type} but signature {entry.signature!r} is {sig_type}; "
                    "a template's type must match its signature's (omit type to inherit it)",
                )
        elif sig_type is not None:
            draft.set("template_type", sig_type, signature.origin("signature_type"))  # type: ignore[union-attr]
        elif draft.inputs.get("scope") == "intl":
            draft.set("template_type", "NOTIFY_TYPE")

    def _reviewed(self, draft: _Draft) -> None:
        for name in ("wait_for", "wait_timeout", "adopt"):
            self._default(draft, name)

    def _same_region(self, draft: _Draft, app: _Draft) -> None:
        region, app_region = draft.inputs.get("region"), app.inputs.get("region")
        if draft.entry.region is not None and app_region and region != app_region:
            self.source.error(
                (*draft.path, "region"),
                f"is {region} but app {draft.entry.app!r} is in {app_region}; "
                "an entry lives in its app's region (omit region to inherit it)",
            )

    # -- the rules of providers.rules, on the catalog's lines

    def run_rules(self, draft: _Draft) -> None:
        unknown = dict.fromkeys([*draft.references, *draft.unsure], rules.UNKNOWN)
        inputs = {**draft.inputs, **unknown}
        for problem in rules.check(draft.kind, inputs, root=self.root):
            self.source.error(self._locate(draft, problem.property), problem.message)

    def _locate(self, draft: _Draft, prop: str) -> _Path:
        match = _PROPERTY.match(prop)
        if match is None or match["head"] not in CATALOG_FIELDS[draft.kind]:
            return draft.path
        path = draft.origin(match["head"])
        rest = _REST.match(match["rest"])
        if rest is None:
            return path
        if rest["index"] is not None:
            path = (*path, int(rest["index"]))
        if rest["field"] is not None:
            path = (*path, _VARIABLE_FIELDS.get(rest["field"], rest["field"]))
        return path


def _relative(path: Path, root: Path) -> str:
    """A path relative to the project root when inside it (stable across machines)."""
    resolved, base = path.resolve(), root.resolve()
    if resolved.is_relative_to(base):
        return os.path.relpath(resolved, base)
    return str(resolved)


# --------------------------------------------------------------------------------------------
# Cross-entry rules


def _cross_checks(source: _Source, builder: _Builder) -> None:
    drafts = [d for kind in _SECTION for d in builder.drafts[kind].values()]
    owner: dict[str, str] = {}
    for section in KINDS:
        for key in builder.keys.get(section, ()):
            path = (section, key)
            if not _KEY.match(key):
                source.error(
                    path,
                    "key must start with a letter and have only letters, digits, _ and - "
                    "(64 characters at most); it names the Pulumi resource",
                )
            if key in owner:
                source.error(
                    path,
                    f"key {key!r} is already used in {owner[key]}; keys name Pulumi resources "
                    "and outputs, so they are unique across apps, files, signatures and "
                    "templates",
                )
            else:
                owner[key] = section
    _unique(
        source,
        [d for d in drafts if d.kind == "app"],
        lambda d: (d.inputs.get("region"), d.inputs.get("app_name")),
        "app_name",
        lambda d: f"another app in {d.inputs.get('region')} is named {d.inputs.get('app_name')!r}",
    )
    _unique(
        source,
        [d for d in drafts if d.kind == "signature"],
        lambda d: (
            d.inputs.get("region"),
            d.inputs.get("signature_name"),
            d.inputs.get("signature_type"),
        ),
        "signature_name",
        lambda d: (
            f"signature {d.inputs.get('signature_name')!r} of type "
            f"{d.inputs.get('signature_type')} is declared twice in {d.inputs.get('region')}; "
            "a name may repeat only with another type"
        ),
    )
    _unique(
        source,
        [d for d in drafts if d.kind == "template"],
        lambda d: (d.entry.app, d.inputs.get("template_name")),
        "template_name",
        lambda d: (
            f"app {d.entry.app!r} already has a template named "
            f"{d.inputs.get('template_name')!r}; template names are unique per app"
        ),
    )
    _quotas(source, builder)


def _unique(
    source: _Source,
    drafts: Sequence[_Draft],
    natural_key: Callable[[_Draft], tuple[Any, ...]],
    prop: str,
    message: Callable[[_Draft], str],
) -> None:
    seen: dict[tuple[Any, ...], _Draft] = {}
    for draft in drafts:
        key = natural_key(draft)
        if any(part is None or rules.is_unknown(part) for part in key):
            continue
        if key in seen:
            first = seen[key]
            line = source.line(first.origin(prop))
            source.error(draft.origin(prop), f"{message(draft)} (first: {first.key}, line {line})")
        else:
            seen[key] = draft


def _quotas(source: _Source, builder: _Builder) -> None:
    """Quotas are warnings: Huawei raises them on request, so only the account knows."""
    apps = builder.drafts["app"]
    per_region = Counter(a.inputs.get("region") for a in apps.values())
    quota = rules.QUOTAS["apps_per_region"]
    for region, count in per_region.items():
        if region is not None and count > quota:
            extra = [a for a in apps.values() if a.inputs.get("region") == region][quota]
            source.warn(
                extra.path,
                f"{count} apps in {region}; the default quota is {quota} per region "
                "(ask Huawei Cloud to raise it, or creating the app fails)",
            )
    per_app: tuple[tuple[Kind, str], ...] = (
        ("signature", "signatures_per_app"),
        ("template", "templates_per_app"),
    )
    for kind, quota_name in per_app:
        counts = Counter(d.entry.app for d in builder.drafts[kind].values())
        quota = rules.QUOTAS[quota_name]
        for app, count in counts.items():
            if count > quota:
                source.warn(
                    ("apps", app),
                    f"{count} {kind}s in this app; the default quota is {quota} "
                    "(ask Huawei Cloud to raise it, or creating the excess fails)",
                )


# --------------------------------------------------------------------------------------------
# Loading


def check_catalog(
    path: str | Path,
    *,
    root: str | Path | None = None,
    default_region: str | None = None,
) -> tuple[Catalog | None, list[CatalogProblem], list[CatalogProblem]]:
    """Load and check a catalog without raising: ``(catalog or None, errors, warnings)``.

    ``root`` is the project root (default: the current directory); signature file paths in
    the declarations are relative to it. ``default_region`` is the region of entries that
    name none, neither themselves nor in ``defaults`` (the program passes ``msgsms:region``).
    """
    path = Path(path)
    source = _Source(path, str(path))
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        source.error((), f"cannot read the catalog: {exc}")
        return None, source.problems, source.warnings
    data = source.parse(text)
    if source.problems:
        return None, _ordered(source.problems), source.warnings
    if isinstance(data, dict):
        # x- keys hold YAML anchors for reuse, as in compose files; they declare nothing
        data = {k: v for k, v in data.items() if not (isinstance(k, str) and k.startswith("x-"))}
    document = _validate(source, _Document, {} if data is None else data, ())
    if not isinstance(document, _Document):
        return None, _ordered(source.problems), source.warnings
    builder = _Builder(
        source,
        document.defaults or Defaults(),
        Path(root) if root is not None else Path.cwd(),
        default_region,
    )
    for section, kind in KINDS.items():
        entries = getattr(document, section) or {}
        builder.keys[section] = list(entries)
        for key, raw in entries.items():
            builder.add(kind, key, _validate(source, _MODELS[kind], raw, (section, key)))
    for kind in ("app", "signature", "file", "template"):  # files take their users' region
        for draft in builder.drafts[kind].values():
            before = len(source.problems)
            getattr(builder, kind)(draft)
            builder.run_rules(draft)
            draft.broken = len(source.problems) > before
    _cross_checks(source, builder)
    problems = _ordered(source.problems)
    warnings = _ordered(source.warnings)
    if problems:
        return None, problems, warnings
    declarations = tuple(
        Declaration(
            kind=draft.kind,
            key=draft.key,
            region=draft.inputs["region"],
            inputs=dict(draft.inputs),
            references=dict(draft.references),
        )
        for kind in _SECTION
        for draft in builder.drafts[kind].values()
    )
    return Catalog(path, declarations, tuple(warnings)), problems, warnings


def load_catalog(
    path: str | Path,
    *,
    root: str | Path | None = None,
    default_region: str | None = None,
) -> Catalog:
    """Load and check a catalog; raise :class:`CatalogError` listing every problem."""
    catalog, problems, warnings = check_catalog(path, root=root, default_region=default_region)
    if catalog is None:
        raise CatalogError(problems, warnings)
    return catalog


def _ordered(problems: Sequence[CatalogProblem]) -> list[CatalogProblem]:
    unique = dict.fromkeys(problems)
    return sorted(unique, key=lambda p: p.line)
