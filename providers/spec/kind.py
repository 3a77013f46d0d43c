"""A kind of MSGSMS object (app, file, signature, template): the one place that says what it is.

A :class:`Kind` holds the kind's catalog section, its fields (:class:`~.field.Field`), the
outputs of its resource, what the stack exports of each entry and which of that is secret,
and its resource class. The catalog, the rules, the program, the command line and the docs
iterate :data:`providers.spec.KINDS` instead of naming the kinds.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from .field import Field, Output
from .vocabulary import REGIONS, WAIT_FOR

__all__ = ["ADOPT", "OPTION_FIELDS", "REGION", "WAIT_FIELDS", "Kind"]


@dataclass(frozen=True)
class Kind:
    #: The kind's name: ``app``, ``file``, ``signature``, ``template``.
    name: str
    #: Its catalog section, also the group of its stack outputs: ``apps``...
    section: str
    #: Its resource's name in messages and in the type token: ``App``...
    title: str
    #: One line: what an entry of this kind is.
    description: str
    fields: tuple[Field, ...]
    #: The resource's outputs besides its inputs.
    outputs: tuple[Output, ...]
    #: The input that names the object in messages.
    name_key: str
    #: The outputs the stack exports per entry (``id`` first).
    exports: tuple[str, ...]
    #: The output another entry's reference to this one takes (an app's ``id``...).
    reference_output: str | None = None
    #: Reviewed kinds: exported output -> the field of a review decision that gives it.
    decided: Mapping[str, str] = field(default_factory=dict)
    #: ``module:Class`` of the resource (imported on first use: the resources import the
    #: specs, not the other way round).
    resource: str = ""
    #: Kinds whose catalog entries are built before this kind's (it takes from them).
    catalog_after: tuple[str, ...] = ()

    def field(self, name: str) -> Field:
        for candidate in self.fields:
            if candidate.name == name:
                return candidate
        raise KeyError(f"{self.name} has no field {name!r}")

    # -- derived views

    @cached_property
    def inputs(self) -> tuple[Field, ...]:
        """The resource's inputs."""
        return tuple(f for f in self.fields if f.input)

    @cached_property
    def catalog_fields(self) -> tuple[Field, ...]:
        """The fields an entry of the catalog writes, each spelling once: the kind's own
        first, then those ``defaults`` may set too."""
        seen: set[str] = set()
        found = []
        for f in sorted(self.fields, key=lambda f: f.defaultable):
            if f.catalog is not None and f.catalog not in seen:
                seen.add(f.catalog)
                found.append(f)
        return tuple(found)

    @cached_property
    def catalog_names(self) -> Mapping[str, str]:
        """Input -> the catalog field a problem of it is shown on."""
        return {f.name: f.catalog for f in self.fields if f.catalog is not None}

    @cached_property
    def replace_keys(self) -> frozenset[str]:
        return frozenset(f.name for f in self.inputs if f.replaces)

    @cached_property
    def unshown(self) -> frozenset[str]:
        """Remote inputs the API does not show: ``read`` keeps their stored values."""
        return frozenset(f.name for f in self.inputs if f.remote and not f.shown)

    @cached_property
    def review_only(self) -> frozenset[str]:
        return frozenset(f.name for f in self.inputs if f.review_only)

    @cached_property
    def secret_outputs(self) -> tuple[str, ...]:
        return tuple(o.name for o in self.outputs if o.secret)

    @cached_property
    def kept_outputs(self) -> frozenset[str]:
        return frozenset(o.name for o in self.outputs if o.kept)

    @cached_property
    def output_names(self) -> tuple[str, ...]:
        return tuple(o.name for o in self.outputs)

    def resource_class(self) -> Any:
        module, _, name = self.resource.partition(":")
        return getattr(importlib.import_module(module), name)


#: The endpoint region every kind takes (not part of the request body: it picks the endpoint).
REGION = Field(
    "region",
    description="Endpoint region; default: defaults.region, else the stack's msgsms:region",
    catalog="region",
    defaultable=True,
    derived=True,
    required=True,
    choices=REGIONS,
    api="",
    shown=False,
    replaces=True,
)


def ADOPT(default: bool, natural_key: str) -> Field:
    """``adopt``: take over an existing object with the same natural key."""
    return Field(
        "adopt",
        "bool",
        description="Take over an existing object with the same natural key instead of "
        f"creating one ({natural_key}; default {str(default).lower()})",
        catalog="adopt",
        defaultable=True,
        remote=False,
        default=default,
    )


#: What the catalog says about the wait for review (the program hands it to the Reviews
#: resource; the signature or template never sees it).
WAIT_FIELDS = (
    Field(
        "wait_for",
        description="none: leave the review to run; approved: wait for it (up to "
        "wait_timeout), and fail the run if it is rejected",
        catalog="wait_for",
        defaultable=True,
        choices=WAIT_FOR,
        input=False,
        remote=False,
    ),
    Field(
        "wait_timeout",
        "number",
        description="Seconds to wait for the review with wait_for: approved (default 600)",
        catalog="wait_timeout",
        defaultable=True,
        input=False,
        remote=False,
    ),
)


#: Pulumi resource options every entry may set (the first two also in ``defaults``).
OPTION_FIELDS = (
    Field(
        "protect",
        "bool",
        description="Pulumi's protect: the object is neither deleted nor replaced; a run that "
        "would do either fails naming it",
        catalog="protect",
        defaultable=True,
        input=False,
        remote=False,
        option=True,
    ),
    Field(
        "retain_on_delete",
        "bool",
        description="Pulumi's retain_on_delete: removing the entry (or a destroy) forgets the "
        "object and leaves it in place",
        catalog="retain_on_delete",
        defaultable=True,
        input=False,
        remote=False,
        option=True,
    ),
    Field(
        "aliases",
        "str_list",
        description="The earlier keys of this entry: renaming a key with its old key listed "
        "changes nothing remotely",
        catalog="aliases",
        input=False,
        remote=False,
        option=True,
    ),
)
