"""The Pulumi program: this stack's catalog, declared as MSGSMS resources.

Stack config (namespace ``msgsms``), else the environment (``MSGSMS_CATALOG``,
``MSGSMS_REGION``, then ``HW_REGION_NAME``): ``catalog`` is the catalog file, relative to the
project root (default ``stacks/<stack>.sms.yaml``); ``region`` is the region of entries that
name none. A catalog with problems stops the program before any resource is
declared, listing every problem as ``file:line: path: message``.

The program is the ``pulumi.run`` entry point :func:`main`, so that registrations leave while
later entries are still being declared. Each entry becomes a resource named after its logical
key. References become Outputs of the resource they name (an app's id, a file's
``file_id``, a signature's id), so the engine orders creates apps first, then files,
signatures and templates, and deletes in reverse. The entries with ``wait_for: approved`` are
waited for together by one ``msgsms:Reviews`` resource named ``reviews``, once they are all
submitted (so that no review holds a provider thread).

Stack outputs, grouped by kind and keyed like the catalog (``pulumi stack output --json``):
``apps`` (id, app_key, app_secret as a secret, status), ``files`` (id, file_id),
``signatures`` (id, signature_id, status, channel_num, review_desc) and ``templates``
(id, template_id, flow_status, segments, review_desc); for a waited entry the review fields
are the outcome of the wait.
"""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, NamedTuple

import pulumi

from providers.catalog import EXISTING, Catalog, CatalogError, Reference, load_catalog
from providers.environment import stack_setting
from providers.resources import Existing, MsgsmsResource, Reviews, waited
from providers.spec import BY_NAME, Kind

ROOT = Path(__file__).resolve().parent

# The Pulumi SDK makes dozens of objects per resource and output (Outputs, futures, tasks) that
# live until the program ends, and CPython's collector, at its default thresholds (700, 10, 10),
# traverses them again and again: about 1.2 s of a no-op `up` of a thousand templates, a fifth of
# the pass (0.15 s with these). A program that declares and exits needs far fewer collections;
# what it loaded before declaring (modules, the catalog) is moved out of their way (`gc.freeze`).
gc.set_threshold(10_000, 10, 10)


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


class Declared(NamedTuple):
    """What the program declared: a resource per entry by (kind, key); the Reviews resource
    and the review keys (``templates/<key>``) it waits for, if any entry waits."""

    resources: dict[tuple[str, str], MsgsmsResource]
    reviews: Reviews | None
    waited: frozenset[str]


async def declare(catalog: Catalog) -> Declared:
    """Declare one resource per catalog entry (references resolve to Outputs of earlier ones),
    and the one Reviews resource that waits for those with ``wait_for: approved``.

    After each entry the event loop gets a turn, in which the SDK sends the registrations
    declared so far: the engine and the provider work on them while the rest are declared.
    """
    declared: dict[tuple[str, str], MsgsmsResource] = {}
    objects = []
    keys = []

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
        waits = waiting.get("wait_for") == "approved"
        resource = kind.resource_class()(
            declaration.key, inputs, _options(options), outputs=_used_outputs(kind, waits)
        )
        declared[declaration.kind, declaration.key] = resource
        await asyncio.sleep(0)
        if waits:
            key = _review_key(declaration.kind, declaration.key)
            objects.append(waited(key, resource, waiting.get("wait_timeout")))
            keys.append(key)
    reviews = Reviews("reviews", objects) if objects else None
    return Declared(declared, reviews, frozenset(keys))


def _used_outputs(kind: Kind, waits: bool) -> list[str]:
    """The outputs this program reads: exports, what references take, and when a review was
    submitted for an entry waited for (each attribute costs the SDK an Output per resource)."""
    used = {*kind.exports, kind.reference_output, *(("submitted_at",) if waits else ())}
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


def export(declared: Declared) -> None:
    """Export the useful outputs of every resource, grouped by kind and keyed like the catalog;
    for a waited entry, what its review decided.

    An entry is one Output (a dict) unless its kind has secret outputs: the SDK's cost grows with
    every Output the stack outputs hold (five per entry cost a no-op ``up`` of a thousand
    templates 0.35 s more than one). A secret output would make the whole dict secret, so an
    app's entry stays a dict of Outputs: its secret masked, its id readable.
    """
    groups: dict[str, dict[str, object]] = {k.section: {} for k in BY_NAME.values()}
    reviews = declared.reviews
    decisions = reviews.decisions.apply(_Decisions) if reviews is not None else None
    for (name, key), resource in declared.resources.items():
        kind = BY_NAME[name]
        values = [getattr(resource, output) for output in kind.exports]
        entry: object
        if kind.secret_outputs:
            entry = {
                output: pulumi.Output.secret(value) if output in kind.secret_outputs else value
                for output, value in zip(kind.exports, values, strict=True)
            }
        elif decisions is not None and _review_key(name, key) in declared.waited:
            entry = pulumi.Output.all(decisions, *values).apply(
                _Entry(kind.exports, kind.decided, _review_key(name, key))
            )
        else:
            entry = pulumi.Output.all(*values).apply(_Entry(kind.exports))
        groups[kind.section][key] = entry
    for group, entries in groups.items():
        pulumi.export(group, entries)


class _Entry:
    """Builds an exported entry from the resolved outputs (``exports`` in order); for a waited
    entry, led by the wait's decisions, whose fields replace those ``decided`` names."""

    def __init__(
        self, exports: Sequence[str], decided: Mapping[str, str] | None = None, key: str = ""
    ) -> None:
        self.exports, self.decided, self.key = exports, decided, key

    def __call__(self, values: list[Any]) -> dict[str, object]:
        if self.decided is None:
            return dict(zip(self.exports, values, strict=True))
        decisions, *own = values
        entry = dict(zip(self.exports, own, strict=True))
        decision = decisions.by_key.get(self.key)
        if decision is not None:
            for output, field in self.decided.items():
                entry[output] = decision.get(field)
        return entry


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


async def main() -> None:
    """Load the stack's catalog, declare its entries and export their outputs.

    This runs as the program's ``pulumi.run`` entry point, after the module, on the event
    loop. Declaring a resource only queues its registration on that loop, which a module's
    top-level code never lets run: a program declaring everything there sends nothing until
    its last resource is declared, and the engine and the provider wait idle meanwhile, about
    a seventh of a no-op ``up`` of a thousand templates (``docs/performance.md``).
    """
    catalog = load_stack_catalog()
    gc.freeze()  # the modules and the catalog live as long as the program: never collected
    export(await declare(catalog))


pulumi.run(main)
