"""What each kind of MSGSMS object is, in one place per kind (see :mod:`.kind`).

:data:`KINDS` lists them in dependency order (an entry refers only to kinds before it);
everything that handles all kinds iterates it.
"""

from __future__ import annotations

from collections.abc import Mapping

from .app import APP
from .field import CatalogForm, Field, Output, ValueKind
from .file import FILE
from .kind import Kind
from .signature import SIGNATURE
from .template import TEMPLATE

__all__ = [
    "APP",
    "BY_NAME",
    "BY_SECTION",
    "FILE",
    "KINDS",
    "LOOKUP_OUTPUTS",
    "SIGNATURE",
    "TEMPLATE",
    "CatalogForm",
    "Field",
    "Kind",
    "Output",
    "ValueKind",
]

#: What a catalog can name instead of declaring (``{existing: name}``), and the output of the
#: lookup a reference to it takes.
LOOKUP_OUTPUTS: Mapping[str, str] = {"app": "id", "signature": "id", "file": "file_id"}

#: Every kind, in dependency order: apps, files, signatures, templates.
KINDS: tuple[Kind, ...] = (APP, FILE, SIGNATURE, TEMPLATE)
BY_NAME: Mapping[str, Kind] = {kind.name: kind for kind in KINDS}
BY_SECTION: Mapping[str, Kind] = {kind.section: kind for kind in KINDS}
