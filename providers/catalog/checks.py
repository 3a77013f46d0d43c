"""The rules across entries: keys, the uniqueness the platform enforces, and quotas."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any

from providers import rules
from providers.spec import KINDS

from .build import Builder, Draft
from .layout import KEY_PATTERN
from .source import Source

__all__ = ["cross_checks"]

_KEY = re.compile(KEY_PATTERN)


def cross_checks(source: Source, builder: Builder) -> None:
    drafts = [d for kind in KINDS for d in builder.drafts[kind.name].values()]
    owner: dict[str, str] = {}
    for section in (kind.section for kind in KINDS):
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
    _aliases(source, builder)
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


def _aliases(source: Source, builder: Builder) -> None:
    """An alias is an earlier key of its entry: a valid key, not a key in use in its section,
    and claimed by one entry only."""
    for kind in KINDS:
        current = set(builder.keys.get(kind.section, ()))
        claimed: dict[str, str] = {}
        for draft in builder.drafts[kind.name].values():
            for index, alias in enumerate(draft.inputs.get("aliases") or ()):
                where = (*draft.path, "aliases", index)
                if not isinstance(alias, str) or not _KEY.match(alias):
                    source.error(
                        where, f"{alias!r} is not a key (a letter, then letters, digits, _ and -)"
                    )
                elif alias in current:
                    source.error(
                        where,
                        f"{alias!r} is a key of {kind.section} now; an alias names the key an "
                        "entry had before, which no entry has any more",
                    )
                elif alias in claimed:
                    source.error(where, f"{alias!r} is already an alias of {claimed[alias]}")
                else:
                    claimed[alias] = draft.key


def _unique(
    source: Source,
    drafts: Sequence[Draft],
    natural_key: Callable[[Draft], tuple[Any, ...]],
    prop: str,
    message: Callable[[Draft], str],
) -> None:
    seen: dict[tuple[Any, ...], Draft] = {}
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


def _quotas(source: Source, builder: Builder) -> None:
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
    per_app: tuple[tuple[str, str], ...] = (
        ("signature", "signatures_per_app"),
        ("template", "templates_per_app"),
    )
    for kind, quota_name in per_app:
        # an existing app is another team's: its quota is theirs to watch
        counts = Counter(
            d.entry.app for d in builder.drafts[kind].values() if isinstance(d.entry.app, str)
        )
        quota = rules.QUOTAS[quota_name]
        for app, count in counts.items():
            if count > quota:
                source.warn(
                    ("apps", app),
                    f"{count} {kind}s in this app; the default quota is {quota} "
                    "(ask Huawei Cloud to raise it, or creating the excess fails)",
                )
