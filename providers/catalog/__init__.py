"""The stack catalog: a YAML file of apps, signature files, signatures and templates.

:func:`load_catalog` reads a catalog, checks it completely (YAML, types, the API's rules of
:mod:`providers.rules`, references and other cross-entry rules) and returns a
:class:`Catalog` of :class:`Declaration` s in dependency order, or raises
:class:`CatalogError` listing every problem as ``file:line: path: message``.

A declaration carries the resource inputs of its kind (:mod:`providers.spec`). Inputs that
point at another declaration (``app_id``, ``file_id``, ``power_attorney_file_id``,
``sign_id``) are not in ``inputs`` but in ``references``; the program resolves them to the
other resource's output, e.g.
``inputs = decl.resolve(lambda ref: getattr(created[ref.kind, ref.key], ref.output))``.

The modules: :mod:`.source` (YAML with line numbers), :mod:`.layout` (what a catalog may
hold, and its type check without pydantic), :mod:`.entries` (the entry models, made from the
kinds' fields; imported on first use, see :mod:`.layout`), :mod:`.messages` (type errors in a
catalog author's words),
:mod:`.build` (entries to declarations), :mod:`.checks` (rules across entries),
:mod:`.results`, :mod:`.load`, :mod:`.schema` (the JSON Schema for editors).
"""

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from providers.spec import KINDS as _KINDS

from .layout import KEY_PATTERN, NOT_EXPOSED
from .load import check_catalog, load_catalog
from .results import (
    EXISTING,
    Catalog,
    CatalogError,
    CatalogProblem,
    Declaration,
    Kind,
    Lookup,
    Reference,
    TemplateEstimate,
)

if TYPE_CHECKING:
    from .entries import (
        ENTRIES,
        Defaults,
        Document,
        Entry,
        ExistingEntry,
        VariableEntry,
        field_choices,
    )

#: The names of :mod:`.entries`, which imports pydantic: loaded on first use.
_ENTRY_NAMES = frozenset(
    {"ENTRIES", "Defaults", "Document", "Entry", "ExistingEntry", "VariableEntry", "field_choices"}
)


def __getattr__(name: str) -> Any:
    if name in _ENTRY_NAMES:
        from . import entries

        return getattr(entries, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


#: Input -> the catalog field that spells it, per kind.
CATALOG_FIELDS: Mapping[str, Mapping[str, str]] = {kind.name: kind.catalog_names for kind in _KINDS}

__all__ = [
    "CATALOG_FIELDS",
    "ENTRIES",
    "EXISTING",
    "KEY_PATTERN",
    "NOT_EXPOSED",
    "Catalog",
    "CatalogError",
    "CatalogProblem",
    "Declaration",
    "Defaults",
    "Document",
    "Entry",
    "ExistingEntry",
    "Kind",
    "Lookup",
    "Reference",
    "TemplateEstimate",
    "VariableEntry",
    "check_catalog",
    "field_choices",
    "load_catalog",
]
