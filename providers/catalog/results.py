"""What a valid catalog gives: declarations in dependency order, its problems, estimates."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

from providers import rules

__all__ = [
    "EXISTING",
    "Catalog",
    "CatalogError",
    "CatalogProblem",
    "Declaration",
    "Lookup",
    "Reference",
    "TemplateEstimate",
]

#: A kind's name (``providers.spec``): app, file, signature, template.
Kind = str


@dataclass(frozen=True)
class Reference:
    """An input that takes the ``output`` of the declaration ``kind``/``key``."""

    kind: Kind
    key: str
    output: str


@dataclass(frozen=True)
class Lookup:
    """A read-only lookup of an object the stack does not manage (``{existing: name}``): the
    program declares it as a ``msgsms:Existing`` resource named ``key``."""

    key: str
    kind: Kind
    region: str
    object_name: str
    signature_type: str | None = None

    @property
    def inputs(self) -> dict[str, Any]:
        values = {
            "kind": self.kind,
            "region": self.region,
            "object_name": self.object_name,
            "signature_type": self.signature_type,
        }
        return {k: v for k, v in values.items() if v is not None}


#: The kind of a reference to a lookup.
EXISTING = "existing"


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
    #: Objects the catalog names but does not manage, looked up at ``up``.
    lookups: tuple[Lookup, ...] = ()

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
        # an existing app or signature tells its scope and type only at `up`
        scope = inputs.get("scope", "?")
        template_type = inputs.get("template_type", "?")
        note = "" if "scope" in inputs else "scope and type come from an existing object"
        signature_name = None
        if scope == "cn" and inputs.get("universal_template") == 1:
            app = template.references["app_id"].key
            names = [
                s.inputs["signature_name"]
                for s in self.of_kind("signature")
                if s.references["app_id"].key == app and s.inputs["signature_type"] == template_type
            ]
            if names:
                signature_name = max(names, key=len)
                note = f"universal: counted with the longest signature, {signature_name}"
            else:
                note = "universal: no signature of its type in the app; signature not counted"
        count = rules.estimate_template_segments(inputs, signature_name=signature_name)
        costs = None
        if scope == "cn" and template_type != "?":
            costs = rules.tier_costs(count.segments, template_type)
        elif scope == "intl":
            note = note or "international prices vary by country"
        return TemplateEstimate(
            key=template.key,
            region=template.region,
            scope=scope,
            template_type=template_type,
            characters=count.characters,
            segments=count.segments,
            encoding=count.encoding,
            cost_per_10000=costs,
            note=note,
        )
