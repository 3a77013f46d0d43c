"""``export_catalog``: read the regions, make the entries, write the catalog, and leave out
what the catalog's own checks refuse until it validates as written; and what it gives back.
"""

from __future__ import annotations

import tempfile
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import yaml

from providers.catalog import check_catalog
from providers.client import SmsClient

from .build import cascade, catalog_entries
from .entry import KIND_OF_SECTION, SECTIONS, Entry, Kind
from .read import read_region
from .render import document_of, header_lines, render_catalog

__all__ = ["ExportError", "Exported", "LeftOut", "export_catalog"]

# Rounds of leaving out what the catalog's checks refuse; each round leaves out at least one
# entry, and what depends on it, so the count of entries bounds it as well.
_MAX_ROUNDS = 20


class ExportError(Exception):
    """Nothing was exported; the message says why and what to do."""


@dataclass(frozen=True)
class LeftOut:
    """An entry written commented out, and why."""

    kind: Kind
    key: str
    name: str
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class Exported:
    """The catalog text, what it declares per kind, and what it leaves out."""

    text: str
    counts: Mapping[Kind, int]
    left_out: tuple[LeftOut, ...]

    def summary(self) -> str:
        parts = []
        for kind, section in SECTIONS.items():
            count = self.counts.get(kind, 0)
            parts.append(f"{count} {kind if count == 1 else section}")
        text = ", ".join(parts)
        if self.left_out:
            text += f"; {len(self.left_out)} left out as comments, each with the reason"
        return text


def _problems(text: str) -> list[tuple[str, str, str]]:
    """The catalog's problems as (section, key, message); raises for any it cannot place."""
    with tempfile.TemporaryDirectory(prefix="msgsms-export-") as directory:
        path = Path(directory) / "exported.sms.yaml"
        path.write_text(text, encoding="utf-8")
        catalog, problems, _ = check_catalog(path, root=directory)
    placed = []
    for problem in problems:
        section, _, rest = problem.path.partition(".")
        key = rest.split(".", 1)[0]
        if section not in KIND_OF_SECTION or not key:
            raise RuntimeError(f"the exported catalog has a problem outside its entries: {problem}")
        placed.append((section, key, problem.message))
    if catalog is None and not placed:
        raise RuntimeError("the exported catalog does not load, and no entry is to blame")
    return placed


def _require_some(entries: Sequence[Entry], regions: Sequence[str]) -> None:
    """Stop when the catalog would declare nothing: what a wrong region or account gives."""
    if not entries:
        raise ExportError(
            f"no apps in {', '.join(regions)}: nothing to export. Check the regions (--region) "
            "and that the credentials are those of the account that owns the apps"
        )
    if all(e.left_out for e in entries):
        apps = "; ".join(f"{e.name!r}: {e.reasons[0]}" for e in entries if e.kind == "app")
        raise ExportError(f"nothing can be adopted as it is: every app is left out ({apps})")


def export_catalog(
    client: SmsClient,
    regions: Sequence[str],
    *,
    app_names: Iterable[str] = (),
    now: datetime | None = None,
) -> Exported:
    """Read the apps (all, or those named ``app_names``) of ``regions`` with their signatures
    and templates, and write them as a catalog that adopts them (see :mod:`providers.export`).
    Only read operations are called.

    Raises :class:`ExportError` when an app named in ``app_names`` is in none of the regions;
    API errors (``providers.client.errors``) pass through.
    """
    names = frozenset(app_names)
    read = [read_region(client, region, names) for region in regions]
    missing = names - {app.app_name for region in read for app in region.apps}
    if missing:
        raise ExportError(
            f"no app named {', '.join(sorted(map(repr, missing)))} in {', '.join(regions)}: "
            "check the names (--app takes an app's exact name) and the regions (--region)"
        )
    entries = catalog_entries(read)
    cascade(entries)
    header = header_lines(regions, lambda r: client.endpoint("msgsms", r), now or datetime.now(UTC))
    by_key = {(SECTIONS[e.kind], e.key): e for e in entries}
    for _ in range(_MAX_ROUNDS):
        _require_some(entries, regions)
        text = render_catalog(entries, header)
        loaded = yaml.safe_load(text)
        if loaded != document_of(entries):
            raise RuntimeError("the exported catalog does not read back as written")
        problems = _problems(text)
        if not problems:
            break
        for section, key, message in problems:
            entry = by_key[section, key]
            reason = f"the catalog's checks refuse it: {message}"
            if reason not in entry.reasons:
                entry.reasons.append(reason)
        cascade(entries)
    else:
        raise RuntimeError("the exported catalog still has problems after leaving entries out")
    kept = Counter(e.kind for e in entries if not e.left_out)
    left_out = tuple(
        LeftOut(e.kind, e.key, e.name, tuple(e.reasons)) for e in entries if e.left_out
    )
    return Exported(text, {kind: kept.get(kind, 0) for kind in SECTIONS}, left_out)
