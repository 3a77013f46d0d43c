"""The one description of a field: how the catalog spells it, what the API calls it, the rules
its value must meet, and how a resource treats it.

Everything that handles fields is derived from these descriptors: the catalog's entry models
and its JSON Schema (:mod:`providers.catalog`), the field rules of ``validate`` and ``check``
(:mod:`providers.rules`), the resources' inputs, ``...Args`` classes, request bodies and
read-back (:mod:`providers.resources`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal

__all__ = ["CatalogForm", "Field", "Output", "ValueKind"]

#: How a value travels through the engine and is compared (see ``resources.schema``).
ValueKind = Literal["str", "int", "number", "bool", "yes_no", "int_set", "variables", "str_list"]

#: How the catalog writes a field: as the value itself, as ``true``/``false`` for ``Yes``/``No``
#: (``yes_no``) or for ``1``/``0`` (``flag``), as catalog variables (``variables``), or as the
#: key of another entry whose output the field takes (``reference``).
CatalogForm = Literal["value", "yes_no", "flag", "variables", "reference"]


@dataclass(frozen=True)
class Field:
    """One field of a kind of object.

    ``name`` is the resource input: the API's snake_case name (``scope`` for the API's cn/intl
    ``region``, since ``region`` is the endpoint region).
    """

    name: str
    kind: ValueKind = "str"
    #: What the field means, for the catalog's schema, the docs and the ``...Args`` classes.
    description: str = ""

    # -- the catalog
    #: The field's spelling in a catalog entry; None: not written in the catalog.
    catalog: str | None = None
    catalog_form: CatalogForm = "value"
    #: For a reference: the kind of entry the key names.
    refers_to: str | None = None
    #: The entry cannot leave it out (else it may be inherited or derived).
    catalog_required: bool = False
    #: ``defaults`` of a catalog may set it for every entry that does not.
    defaultable: bool = False
    #: Set by the kind's catalog builder from other entries, not copied from the entry.
    derived: bool = False

    # -- the rules (what the API and its review accept)
    required: bool = False
    min_len: int = 0
    max_len: int | None = None
    choices: tuple[Any, ...] | None = None
    pattern: re.Pattern[str] | None = None
    pattern_hint: str = ""

    # -- the API
    #: The request body's name for it when it differs; ``""``: not in the request body.
    api: str | None = None
    #: The response's name for it when it differs from the request's.
    response: str | None = None

    # -- the resource
    #: An input of the resource (``wait_for`` is the catalog's, for the wait for review).
    input: bool = True
    #: A program declares it (``sha256`` is added by ``check``).
    declared: bool = True
    #: A Pulumi resource option (``protect``...), not an input: the program passes it in the
    #: resource's options.
    option: bool = False
    #: Part of the remote object (sent to the API or known to it); the others only steer the
    #: provider (``adopt``) or the catalog.
    remote: bool = True
    #: The API shows it back; if not, ``read`` keeps the stored value.
    shown: bool = True
    #: The value the server (or the provider) assumes when it is absent.
    default: Any = None
    #: When absent, the server decides (so an absent input never differs from the live value).
    inherited: bool = False
    #: A change replaces the object.
    replaces: bool = False
    #: Only the reviewer reads it: outside a rejection a change is kept with a notice.
    review_only: bool = False

    @property
    def request_name(self) -> str | None:
        """The request body's name, or None when the field is not sent."""
        if not self.remote or self.api == "":
            return None
        return self.api or self.name

    @property
    def response_name(self) -> str:
        return self.response or self.api or self.name


@dataclass(frozen=True)
class Output:
    """An output of a resource besides its inputs."""

    name: str
    #: The Python type of its value (``str | None`` ...), for the resource's attributes.
    type: Any = str
    description: str = ""
    #: Stored encrypted by the engine (``additional_secret_outputs``).
    secret: bool = False
    #: Only a create answer shows it: kept from the stored outputs afterwards.
    kept: bool = False
