"""Loading a catalog: read it, check its types, build its declarations, run every rule."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from providers.spec import KINDS

from . import layout
from .build import Builder
from .checks import cross_checks
from .results import Catalog, CatalogError, CatalogProblem, Declaration
from .source import Path_, Source

__all__ = ["check_catalog", "load_catalog"]


def _build_order() -> list[str]:
    """The kinds in dependency order, each after the kinds it takes from in the catalog."""
    order: list[str] = []
    pending = list(KINDS)
    while pending:
        kind = next(k for k in pending if set(k.catalog_after) <= set(order))
        order.append(kind.name)
        pending.remove(kind)
    return order


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
    source = Source(path, str(path))
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
    document = _checked(source, {} if data is None else data, (), None)
    if document is None:
        return None, _ordered(source.problems), source.warnings
    builder = Builder(
        source,
        document.defaults or layout.no_defaults(),
        Path(root) if root is not None else Path.cwd(),
        default_region,
    )
    for kind in KINDS:
        entries = getattr(document, kind.section) or {}
        builder.keys[kind.section] = list(entries)
        for key, raw in entries.items():
            entry = _checked(source, raw, (kind.section, key), kind.name)
            builder.add(kind.name, key, entry)
    for name in _build_order():
        for draft in builder.drafts[name].values():
            before = len(source.problems)
            builder.build(draft)
            builder.run_rules(draft)
            draft.broken = len(source.problems) > before
    cross_checks(source, builder)
    if not any(builder.keys.values()) and not getattr(document, "allow_empty", False):
        source.error(
            (),
            "declares nothing: `pulumi up` with an empty catalog deletes every signature and "
            "template of the stack. If that is what you want, add `allow_empty: true` at the "
            "top level; otherwise restore the entries (were they commented out?)",
        )
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
        for kind in KINDS
        for draft in builder.drafts[kind.name].values()
    )
    catalog = Catalog(path, declarations, tuple(warnings), tuple(builder.lookups.values()))
    return catalog, problems, warnings


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


def _checked(source: Source, data: Any, where: Path_, kind: str | None) -> layout.Values | None:
    """An entry of ``kind`` (the document when None), its types checked; None when it has
    problems, each reported. The entry models (pydantic) are imported only when the plain
    check is in doubt (see :mod:`.layout`)."""
    checked = layout.document(data) if kind is None else layout.ENTRY_CHECKS[kind](data)
    if checked is not None:
        return checked
    from .entries import ENTRIES, Document
    from .messages import validate

    return validate(source, Document if kind is None else ENTRIES[kind], data, where)


def _ordered(problems: Sequence[CatalogProblem]) -> list[CatalogProblem]:
    unique = dict.fromkeys(problems)
    return sorted(unique, key=lambda p: p.line)
