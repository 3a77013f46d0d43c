"""The steps of one pass, following the engine's step generator and step executor.

A :class:`Deployment` holds the previous checkpoint, the resources of this pass and the default
provider process. The program's registrations arrive through :meth:`Deployment.register` (from
the resource monitor); :meth:`finish` then deletes what the program no longer declares;
:meth:`refresh` and :meth:`destroy` work from the checkpoint alone. Each step kind has exactly
one implementation (``_same``, ``_create``, ``_update``, ``_delete``, ...), used by every pass.

The checkpoint is rewritten after every step, as the engine's snapshot manager does: resources
of this pass in the order they completed, then the previous resources not yet superseded, and
the create, update or delete under way as a pending operation. Deviation from the real engine:
registrations are handled one at a time, where the engine runs independent steps in parallel.
"""

from __future__ import annotations

import threading
import traceback
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.engine.properties import (
    UNKNOWN,
    IgnoreChangesError,
    annotate_secrets,
    apply_ignore_changes,
    changed_keys,
    mark_secret_outputs,
    plain,
    replace_on_changes_keys,
)
from tests.engine.state import (
    STACK_TYPE,
    Checkpoint,
    PendingOperation,
    ResourceState,
    provider_urn,
)
from tests.engine.summary import StepRecord
from tests.support.provider_host import ProviderError, ProviderHost

__all__ = [
    "DEFAULT_PROVIDER_TYPE",
    "Deployment",
    "Goal",
    "Registered",
    "StepError",
    "schedule_deletes",
]

DEFAULT_PROVIDER_TYPE = "pulumi:providers:pulumi-python"
Props = dict[str, Any]


class StepError(Exception):
    """A step failed; the message is what the engine would report."""


@dataclass
class Goal:
    """A resource registration as the program sent it."""

    type: str
    name: str
    custom: bool
    inputs: Props
    parent: str = ""
    dependencies: list[str] = field(default_factory=list)
    property_dependencies: dict[str, list[str]] = field(default_factory=dict)
    protect: bool = False
    retain_on_delete: bool = False
    delete_before_replace: bool | None = None
    ignore_changes: list[str] = field(default_factory=list)
    additional_secret_outputs: list[str] = field(default_factory=list)
    replace_on_changes: list[str] = field(default_factory=list)
    provider: str = ""
    import_id: str = ""


@dataclass
class Registered:
    """The answer to a registration: the resource's URN, ID and outputs (wire form)."""

    urn: str
    id: str
    outputs: Props


@dataclass
class _Diff:
    changes: bool
    replaces: list[str]
    delete_before_replace: bool


class Deployment:
    """One pass over a stack. ``provider`` returns the provider process configured with the
    inputs it is given; ``provider_inputs`` is this pass's stack config in wire form."""

    def __init__(
        self,
        *,
        project: str,
        stack: str,
        preview: bool,
        previous: Checkpoint,
        checkpoint_path: Path | None,
        provider: Callable[[Props], ProviderHost],
        provider_inputs: Props,
    ) -> None:
        self.project = project
        self.stack = stack
        self.preview = preview
        self.previous = previous
        self.checkpoint_path = checkpoint_path
        self._provider = provider
        self.provider_inputs = provider_inputs
        self.steps: list[StepRecord] = []
        self.errors: list[str] = []
        self.warnings: list[str] = []
        self._lock = threading.RLock()
        self._cancelled = False
        self._olds = {r.urn: r for r in previous.resources if not r.delete}
        self._news: list[ResourceState] = []
        self._done: set[int] = set()  # ids of previous states superseded or deleted
        self._pending: list[PendingOperation] = []
        self._urns: set[str] = set()  # registered in this pass
        self._kept: set[str] = set()  # same, updated or replaced in this pass
        self._deleted: set[str] = set()  # deleted early by a delete-before-replace
        self._pending_deletes: set[int] = set()  # ids of states deleted by those
        self._provider_ref = ""

    # -- bookkeeping --

    @property
    def failed(self) -> bool:
        return bool(self.errors)

    def urn(self, parent: str, type_: str, name: str) -> str:
        qualified = type_
        if parent:
            parent_type = parent.split("::")[2]
            if parent_type != STACK_TYPE:
                qualified = f"{parent_type}${type_}"
        return f"urn:pulumi:{self.stack}::{self.project}::{qualified}::{name}"

    def _record(self, state: ResourceState, op: str, result: str | None = None) -> None:
        self.steps.append(StepRecord(state.urn, state.type, op, result))

    def _error(self, message: str) -> None:
        self.errors.append(message)

    def fail(self, message: str) -> None:
        """Record an error and stop: no further step runs in this pass."""
        with self._lock:
            self._error(message)
            self._cancelled = True

    def _mark_done(self, old: ResourceState | None) -> None:
        if old is not None:
            self._done.add(id(old))

    def _complete(
        self, new: ResourceState, superseded: ResourceState | None, *, persist: bool = True
    ) -> None:
        """``new`` joins the checkpoint, in place of ``superseded`` when given."""
        self._mark_done(superseded)
        self._news.append(new)
        if persist:
            self._persist()

    def snapshot(self) -> Checkpoint:
        remaining = [r for r in self.previous.resources if id(r) not in self._done]
        return Checkpoint.of([*self._news, *remaining], self._pending)

    def _persist(self) -> None:
        if not self.preview and self.checkpoint_path is not None:
            self.snapshot().save(self.checkpoint_path)

    @contextmanager
    def _changing(self, state: ResourceState, operation: str, call: str) -> Iterator[ProviderHost]:
        """A create, update or delete call, a pending operation in the checkpoint while it runs."""
        self._pending.append(PendingOperation(state, operation))
        self._persist()
        try:
            yield self._host()
        except ProviderError as exc:
            raise self._provider_failure(state, call, exc) from None
        finally:
            self._pending = [op for op in self._pending if op.resource is not state]
            self._persist()

    def _host(self) -> ProviderHost:
        """The provider process, configured as the engine configures the default provider:
        with this pass's config once the program has registered it, else with the config
        saved in the checkpoint (refresh, destroy, deleting what a program no longer uses)."""
        saved = self.previous.default_provider
        if self._provider_ref or saved is None:
            return self._provider(self.provider_inputs)
        return self._provider(saved.inputs)

    def _provider_failure(self, state: ResourceState, call: str, exc: ProviderError) -> StepError:
        return StepError(f"{state.urn}: {call} failed: {exc.reason or exc.details}")

    # -- registrations from the program --

    def register(self, goal: Goal) -> Registered:
        with self._lock:
            if self._cancelled:
                raise StepError("the deployment stopped after an earlier error")
            try:
                return self._register(goal)
            except StepError as exc:
                self.fail(str(exc))
                raise
            except Exception:
                message = (
                    f"offline engine error while registering {goal.name}:\n{traceback.format_exc()}"
                )
                self.fail(message)
                raise StepError(message) from None

    def register_outputs(self, urn: str, outputs: Props) -> None:
        with self._lock:
            for state in self._news:
                if state.urn == urn:
                    state.outputs = outputs
                    self._persist()
                    return

    def _register(self, goal: Goal) -> Registered:
        urn = self.urn(goal.parent, goal.type, goal.name)
        if urn in self._urns:
            raise StepError(f"Duplicate resource URN '{urn}'; try giving it a unique name")
        self._urns.add(urn)
        if goal.provider:
            raise StepError(f"{urn}: explicit providers are not supported by the offline engine")
        if goal.import_id:
            raise StepError(f"{urn}: import is not supported for dynamic providers (pulumi#16175)")
        if not goal.custom:
            return self._register_component(urn, goal)
        if goal.type.startswith("pulumi:providers:"):
            raise StepError(f"{urn}: provider resources are not supported by the offline engine")
        provider_ref = self._default_provider()
        old = self._olds.get(urn)
        inputs = goal.inputs
        if old is not None:
            try:
                inputs = apply_ignore_changes(goal.inputs, old.inputs, goal.ignore_changes)
            except IgnoreChangesError as exc:
                raise StepError(f"{urn}: {exc}") from None
        recreating = urn in self._deleted
        new = ResourceState(
            urn=urn,
            type=goal.type,
            custom=True,
            parent=goal.parent,
            provider=provider_ref,
            dependencies=list(goal.dependencies),
            property_dependencies={k: list(v) for k, v in goal.property_dependencies.items()},
            protect=goal.protect,
            retain_on_delete=goal.retain_on_delete,
            additional_secret_outputs=list(goal.additional_secret_outputs),
            ignore_changes=list(goal.ignore_changes),
            replace_on_changes=list(goal.replace_on_changes),
        )
        if recreating or old is None:
            new.inputs = self._check(new, {}, goal.inputs)
        else:
            new.inputs = self._check(new, old.inputs, inputs)
        if recreating:
            # Deleted earlier in this pass because a resource it depends on was deleted before
            # being replaced: it can only come back as a replacement.
            assert old is not None
            self._deleted.discard(urn)
            self._kept.add(urn)
            self._record(new, "replace")
            return self._create(new, old, replacing=True, pending_delete=False)
        if old is None:
            return self._create(new)
        return self._from_diff(goal, old, new)

    def _register_component(self, urn: str, goal: Goal) -> Registered:
        old = self._olds.get(urn)
        new = ResourceState(
            urn=urn,
            type=goal.type,
            custom=False,
            inputs=goal.inputs,
            outputs=dict(old.outputs) if old is not None else {},
            parent=goal.parent,
            dependencies=list(goal.dependencies),
            property_dependencies={k: list(v) for k, v in goal.property_dependencies.items()},
            protect=goal.protect,
            retain_on_delete=goal.retain_on_delete,
        )
        if old is None:
            op = "create"
        else:
            op = "same" if old.inputs == new.inputs else "update"
            self._kept.add(urn)
        self._record(new, op)
        self._complete(new, old)
        return Registered(urn, "", {})

    def _default_provider(self) -> str:
        """The default provider's reference, registering it on first use as the engine does."""
        if self._provider_ref:
            return self._provider_ref
        urn = self.urn("", DEFAULT_PROVIDER_TYPE, "default")
        old = self._olds.get(urn)
        new = ResourceState(urn=urn, type=DEFAULT_PROVIDER_TYPE, custom=True)
        new.inputs = dict(self.provider_inputs)
        new.outputs = dict(self.provider_inputs)
        if old is None:
            # The engine gives a provider created during a preview the unknown ID.
            new.id = UNKNOWN if self.preview else str(uuid.uuid4())
            op = "create"
        else:
            new.id = old.id
            op = "same" if old.inputs == new.inputs else "update"
            self._kept.add(urn)
        self._urns.add(urn)
        self._record(new, op)
        self._complete(new, old)
        self._provider_ref = f"{urn}::{new.id}"
        return self._provider_ref

    # -- check and diff --

    def _check(self, state: ResourceState, olds: Props, news: Props) -> Props:
        try:
            result = self._host().check(state.urn, olds, news, allow_unknowns=self.preview)
        except ProviderError as exc:
            raise self._provider_failure(state, "check", exc) from None
        if result.failures:
            problems = []
            for failure in result.failures:
                if failure.property:
                    value = plain(news.get(failure.property))
                    problems.append(
                        f"{state.type} resource '{state.name}': property {failure.property} "
                        f"value {value!r} has a problem: {failure.reason}"
                    )
                else:
                    problems.append(
                        f"{state.type} resource '{state.name}' has a problem: {failure.reason}"
                    )
            raise StepError("\n".join(problems))
        return annotate_secrets(result.inputs, news)

    def _diff(self, old: ResourceState, new: ResourceState) -> _Diff:
        if old.provider != new.provider:
            return _Diff(True, ["provider"], False)
        try:
            result = self._host().diff(
                old.id,
                old.urn,
                old.outputs,
                new.inputs,
                old_inputs=old.inputs,
                allow_unknowns=self.preview,
                ignore_changes=new.ignore_changes,
            )
        except ProviderError as exc:
            raise self._provider_failure(new, "diff", exc) from None
        replaces = list(result.replaces)
        if result.changes == "unknown":
            # The engine diffs the inputs itself, __provider included.
            ignored = apply_ignore_changes(new.inputs, old.inputs, new.ignore_changes)
            changed = changed_keys(old.inputs, ignored)
            changes = bool(changed)
            replaces += [
                k
                for k in replace_on_changes_keys(changed, new.replace_on_changes)
                if k not in replaces
            ]
        else:
            changes = result.changes == "some"
        return _Diff(changes, replaces, result.delete_before_replace)

    def _from_diff(self, goal: Goal, old: ResourceState, new: ResourceState) -> Registered:
        diff = self._diff(old, new)
        if not (diff.changes or old.pending_replacement):
            self._kept.add(new.urn)
            return self._same(old, new)
        if not (diff.replaces or old.pending_replacement):
            self._kept.add(new.urn)
            return self._update(old, new)
        if new.protect and old.protect:
            message = (
                f'unable to replace resource "{new.urn}"\nas it is currently marked for '
                "protection. To unprotect the resource, remove the `protect` flag from the "
                "resource in your Pulumi program and run `pulumi up`"
            )
            if not self.preview:
                raise StepError(message)
            self._error(message)  # a preview goes on, to show the whole plan
        self._kept.add(new.urn)
        # A replacement starts afresh: check again without the old inputs.
        new.inputs = self._check(new, {}, goal.inputs)
        delete_first = diff.delete_before_replace
        if goal.delete_before_replace is not None:
            delete_first = goal.delete_before_replace
        if not delete_first:
            registered = self._create(new, old, replacing=True, pending_delete=True)
            self._record(new, "replace")
            return registered
        for dependent in reversed(self._dependent_replacements(old)):
            if id(dependent) in self._pending_deletes:
                continue
            if dependent.delete:
                self._delete(dependent, replacing=False)
            else:
                if dependent.protect:
                    raise StepError(
                        f'unable to replace resource "{dependent.urn}" as part of replacing '
                        f'"{new.urn}" as it is currently marked for protection. To unprotect the '
                        "resource, remove the `protect` flag from the resource in your Pulumi "
                        f"program and run `pulumi up`, or use the command:\n"
                        f'`pulumi state unprotect "{dependent.urn}"`'
                    )
                self._delete(dependent, replacing=True, pending_replacement=True)
            self._deleted.add(dependent.urn)
            self._pending_deletes.add(id(dependent))
        if not old.pending_replacement:
            self._delete(old, replacing=True, pending_replacement=True)
        self._record(new, "replace")
        return self._create(new, old, replacing=True, pending_delete=False)

    def _dependent_replacements(self, root: ResourceState) -> list[ResourceState]:
        """Resources that must be replaced too when ``root`` is deleted before its replacement.

        A dependent (in the previous checkpoint, not yet registered in this pass) is asked to
        diff with every input that depends on a condemned resource set to unknown; it is
        condemned too when that diff asks for a replacement.
        """
        replace_set = {root.urn}
        dependents: list[ResourceState] = []
        for candidate in self._depending_on(root):
            if not candidate.custom or candidate.is_provider:
                continue
            if provider_urn(candidate.provider) in replace_set:
                dependents.append(candidate)
                replace_set.add(candidate.urn)
                continue
            affected, inputs = False, {}
            for key, value in candidate.inputs.items():
                if any(dep in replace_set for dep in candidate.property_dependencies.get(key, [])):
                    affected, value = True, UNKNOWN
                inputs[key] = value
            if not affected:
                continue
            try:
                result = self._host().diff(
                    candidate.id,
                    candidate.urn,
                    candidate.outputs,
                    inputs,
                    old_inputs=candidate.inputs,
                    allow_unknowns=True,
                )
            except ProviderError as exc:
                raise self._provider_failure(candidate, "diff", exc) from None
            if result.replaces:
                dependents.append(candidate)
                replace_set.add(candidate.urn)
        return dependents

    def _depending_on(self, root: ResourceState) -> list[ResourceState]:
        """Transitive dependents of ``root`` in the previous checkpoint, in checkpoint order."""
        resources = self.previous.resources
        start = next(i for i, r in enumerate(resources) if r is root)
        dependent_urns = {root.urn}
        found = []
        for candidate in resources[start + 1 :]:
            if candidate.urn in self._urns:
                continue
            needs = candidate.depends_on() - ({candidate.parent} if candidate.parent else set())
            if needs & dependent_urns:
                found.append(candidate)
                dependent_urns.add(candidate.urn)
        return found

    # -- the steps --

    def _respond(self, state: ResourceState) -> Registered:
        outputs, missing = mark_secret_outputs(state.outputs, state.additional_secret_outputs)
        state.outputs = outputs
        if not self.preview:
            for key in missing:
                self.warnings.append(
                    f"{state.urn}: Could not find property '{key}' listed in additional "
                    "secret outputs."
                )
        return Registered(state.urn, state.id, outputs)

    def _same(self, old: ResourceState, new: ResourceState) -> Registered:
        self._record(new, "same")
        new.id, new.outputs = old.id, old.outputs
        registered = self._respond(new)
        # As the engine's snapshot manager does, a same step whose state is unchanged is not
        # written on its own (writing the whole checkpoint per resource is quadratic); the
        # checkpoint is written again at the end of the pass.
        self._complete(new, old, persist=new.to_json() != old.to_json())
        return registered

    def _create(
        self,
        new: ResourceState,
        old: ResourceState | None = None,
        *,
        replacing: bool = False,
        pending_delete: bool = False,
    ) -> Registered:
        self._record(new, "create-replacement" if replacing else "create")
        if self.preview:
            # A provider without preview support: the checked inputs stand for the outputs.
            new.id, new.outputs = "", dict(new.inputs)
        else:
            with self._changing(new, "creating", "create") as host:
                result = host.create(new.urn, new.inputs)
            if not result.id:
                self._persist()
                raise StepError(f"{new.urn}: provider did not return an ID from Create")
            new.id, new.outputs = result.id, annotate_secrets(result.outputs, new.inputs)
        registered = self._respond(new)
        if old is not None and old.pending_replacement:
            # Its delete already happened: the replacement completes it.
            self._complete(new, old)
            return registered
        if old is not None and replacing and pending_delete:
            old.delete = True  # deleted after the program, with the other deletes
        self._complete(new, None)
        return registered

    def _update(self, old: ResourceState, new: ResourceState) -> Registered:
        self._record(new, "update")
        new.id = old.id
        if self.preview:
            new.outputs = dict(new.inputs)
        else:
            with self._changing(new, "updating", "update") as host:
                outputs = host.update(
                    old.id,
                    old.urn,
                    old.outputs,
                    new.inputs,
                    old_inputs=old.inputs,
                    ignore_changes=new.ignore_changes,
                )
            new.outputs = annotate_secrets(outputs, new.inputs)
        registered = self._respond(new)
        self._complete(new, old)
        return registered

    def _delete(
        self, old: ResourceState, *, replacing: bool, pending_replacement: bool = False
    ) -> None:
        self._record(old, "delete-replaced" if replacing else "delete")
        if not replacing and old.protect:
            raise StepError(
                f'resource "{old.urn}" cannot be deleted\nbecause it is protected. To unprotect '
                "the resource, either remove the `protect` flag from the resource in your Pulumi "
                "program and run `pulumi up`, or use the command:\n"
                f"`pulumi state unprotect '{old.urn}'`"
            )
        if not self.preview and not old.retain_on_delete and old.custom and not old.is_provider:
            with self._changing(old, "deleting", "delete") as host:
                host.delete(old.id, old.urn, old.outputs, old_inputs=old.inputs)
        if pending_replacement:
            # Deleted, but kept in the checkpoint until its replacement exists.
            old.pending_replacement = True
        else:
            self._mark_done(old)
        self._persist()

    def _remove_pending_replace(self, old: ResourceState) -> None:
        self._record(old, "remove-pending-replace")
        self._mark_done(old)
        self._persist()

    def _refresh(self, old: ResourceState) -> None:
        try:
            result = self._host().read(old.id, old.urn, old.outputs, old.inputs)
        except ProviderError as exc:
            self._record(old, "refresh")
            raise self._provider_failure(old, "read", exc) from None
        if result.gone:
            self._record(old, "refresh", "delete")
            self._mark_done(old)
            self._persist()
        else:
            outputs = annotate_secrets(result.outputs, old.outputs)
            outputs, _ = mark_secret_outputs(outputs, old.additional_secret_outputs)
            inputs = (
                old.inputs if result.inputs is None else annotate_secrets(result.inputs, old.inputs)
            )
            changed = (result.id, outputs, inputs) != (old.id, old.outputs, old.inputs)
            self._record(old, "refresh", "update" if changed else "same")
            old.id, old.outputs, old.inputs = result.id, outputs, inputs
            if changed:  # an unchanged resource is not written on its own, as for same steps
                self._persist()

    # -- after the program, and the passes without a program --

    def finish(self) -> None:
        """Delete what the program no longer declares and the replaced resources."""
        with self._lock:
            if self.failed:
                return
            condemned: list[tuple[ResourceState, str]] = []
            for old in self.previous.resources:
                if old.delete:
                    if id(old) not in self._pending_deletes:
                        condemned.append((old, "delete-replaced"))
                elif old.urn not in self._kept:
                    kind = "remove-pending-replace" if old.pending_replacement else "delete"
                    condemned.append((old, kind))
            self._run_deletes(condemned)
            self._persist()

    def refresh(self) -> None:
        with self._lock:
            for old in list(self.previous.resources):
                if old.custom and not old.is_provider and not old.pending_replacement:
                    try:
                        self._refresh(old)
                    except StepError as exc:
                        self.fail(str(exc))
                        return
            self._persist()

    def destroy(self) -> None:
        with self._lock:
            condemned = []
            for old in self.previous.resources:
                if old.pending_replacement:
                    condemned.append((old, "remove-pending-replace"))
                else:
                    condemned.append((old, "delete-replaced" if old.delete else "delete"))
            self._run_deletes(condemned)

    def _run_deletes(self, condemned: list[tuple[ResourceState, str]]) -> None:
        for old, kind in schedule_deletes(condemned, self.previous.resources):
            try:
                if kind == "remove-pending-replace":
                    self._remove_pending_replace(old)
                else:
                    self._delete(old, replacing=kind == "delete-replaced")
            except StepError as exc:
                self.fail(str(exc))
                return


def schedule_deletes(
    condemned: Iterable[tuple[ResourceState, str]], order: list[ResourceState]
) -> list[tuple[ResourceState, str]]:
    """Dependents before their dependencies (the engine's antichains, run one at a time)."""
    remaining = list(condemned)
    position = {id(r): i for i, r in enumerate(order)}
    layers: list[list[tuple[ResourceState, str]]] = []
    while remaining:
        urns = {r.urn for r, _ in remaining}
        layer = [(r, k) for r, k in remaining if not (r.depends_on() - {r.urn}) & urns]
        if not layer:  # a cycle cannot come from a program; keep checkpoint order rather than hang
            layer = list(remaining)
        layers.append(layer)
        taken = {id(r) for r, _ in layer}
        remaining = [(r, k) for r, k in remaining if id(r) not in taken]
    ordered: list[tuple[ResourceState, str]] = []
    for layer in reversed(layers):
        ordered.extend(sorted(layer, key=lambda item: -position.get(id(item[0]), 0)))
    return ordered
