"""One catalog entry being made from a live object: its kind, its fields in catalog order, its
comments, the entries it refers to, and why it is left out, if it is."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

__all__ = ["KIND_OF_SECTION", "SECTIONS", "Entry", "Kind"]

Kind = Literal["app", "signature", "template"]
SECTIONS: Mapping[Kind, str] = {"app": "apps", "signature": "signatures", "template": "templates"}
KIND_OF_SECTION = {section: kind for kind, section in SECTIONS.items()}


@dataclass
class Entry:
    """One catalog entry being made: its fields in catalog order and its comments."""

    kind: Kind
    name: str
    #: what its key is derived from, and what makes it unique (for a second choice)
    base: str
    identity: str
    fields: dict[str, Any]
    #: comment lines above the entry
    notes: list[str] = field(default_factory=list)
    #: comment lines at its end: fields the API cannot give back
    missing: list[str] = field(default_factory=list)
    #: the entries it refers to
    needs: list[Entry] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    key: str = ""

    @property
    def left_out(self) -> bool:
        return bool(self.reasons)
