"""Entries become declarations: the inputs of each entry's resource, with where each came from.

Every field the catalog writes as it is (or as ``true``/``false``, or as catalog variables, or
as a reference by key) is taken by its descriptor (:mod:`providers.spec`); what a kind derives
from other entries (a region from the app, a template's type from its signature...) is the
kind's own step, below. Then the rules run on each entry's inputs, and their problems are
shown on the catalog's lines.
"""

from __future__ import annotations

import difflib
import hashlib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from providers import rules
from providers.spec import BY_NAME, KINDS, LOOKUP_OUTPUTS, Field

from .layout import VARIABLE_FIELDS, Existing, Values
from .results import EXISTING, Kind, Lookup, Reference
from .source import Path_, Source

__all__ = ["Builder", "Draft"]


@dataclass
class Draft:
    """A declaration being built, with where each input came from in the catalog."""

    kind: Kind
    key: str
    entry: Any
    inputs: dict[str, Any] = field(default_factory=dict)
    origins: dict[str, Path_] = field(default_factory=dict)
    references: dict[str, Reference] = field(default_factory=dict)
    #: The drafts the entry's references name, by the catalog field that names them.
    targets: dict[str, Draft] = field(default_factory=dict)
    #: References to objects the stack does not manage (``{existing: name}``).
    existing: list[tuple[Field, Existing]] = field(default_factory=list)
    broken: bool = False
    # inputs a cross-entry problem made doubtful: the rules treat them as unknown, so one
    # mistake is reported once
    unsure: set[str] = field(default_factory=set)

    @property
    def path(self) -> Path_:
        return (BY_NAME[self.kind].section, self.key)

    def origin(self, prop: str) -> Path_:
        return self.origins.get(prop) or (*self.path, BY_NAME[self.kind].catalog_names[prop])

    def set(self, prop: str, value: Any, origin: Path_ | None = None) -> None:
        """Set an input unless the value is absent (Pulumi drops None inputs anyway)."""
        if value is None:
            return
        self.inputs[prop] = value
        if origin is not None:
            self.origins[prop] = origin

    def refer(self, prop: str, kind: Kind, key: str | None) -> None:
        if key is not None:
            output = BY_NAME[kind].reference_output
            assert output is not None, f"nothing refers to a {kind}"
            self.references[prop] = Reference(kind, key, output)


_PROPERTY = re.compile(r"^(?P<head>\w+)(?P<rest>(?:\[\d+\])?(?:\.\w+)?)$")
_REST = re.compile(r"^(?:\[(?P<index>\d+)\])?(?:\.(?P<field>\w+))?$")


class Builder:
    """Turns validated entries into declarations, reporting on the catalog's lines."""

    def __init__(
        self,
        source: Source,
        defaults: Values,
        root: Path,
        default_region: str | None,
    ):
        self.source = source
        self.defaults = defaults
        self.root = root
        self.default_region = default_region
        self.drafts: dict[Kind, dict[str, Draft]] = {kind.name: {} for kind in KINDS}
        # Entries that failed the schema: references to them resolve to unknown values, so
        # their problems are not repeated on every entry that uses them.
        self.placeholders: dict[Kind, dict[str, Draft]] = {kind.name: {} for kind in KINDS}
        self.keys: dict[str, list[str]] = {}
        #: The lookups of objects the catalog names but does not manage, by their key.
        self.lookups: dict[str, Lookup] = {}

    def add(self, kind: Kind, key: str, entry: Values | None) -> None:
        if entry is not None:
            self.drafts[kind][key] = Draft(kind, key, entry)
            return
        inherited = dict.fromkeys(("region", "scope", "signature_type"), rules.UNKNOWN)
        self.placeholders[kind][key] = Draft(kind, key, None, inherited, broken=True)

    def build(self, draft: Draft) -> None:
        """The entry's inputs: each field as the catalog writes it, then the kind's own."""
        for spec_field in BY_NAME[draft.kind].fields:
            if spec_field.catalog is not None and not spec_field.derived:
                self._take(draft, spec_field)
        getattr(self, f"_{draft.kind}")(draft)
        self._look_up(draft)

    def _take(self, draft: Draft, spec_field: Field) -> None:
        assert spec_field.catalog is not None
        value = getattr(draft.entry, spec_field.catalog)
        form = spec_field.catalog_form
        if form == "reference" and isinstance(value, Existing):
            draft.existing.append((spec_field, value))  # looked up once its region is known
        elif form == "reference":
            assert spec_field.refers_to is not None
            target = self._target(draft, spec_field.refers_to, value, spec_field.catalog)
            if target is not None:
                draft.targets[spec_field.catalog] = target
            draft.refer(spec_field.name, spec_field.refers_to, value)
        elif spec_field.defaultable:
            self._default(draft, spec_field)
        elif form == "yes_no":
            draft.set(spec_field.name, "Yes" if value else "No")
        elif form == "flag":
            draft.set(spec_field.name, 1 if value else 0)
        elif form == "variables":
            if value:
                draft.set(
                    spec_field.name,
                    [
                        {
                            "variable_index": v.index,
                            "variable_type": v.type,
                            **({"variable_desc": v.desc} if v.desc is not None else {}),
                        }
                        for v in value
                    ],
                )
        else:
            draft.set(spec_field.name, value)

    # -- objects the stack does not manage

    def _look_up(self, draft: Draft) -> None:
        """Each ``{existing: name}`` of the entry becomes a lookup in the entry's region, and
        the entry takes from it what a key's entry would have given."""
        region = draft.inputs.get("region")
        for spec_field, existing in draft.existing:
            kind = spec_field.refers_to
            assert kind is not None and spec_field.catalog is not None
            where = (*draft.path, spec_field.catalog)
            if kind not in LOOKUP_OUTPUTS:
                self.source.error(where, f"an existing {kind} cannot be looked up")
                continue
            if existing.type is not None and kind != "signature":
                self.source.error((*where, "type"), "only a signature's lookup takes a type")
            wanted = existing.type or (
                draft.inputs.get("template_type") if kind == "signature" else None
            )
            if region is None or rules.is_unknown(region):
                continue  # the missing region is reported already
            lookup = Lookup(
                key=_lookup_key(kind, region, existing.existing, wanted),
                kind=kind,
                region=region,
                object_name=existing.existing,
                signature_type=wanted,
            )
            self.lookups.setdefault(lookup.key, lookup)
            draft.references[spec_field.name] = Reference(
                EXISTING, lookup.key, LOOKUP_OUTPUTS[kind]
            )
            # what the named object tells, when the entry does not say it
            if draft.kind == "template" and kind == "app" and "scope" not in draft.inputs:
                draft.references["scope"] = Reference(EXISTING, lookup.key, "scope")
            if draft.kind == "template" and kind == "signature":
                draft.set("signature_name", existing.existing)
                if "template_type" not in draft.inputs:
                    draft.references["template_type"] = Reference(
                        EXISTING, lookup.key, "signature_type"
                    )

    # -- inherited values

    def _default(self, draft: Draft, spec_field: Field) -> None:
        """Set a value the entry may take from ``defaults``."""
        assert spec_field.catalog is not None
        own = getattr(draft.entry, spec_field.catalog)
        if own is not None:
            draft.set(spec_field.name, own)
        else:
            value = getattr(self.defaults, spec_field.catalog)
            draft.set(spec_field.name, value, ("defaults", spec_field.catalog))

    def _region(self, draft: Draft, inherited: Draft | None = None) -> None:
        if draft.entry.region is not None:
            draft.set("region", draft.entry.region)
        elif inherited is not None and "region" in inherited.inputs:
            draft.set("region", inherited.inputs["region"], inherited.origin("region"))
        elif (region := getattr(self.defaults, "region", None)) is not None:
            draft.set("region", region, ("defaults", "region"))
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

    def _target(self, draft: Draft, kind: Kind, key: str | None, via: str) -> Draft | None:
        """The draft a reference names, after checking it exists and is of the right kind."""
        if key is None:
            return None
        target = self.drafts[kind].get(key) or self.placeholders[kind].get(key)
        if target is not None:
            return target
        where = (*draft.path, via)
        section = BY_NAME[kind].section
        other = next((k for k, ks in self.keys.items() if key in ks), None)
        if other is not None:
            self.source.error(where, f"{key!r} is declared under {other}, not under {section}")
            return None
        known = list(self.drafts[kind])
        close = difflib.get_close_matches(key, known, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        listed = ", ".join(known) if known else "none declared"
        self.source.error(where, f"no {kind} {key!r} in {section} ({listed}){hint}")
        return None

    # -- what each kind derives

    def _app(self, draft: Draft) -> None:
        self._region(draft)

    def _file(self, draft: Draft) -> None:
        entry = draft.entry
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

    def _signature(self, draft: Draft) -> None:
        app = draft.targets.get("app")
        self._region(draft, app)
        for via, purpose in (
            ("licence_file", "licence"),
            ("power_of_attorney_file", "power_of_attorney"),
        ):
            file = draft.targets.get(via)
            if file is not None and file.entry is not None:
                problem = rules.check_file_use(file.entry.path, purpose)  # type: ignore[arg-type]
                if problem:
                    key = getattr(draft.entry, via)
                    self.source.error((*draft.path, via), f"file {key!r}: {problem}")
        if app is not None and app.entry is not None:
            self._same_region(draft, app)

    def _template(self, draft: Draft) -> None:
        entry = draft.entry
        app = draft.targets.get("app")
        signature = draft.targets.get("signature")
        self._region(draft, app)
        if entry.scope is not None:
            draft.set("scope", entry.scope)
        elif app is not None:
            draft.set("scope", app.inputs.get("scope"), app.origin("scope"))
        self._template_type(draft, signature)
        if signature is not None and not signature.broken:
            # a broken signature's name reports its own problems; do not repeat them here
            name = signature.inputs["signature_name"]
            draft.set("signature_name", name, signature.origin("signature_name"))
        if draft.inputs.get("scope") != "intl" or entry.universal:
            draft.set("universal_template", 1 if entry.universal else 0)
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

    def _template_type(self, draft: Draft, signature: Draft | None) -> None:
        entry = draft.entry
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
        elif signature is not None and sig_type is not None:
            draft.set("template_type", sig_type, signature.origin("signature_type"))
        elif draft.inputs.get("scope") == "intl":
            draft.set("template_type", "NOTIFY_TYPE")

    def _same_region(self, draft: Draft, app: Draft) -> None:
        region, app_region = draft.inputs.get("region"), app.inputs.get("region")
        if draft.entry.region is not None and app_region and region != app_region:
            self.source.error(
                (*draft.path, "region"),
                f"is {region} but app {draft.entry.app!r} is in {app_region}; "
                "an entry lives in its app's region (omit region to inherit it)",
            )

    # -- the rules of providers.rules, on the catalog's lines

    def run_rules(self, draft: Draft) -> None:
        unknown = dict.fromkeys([*draft.references, *draft.unsure], rules.UNKNOWN)
        inputs = {**draft.inputs, **unknown}
        for problem in rules.check(draft.kind, inputs, root=self.root):
            self.source.error(self._locate(draft, problem.property), problem.message)

    def _locate(self, draft: Draft, prop: str) -> Path_:
        match = _PROPERTY.match(prop)
        if match is None or match["head"] not in BY_NAME[draft.kind].catalog_names:
            return draft.path
        path = draft.origin(match["head"])
        rest = _REST.match(match["rest"])
        if rest is None:
            return path
        if rest["index"] is not None:
            path = (*path, int(rest["index"]))
        if rest["field"] is not None:
            path = (*path, VARIABLE_FIELDS.get(rest["field"], rest["field"]))
        return path


def _lookup_key(kind: str, region: str, name: str, signature_type: str | None) -> str:
    """The lookup's resource name: stable for the same object, whatever the name's script."""
    digest = hashlib.sha256(f"{kind}\n{region}\n{name}\n{signature_type}".encode()).hexdigest()
    return f"existing-{kind}-{digest[:12]}"


def _relative(path: Path, root: Path) -> str:
    """A path relative to the project root when inside it (stable across machines)."""
    resolved, base = path.resolve(), root.resolve()
    if resolved.is_relative_to(base):
        return os.path.relpath(resolved, base)
    return str(resolved)
