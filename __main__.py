"""The Pulumi program: this stack's catalog, declared as MSGSMS resources.

Stack config (namespace ``msgsms``), else the environment (``MSGSMS_CATALOG``,
``MSGSMS_REGION``, then ``HW_REGION_NAME``): ``catalog`` is the catalog file, relative to the
project root (default ``stacks/<stack>.sms.yaml``); ``region`` is the region of entries that
name none. A catalog with problems stops the program before any resource is
declared, listing every problem as ``file:line: path: message``.

Each entry becomes a resource named after its logical key. References become Outputs of the
resource they name (an app's id, a file's ``file_id``, a signature's id), so the engine orders
creates apps first, then files, signatures and templates, and deletes in reverse. The entries
with ``wait_for: approved`` are waited for together by one ``msgsms:Reviews`` resource named
``reviews``, once they are all submitted (so that no review holds a provider thread).

Stack outputs, grouped by kind and keyed like the catalog (``pulumi stack output --json``):
``apps`` (id, app_key, app_secret as a secret, status), ``files`` (id, file_id),
``signatures`` (id, signature_id, status, channel_num, review_desc) and ``templates``
(id, template_id, flow_status, segments, review_desc); for a waited entry the review fields
are the outcome of the wait.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pulumi

from providers.catalog import EXISTING, Catalog, CatalogError, Reference, load_catalog
from providers.environment import stack_setting
from providers.resources import Existing, MsgsmsResource, Reviews, waited
from providers.spec import BY_NAME, Kind

ROOT = Path(__file__).resolve().parent


def _shown(path: Path) -> Path:
    """The path as the user would type it: relative when it lies below the working directory."""
    cwd = Path.cwd()
    return path.relative_to(cwd) if path.is_relative_to(cwd) else path


def load_stack_catalog() -> Catalog:
    """Load the catalog named by the stack config, or stop the program listing its problems."""
    config = pulumi.Config("msgsms")
    configured = Path(
        stack_setting("catalog", config.get("catalog")) or f"stacks/{pulumi.get_stack()}.sms.yaml"
    )
    path = configured if configured.is_absolute() else ROOT / configured
    if not path.is_file():
        raise pulumi.RunError(
            f"stack {pulumi.get_stack()!r} has no catalog at {_shown(path)}: create it, or point "
            "the stack at one with `pulumi config set msgsms:catalog <path>`"
        )
    region = stack_setting("region", config.get("region"))
    try:
        catalog = load_catalog(_shown(path), root=ROOT, default_region=region)
    except CatalogError as exc:
        lines = [str(problem) for problem in (*exc.problems, *exc.warnings)]
        raise pulumi.RunError(
            f"the catalog {_shown(path)} has {len(exc.problems)} problem(s); nothing was "
            "declared. Fix them (`python -m providers validate` checks offline):\n"
            + "\n".join(lines)
        ) from None
    for warning in catalog.warnings:
        pulumi.log.warn(str(warning))
    return catalog


def declare(catalog: Catalog) -> tuple[dict[tuple[str, str], MsgsmsResource], Reviews | None]:
    """Declare one resource per catalog entry (references resolve to Outputs of earlier ones),
    and the one Reviews resource that waits for those with ``wait_for: approved``."""
    declared: dict[tuple[str, str], MsgsmsResource] = {}
    objects = []

    # objects the catalog names but does not manage: read-only lookups, declared first
    lookups = {lookup.key: Existing(lookup.key, lookup.inputs) for lookup in catalog.lookups}

    def output(ref: Reference) -> pulumi.Output[str]:
        if ref.kind == EXISTING:
            return getattr(lookups[ref.key], ref.output)
        return getattr(declared[ref.kind, ref.key], ref.output)

    for declaration in catalog:  # dependency order: a reference names an earlier entry
        kind = BY_NAME[declaration.kind]
        inputs = declaration.resolve(output)
        # what is not an input of the resource: its options, and the wait for its review
        # (which goes to Reviews)
        extra = {f: inputs.pop(f.name) for f in kind.fields if f.name in inputs and not f.input}
        options = {f.name: value for f, value in extra.items() if f.option}
        waiting = {f.name: value for f, value in extra.items() if not f.option}
        resource = kind.resource_class()(
            declaration.key, inputs, _options(options), outputs=_used_outputs(kind)
        )
        declared[declaration.kind, declaration.key] = resource
        if waiting.get("wait_for") == "approved":
            key = _review_key(declaration.kind, declaration.key)
            objects.append(waited(key, resource, waiting.get("wait_timeout")))
    reviews = Reviews("reviews", objects) if objects else None
    return declared, reviews


def _used_outputs(kind: Kind) -> list[str]:
    """The outputs this program reads: exports, what references take, when a review was
    submitted (each attribute costs the SDK an Output per resource)."""
    used = {*kind.exports, kind.reference_output, "submitted_at"}
    return [name for name in kind.output_names if name in used]


def _options(options: Mapping[str, Any]) -> pulumi.ResourceOptions:
    """The Pulumi options an entry sets: protect, retain_on_delete, aliases (earlier keys)."""
    return pulumi.ResourceOptions(
        protect=options.get("protect"),
        retain_on_delete=options.get("retain_on_delete"),
        aliases=[pulumi.Alias(name=key) for key in options.get("aliases") or ()],
    )


def _review_key(kind: str, key: str) -> str:
    return f"{BY_NAME[kind].section}/{key}"


def export(declared: Mapping[tuple[str, str], MsgsmsResource], reviews: Reviews | None) -> None:
    """Export the useful outputs of every resource, grouped by kind and keyed like the catalog;
    for a waited entry, what its review decided."""
    groups: dict[str, dict[str, dict[str, object]]] = {k.section: {} for k in BY_NAME.values()}
    decisions = reviews.decisions.apply(_Decisions) if reviews is not None else None
    for (name, key), resource in declared.items():
        kind = BY_NAME[name]
        entry: dict[str, object] = {}
        for output in kind.exports:
            value = getattr(resource, output)
            if output in kind.secret_outputs:
                # stays encrypted in state and masked by `pulumi stack output`
                value = pulumi.Output.secret(value)
            elif decisions is not None and output in kind.decided:
                value = _decided(decisions, _review_key(name, key), kind.decided[output], value)
            entry[output] = value
        groups[kind.section][key] = entry
    for group, entries in groups.items():
        pulumi.export(group, entries)


class _Decisions:
    """The wait's decisions (key -> decision) in an object the SDK does not walk into.

    The SDK unwraps every dict an Output carries value by value each time it is combined
    (``Output.all`` makes an Output of each nested value): picking each of N entries from the
    N-entry dict itself cost N x N Outputs, minutes of program time for a few hundred waited
    entries.
    """

    __slots__ = ("by_key",)

    def __init__(self, by_key: Mapping[str, Mapping[str, Any]] | None) -> None:
        self.by_key = by_key or {}


def _decided(
    decisions: pulumi.Output[_Decisions], key: str, field: str, fallback: object
) -> pulumi.Output[object]:
    """The review decision's ``field`` for ``key``, or the resource's own output when the
    entry is not waited for."""
    return pulumi.Output.all(decisions, fallback).apply(
        lambda both: both[0].by_key[key].get(field) if key in both[0].by_key else both[1]
    )


export(*declare(load_stack_catalog()))
