"""The steps of one pass, following the engine's step generator and step executor.

A :class:`Deployment` holds the previous checkpoint, the resources of this pass and the default
provider processes. The program's registrations arrive through :meth:`Deployment.register`
(from the resource monitor, one gRPC thread per registration); :meth:`finish` then deletes
what the program no longer declares; :meth:`refresh` and :meth:`destroy` work from the
checkpoint alone. Each step kind has exactly one implementation (``_same``, ``_create``,
``_update``, ``_delete``, ...), used by every pass; their provider calls are
:class:`~harness.engine.steps.Steps`, which the sequences for one resource at a time
(``harness.sequences``) use too.

How it follows the engine (``pkg/resource/deploy``):

* **Step generation is serial, step execution parallel.** Registrations are turned into steps
  one at a time (the step generator's event loop: alias lookup, ``Check``, ``Diff``, the
  choice of step), and the steps run in a pool of ``parallel`` workers (the step executor;
  the CLI's default is 4 x GOMAXPROCS). The provider host serves every call with four
  threads (unless the provider widens that pool, as msgsms's does with
  ``msgsms:hostThreads``), so a call that blocks (a long ``Create``) holds one of them, and a
  ``Check`` of a later registration waits behind it, stalling step generation, as under the
  CLI.
* **The program has as many registrations in flight as the language host allows**: its event
  loop's default executor, where the SDK makes its blocking gRPC calls, has 4 x parallel
  threads, as ``pulumi-language-python-exec`` sets it (``program_host.py``). The program runs
  as ``run_in_stack`` runs it: its module, then the entry point it gives ``pulumi.run``
  (awaited; its mapping exported).
* **The checkpoint is written after every step**, with the create, update or delete under way
  as a pending operation; a same step (custom, component or provider) only when its state
  changed, as the snapshot manager elides those writes (``mustWrite`` in
  ``pkg/backend/snapshot.go``), and once more at the end of the pass. The stack's outputs are
  finalized at the end (the last ones registered; after a failure, over the old ones) and
  written only when they changed, as the step executor does. Pending *creates* of an earlier
  pass are kept in every checkpoint (and reported by a warning at the start of ``up`` and
  ``destroy``) until a refresh with ``clear_pending_creates``; the resource they name is not
  in the state, so the next ``up`` calls ``Create`` for it again. Other pending operations
  are dropped.
* **Refresh is Read then Diff** (CLI >= 3.120): each resource is read and then diffed with
  olds = the refreshed outputs, news = the stored inputs; a Diff error fails the pass; the
  result shown (same or update) is the Diff's. Refreshes run in parallel; ``up`` with
  ``refresh=True`` refreshes first, in the same provider processes.
* **Deletes** (removed resources, replaced ones, destroy) run in antichains, dependents first,
  each antichain in parallel.
* **Options**: ``protect``, ``retain_on_delete``, ``delete_before_replace``,
  ``ignore_changes``, ``replace_on_changes``, ``additional_secret_outputs``, ``aliases``
  (found by URN, the old URN rewritten in references) and ``deleted_with`` (no ``Delete`` call
  when the resource it names is deleted in the same pass; replaced along with it).

Deviations from the engine, each on purpose:

* Options the engine has and this one does not model are refused with an error naming them
  (explicit providers, ``import``, custom timeouts, transforms, hooks, ``replace_with``,
  replacement triggers, remote components): a program using them fails here instead of
  silently behaving differently.
* One provider process per distinct provider configuration; the engine's provider registry
  does the same for default providers, but keeps a process across ``up --refresh`` only when
  the configuration did not change. Same here.
* ``up`` does not run a preview first (the CLI does, in another provider process, unless
  ``--skip-preview``): here Check and Diff run once per resource, there twice. Run
  :meth:`Engine.preview` before :meth:`Engine.up` to see both.
* No Ctrl-C: the engine's ``Cancel`` (ignored by the dynamic provider host anyway) is not
  sent; a killed run is modelled by killing the engine's process (``python -m harness.engine``).
* No ``--target``, policies, plans, ``continue-on-error``; the state file is not encrypted
  (secrets are kept as plaintext in the secret envelope so tests can read them).
* A program that fails registers no stack outputs, so the stack keeps its old ones; under the
  language host, ``run_in_stack`` registers what was exported before the failure (in a
  ``finally``) and the engine lays those over the old ones. The msgsms program exports only
  after declaring everything, so a failure has exported nothing there either.
* Step *display* order is the order steps start; the checkpoint order is the order they end,
  as in the engine's snapshot.
"""

from __future__ import annotations

import os
import threading
import traceback
import uuid
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, TypeVar

from harness.engine.properties import (
    UNKNOWN,
    IgnoreChangesError,
    apply_ignore_changes,
    mark_secret_outputs,
)
from harness.engine.state import (
    STACK_TYPE,
    Checkpoint,
    PendingOperation,
    ResourceState,
    provider_urn,
)
from harness.engine.steps import Diff, StepError, Steps
from harness.engine.summary import StepRecord
from harness.provider_host import ProviderHost

__all__ = [
    "DEFAULT_PARALLEL",
    "DEFAULT_PROVIDER_TYPE",
    "AliasSpec",
    "Deployment",
    "Goal",
    "Registered",
    "default_parallel",
    "schedule_deletes",
]

DEFAULT_PROVIDER_TYPE = "pulumi:providers:pulumi-python"
#: The CLI's default parallelism is 4 x GOMAXPROCS; never below 8 here.
DEFAULT_PARALLEL = max(8, 4 * (os.cpu_count() or 2))


def default_parallel(environ: Mapping[str, str]) -> int:
    """``--parallel`` when the command line does not say: ``PULUMI_PARALLEL`` when it is a
    number above 0, else :data:`DEFAULT_PARALLEL` (``defaultParallel`` in the CLI's
    ``pkg/cmd/pulumi/operations/up.go``)."""
    try:
        value = int(environ.get("PULUMI_PARALLEL", "") or 0)
    except ValueError:
        value = 0
    return value if value > 0 else DEFAULT_PARALLEL


Props = dict[str, Any]
T = TypeVar("T")


@dataclass(frozen=True)
class AliasSpec:
    """An alias as the SDK sends it: a whole URN, or parts that default to the resource's own
    (``parent`` is a URN; ``no_parent`` says the old resource had none)."""

    urn: str = ""
    name: str = ""
    type: str = ""
    stack: str = ""
    project: str = ""
    parent: str = ""
    no_parent: bool = False


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
    aliases: list[AliasSpec] = field(default_factory=list)
    deleted_with: str = ""
    provider: str = ""
    import_id: str = ""
    #: Options set in the request that this engine does not model (refused).
    unsupported: list[str] = field(default_factory=list)


@dataclass
class Registered:
    """The answer to a registration: the resource's URN, ID and outputs (wire form)."""

    urn: str
    id: str
    outputs: Props


#: Steps whose state is the old one; steps that carry the diff's changed and replaced keys.
_DELETING = frozenset({"delete", "delete-replaced", "remove-pending-replace"})
_DIFFING = frozenset({"update", "replace", "create-replacement"})
_REPLACING = frozenset({"replace", "create-replacement"})

#: A step chain: run by a worker of the step executor; answers the registration.
_Chain = Callable[[], Registered]


def _pending_warning(operations: Iterable[PendingOperation]) -> str:
    """The engine's warning about pending operations of an earlier deployment."""
    listed = [f"  * {op.resource.urn}, interrupted while {op.type}" for op in operations]
    return (
        f"Attempting to deploy or update resources with {len(listed)} pending operations from "
        "previous deployment.\n" + "\n".join(listed) + "\nThese resources are in an unknown "
        "state because the Pulumi CLI was interrupted while waiting for changes to these "
        "resources to complete. You should confirm whether or not the operations listed "
        "completed successfully by checking the state of the appropriate provider.\n\n"
        "Once you have confirmed the status of the interrupted operations, you can repair your "
        "stack using `pulumi refresh` which will refresh the state from the provider you are "
        "using and clear the pending operations if there are any.\n\nNote that `pulumi refresh` "
        "will need to be run interactively to clear pending CREATE operations."
    )


class Deployment:
    """One pass over a stack. ``provider`` returns the provider process configured with the
    inputs it is given (one process per distinct configuration); ``provider_inputs`` is this
    pass's stack config in wire form."""

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
        parallel: int = DEFAULT_PARALLEL,
        clear_pending_creates: bool = False,
    ) -> None:
        if parallel < 1:
            raise ValueError("parallel must be at least 1")
        self.project = project
        self.stack = stack
        self.preview = preview
        self.checkpoint_path = checkpoint_path
        self._provider = provider
        self.provider_inputs = provider_inputs
        self.parallel = parallel
        self.steps: list[StepRecord] = []
        self.errors: list[str] = []
        self.warnings: list[str] = []
        # The step generator handles one registration at a time; the snapshot manager's lock
        # guards the checkpoint and the records; the worker slots are the step executor.
        self._generator = threading.Lock()
        self._state = threading.RLock()
        self._slots = threading.BoundedSemaphore(parallel)
        self._cancelled = False
        # Pending creates of earlier passes survive until a refresh clears them.
        self._inherited_pending = (
            []
            if clear_pending_creates
            else [op for op in previous.pending_operations if op.type == "creating"]
        )
        self._start(previous)
        self._provider_ref = ""
        self._steps = Steps(self._host, preview=preview)

    def _start(self, previous: Checkpoint) -> None:
        self.previous = previous
        self._olds = {r.urn: r for r in previous.resources if not r.delete}
        self._news: list[ResourceState] = []
        self._done: set[int] = set()  # ids of previous states superseded or deleted
        self._pending: list[PendingOperation] = []
        self._urns: set[str] = set()  # registered in this pass
        self._kept: set[str] = set()  # old URNs kept (same, updated, replaced, aliased)
        self._aliased: dict[str, str] = {}  # old URN -> the new URN that claimed it
        self._deleted: set[str] = set()  # deleted early by a delete-before-replace
        self._pending_deletes: set[int] = set()  # ids of states deleted by those
        self._replaced: set[str] = set()  # URNs being replaced in this pass
        self._diffs: dict[str, Diff] = {}  # URN -> the diff that decided its step
        self._stack_outputs: Props | None = None  # the last outputs the stack registered

    # -- bookkeeping --

    @property
    def failed(self) -> bool:
        return bool(self.errors)

    def warn_pending_operations(self) -> None:
        """The warning ``up`` and ``destroy`` print about an earlier pass's pending operations."""
        if self.previous.pending_operations and not self.preview:
            self.warnings.append(_pending_warning(self.previous.pending_operations))

    def urn(self, parent: str, type_: str, name: str, *, stack: str = "", project: str = "") -> str:
        qualified = type_
        if parent:
            parent_type = parent.split("::")[2]
            if parent_type != STACK_TYPE:
                qualified = f"{parent_type}${type_}"
        return f"urn:pulumi:{stack or self.stack}::{project or self.project}::{qualified}::{name}"

    def _record(
        self,
        state: ResourceState,
        op: str,
        result: str | None = None,
        *,
        old: ResourceState | None = None,
    ) -> None:
        """A step begins. ``state`` is the new state (``old`` the one it follows), or the old
        one of a delete; a preview keeps copies of both, as the CLI's ``--json`` shows them."""
        record = StepRecord(state.urn, state.type, op, result)
        if self.preview:
            before, after = (state, None) if op in _DELETING else (old, state)
            diff = self._diffs.get(state.urn)
            record = replace(
                record,
                old=before.copy() if before is not None else None,
                new=after.copy() if after is not None else None,
                diffs=tuple(diff.changed) if diff and op in _DIFFING else (),
                replaces=tuple(diff.replaces) if diff and op in _REPLACING else (),
            )
        with self._state:
            self.steps.append(record)

    def fail(self, message: str) -> None:
        """Record an error and stop: no further step starts in this pass."""
        with self._state:
            self.errors.append(message)
            self._cancelled = True

    def _mark_done(self, old: ResourceState | None) -> None:
        if old is not None:
            with self._state:
                self._done.add(id(old))

    def _complete(
        self, new: ResourceState, superseded: ResourceState | None, *, persist: bool = True
    ) -> None:
        """``new`` joins the checkpoint, in place of ``superseded`` when given."""
        with self._state:
            self._mark_done(superseded)
            self._news.append(new)
            if persist:
                self._persist()

    def snapshot(self) -> Checkpoint:
        with self._state:
            remaining = [r for r in self.previous.resources if id(r) not in self._done]
            if self._aliased:
                remaining = [self._rewrite_aliases(r) for r in remaining]
            pending = [*self._pending, *self._inherited_pending]
            return Checkpoint.of([*self._news, *remaining], pending)

    def _rewrite_aliases(self, state: ResourceState) -> ResourceState:
        """References to a resource renamed through an alias name its new URN (the engine's
        snapshot manager rewrites them)."""

        def new(urn: str) -> str:
            return self._aliased.get(urn, urn)

        def new_ref(ref: str) -> str:
            if not ref:
                return ref
            urn, _, rest = ref.rpartition("::")
            return f"{new(urn)}::{rest}"

        rewritten = state.copy()
        rewritten.parent = new(state.parent) if state.parent else ""
        rewritten.dependencies = [new(u) for u in state.dependencies]
        rewritten.property_dependencies = {
            k: [new(u) for u in v] for k, v in state.property_dependencies.items()
        }
        rewritten.deleted_with = new(state.deleted_with) if state.deleted_with else ""
        rewritten.provider = new_ref(state.provider)
        return rewritten

    def _persist(self) -> None:
        if not self.preview and self.checkpoint_path is not None:
            with self._state:
                self.snapshot().save(self.checkpoint_path)

    @contextmanager
    def _changing(self, state: ResourceState, operation: str) -> Iterator[None]:
        """A create, update or delete call: a pending operation in the checkpoint while it
        runs (not in a preview, which calls none). The caller writes the outcome
        (``_complete``); a failure is written here."""
        if self.preview:
            yield
            return
        pending = PendingOperation(state, operation)
        with self._state:
            self._pending.append(pending)
            self._persist()
        try:
            yield
        except BaseException:
            self._end_pending(pending, persist=True)
            raise
        self._end_pending(pending, persist=False)

    def _end_pending(self, pending: PendingOperation, *, persist: bool) -> None:
        with self._state:
            self._pending = [op for op in self._pending if op is not pending]
            if persist:
                self._persist()

    def _host(self) -> ProviderHost:
        """The provider process, configured as the engine configures the default provider:
        with this pass's config once the program has registered it, else with the config
        saved in the checkpoint (refresh, destroy, deleting what a program no longer uses)."""
        saved = self.previous.default_provider
        if self._provider_ref or saved is None:
            return self._provider(self.provider_inputs)
        return self._provider(saved.inputs)

    # -- registrations from the program --

    def register(self, goal: Goal) -> Registered:
        """Generate the registration's steps (one registration at a time), then run them on a
        worker of the step executor; answers when they are done."""
        with self._generator:
            chain = self._guarded(goal.name, lambda: self._generate(goal))
        return self._execute(goal.name, chain)

    def _guarded(self, name: str, work: Callable[[], Any]) -> Any:
        if self._cancelled:
            raise StepError("the deployment stopped after an earlier error")
        try:
            return work()
        except StepError as exc:
            self.fail(str(exc))
            raise
        except Exception:
            message = f"offline engine error while registering {name}:\n{traceback.format_exc()}"
            self.fail(message)
            raise StepError(message) from None

    def _execute(self, name: str, chain: _Chain) -> Registered:
        with self._slots:
            result: Registered = self._guarded(name, chain)
            return result

    def register_outputs(self, urn: str, outputs: Props) -> None:
        """A resource's outputs; written only when they changed, as the snapshot manager elides
        the write. The stack's are kept until the end of the pass (the last ones win), as the
        step executor does: see :meth:`_finalize_stack_outputs`."""
        with self._state:
            for state in self._news:
                if state.urn == urn:
                    if state.type == STACK_TYPE:
                        self._stack_outputs = outputs
                    else:
                        self._set_outputs(state, outputs)
                    return

    def _set_outputs(self, state: ResourceState, outputs: Props) -> None:
        """Give ``state`` these outputs, writing the checkpoint only if they changed."""
        changed = state.outputs != outputs
        state.outputs = outputs
        if changed:
            self._persist()

    def _finalize_stack_outputs(self) -> None:
        """The stack's outputs at the end of the pass: those registered last, over the old ones
        when the pass failed (a missing output then cannot mean a deleted one), as the step
        executor finalizes them (``executeRegisterResourceOutputs``)."""
        with self._state:
            outputs = self._stack_outputs
            stack = next((r for r in self._news if r.type == STACK_TYPE), None)
            if outputs is None or stack is None:
                return
            old = self._olds.get(stack.urn)
            if self.failed and old is not None:
                outputs = {**old.outputs, **outputs}
            self._set_outputs(stack, outputs)

    def _alias_urns(self, goal: Goal) -> list[str]:
        urns = []
        for alias in goal.aliases:
            if alias.urn:
                urns.append(alias.urn)
                continue
            parent = "" if alias.no_parent else (alias.parent or goal.parent)
            urns.append(
                self.urn(
                    parent,
                    alias.type or goal.type,
                    alias.name or goal.name,
                    stack=alias.stack,
                    project=alias.project,
                )
            )
        return urns

    def _old_of(self, urn: str, goal: Goal) -> ResourceState | None:
        """The previous state of a registration: by its URN, else by one of its aliases (the
        engine's ``getOldResource``)."""
        old = self._olds.get(urn)
        if old is not None:
            return old
        for alias in self._alias_urns(goal):
            old = self._olds.get(alias)
            if old is None or alias == urn:
                continue
            if alias in self._urns:
                raise StepError(
                    f"Duplicate resource alias '{alias}' applied to resource with URN '{urn}' "
                    "conflicting with resource with URN "
                    f"'{alias}'"
                )
            if alias in self._aliased:
                raise StepError(
                    f"Duplicate resource alias '{alias}' applied to resource with URN '{urn}' "
                    f"conflicting with resource with URN '{self._aliased[alias]}'"
                )
            with self._state:
                self._aliased[alias] = urn
            self._kept.add(alias)
            return old
        return None

    def _generate(self, goal: Goal) -> _Chain:
        urn = self.urn(goal.parent, goal.type, goal.name)
        if urn in self._urns:
            raise StepError(f"Duplicate resource URN '{urn}'; try giving it a unique name")
        if urn in self._aliased:
            raise StepError(
                f"Duplicate resource URN '{urn}' conflicting with resource with URN "
                f"'{self._aliased[urn]}' that aliased it"
            )
        self._urns.add(urn)
        if goal.unsupported:
            raise StepError(
                f"{urn}: the offline engine does not model {', '.join(goal.unsupported)}; "
                "run this program with the Pulumi CLI"
            )
        if goal.provider:
            raise StepError(f"{urn}: explicit providers are not supported by the offline engine")
        if goal.import_id:
            raise StepError(f"{urn}: import is not supported for dynamic providers (pulumi#16175)")
        if not goal.custom:
            return self._register_component(urn, goal)
        if goal.type.startswith("pulumi:providers:"):
            raise StepError(f"{urn}: provider resources are not supported by the offline engine")
        provider_ref = self._default_provider()
        old = self._old_of(urn, goal)
        inputs = goal.inputs
        if old is not None:
            try:
                inputs = apply_ignore_changes(goal.inputs, old.inputs, goal.ignore_changes)
            except IgnoreChangesError as exc:
                raise StepError(f"{urn}: {exc}") from None
        recreating = old is not None and old.urn in self._deleted
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
            deleted_with=goal.deleted_with,
            additional_secret_outputs=list(goal.additional_secret_outputs),
            ignore_changes=list(goal.ignore_changes),
            replace_on_changes=list(goal.replace_on_changes),
        )
        if recreating or old is None:
            new.inputs = self._steps.check(new, {}, goal.inputs)
        else:
            new.inputs = self._steps.check(new, old.inputs, inputs)
        if recreating:
            # Deleted earlier in this pass because a resource it depends on was deleted before
            # being replaced: it can only come back as a replacement.
            assert old is not None
            self._deleted.discard(old.urn)
            self._kept.add(old.urn)
            self._replaced.add(urn)
            state = new

            def recreate() -> Registered:
                self._record(state, "replace", old=old)
                return self._create(state, old, replacing=True, pending_delete=False)

            return recreate
        if old is None:
            state = new
            return lambda: self._create(state)
        return self._from_diff(goal, old, new)

    def _register_component(self, urn: str, goal: Goal) -> _Chain:
        old = self._old_of(urn, goal)
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
            deleted_with=goal.deleted_with,
        )
        if old is None:
            op = "create"
        else:
            op = "same" if old.inputs == new.inputs else "update"
            self._kept.add(old.urn)

        def component() -> Registered:
            self._record(new, op, old=old)
            self._complete(new, old, persist=new != old)
            return Registered(urn, "", {})

        return component

    def _default_provider(self) -> str:
        """The default provider's reference, registering it on first use as the engine does
        (the provider step runs in the generator: every resource needs it)."""
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
        self._record(new, op, old=old)
        self._complete(new, old, persist=new != old)
        self._provider_ref = f"{urn}::{new.id}"
        return self._provider_ref

    # -- check and diff --

    def _diff(self, old: ResourceState, new: ResourceState) -> Diff:
        if old.provider != new.provider:
            return Diff(True, ["provider"])
        if new.deleted_with and new.deleted_with in self._replaced:
            # replaced along with the resource it is deleted with
            return Diff(True, ["deletedWith"])
        return self._steps.diff(
            old,
            new.inputs,
            ignore_changes=new.ignore_changes,
            replace_on_changes=new.replace_on_changes,
        )

    def _from_diff(self, goal: Goal, old: ResourceState, new: ResourceState) -> _Chain:
        diff = self._diff(old, new)
        self._diffs[new.urn] = diff
        self._kept.add(old.urn)
        step = diff.step(pending_replacement=old.pending_replacement)
        if step == "same":
            return lambda: self._same(old, new)
        if step == "update":
            return lambda: self._update(old, new)
        if new.protect and old.protect:
            message = (
                f'unable to replace resource "{new.urn}"\nas it is currently marked for '
                "protection. To unprotect the resource, remove the `protect` flag from the "
                "resource in your Pulumi program and run `pulumi up`"
            )
            if not self.preview:
                raise StepError(message)
            with self._state:
                self.errors.append(message)  # a preview goes on, to show the whole plan
        self._replaced.add(new.urn)
        # A replacement starts afresh: check again without the old inputs.
        new.inputs = self._steps.check(new, {}, goal.inputs)
        if not diff.deletes_first(goal.delete_before_replace):

            def create_before_delete() -> Registered:
                registered = self._create(new, old, replacing=True, pending_delete=True)
                self._record(new, "replace", old=old)
                return registered

            return create_before_delete
        condemned: list[tuple[ResourceState, bool]] = []  # (state, replaced too)
        for dependent in reversed(self._dependent_replacements(old)):
            if id(dependent) in self._pending_deletes:
                continue
            if not dependent.delete and dependent.protect:
                raise StepError(
                    f'unable to replace resource "{dependent.urn}" as part of replacing '
                    f'"{new.urn}" as it is currently marked for protection. To unprotect the '
                    "resource, remove the `protect` flag from the resource in your Pulumi "
                    f"program and run `pulumi up`, or use the command:\n"
                    f'`pulumi state unprotect "{dependent.urn}"`'
                )
            condemned.append((dependent, not dependent.delete))
            self._deleted.add(dependent.urn)
            self._pending_deletes.add(id(dependent))
        deleted_now = {d.urn for d, _ in condemned}

        def delete_before_create() -> Registered:
            for dependent, replaced_too in condemned:
                self._delete(
                    dependent,
                    replacing=replaced_too,
                    pending_replacement=replaced_too,
                    deleted_alongside=deleted_now | {old.urn},
                )
            if not old.pending_replacement:
                self._delete(
                    old, replacing=True, pending_replacement=True, deleted_alongside=deleted_now
                )
            self._record(new, "replace", old=old)
            return self._create(new, old, replacing=True, pending_delete=False)

        return delete_before_create

    def _dependent_replacements(self, root: ResourceState) -> list[ResourceState]:
        """Resources that must be replaced too when ``root`` is deleted before its replacement.

        A dependent (in the previous checkpoint, not yet registered in this pass) is asked to
        diff with every input that depends on a condemned resource set to unknown; it is
        condemned too when that diff asks for a replacement, or when it is deleted with a
        condemned resource.
        """
        replace_set = {root.urn}
        dependents: list[ResourceState] = []
        for candidate in self._depending_on(root):
            if not candidate.custom or candidate.is_provider:
                continue
            if provider_urn(candidate.provider) in replace_set or (
                candidate.deleted_with in replace_set
            ):
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
            if self._steps.diff(candidate, inputs, allow_unknowns=True).replaces:
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
            with self._state:
                for key in missing:
                    self.warnings.append(
                        f"{state.urn}: Could not find property '{key}' listed in additional "
                        "secret outputs."
                    )
        return Registered(state.urn, state.id, outputs)

    def _same(self, old: ResourceState, new: ResourceState) -> Registered:
        self._record(new, "same", old=old)
        new.id, new.outputs = old.id, old.outputs
        registered = self._respond(new)
        # As the engine's snapshot manager does, a same step whose state is unchanged is not
        # written on its own (writing the whole checkpoint per resource is quadratic); the
        # checkpoint is written again at the end of the pass.
        self._complete(new, old, persist=new != old)
        return registered

    def _create(
        self,
        new: ResourceState,
        old: ResourceState | None = None,
        *,
        replacing: bool = False,
        pending_delete: bool = False,
    ) -> Registered:
        self._record(new, "create-replacement" if replacing else "create", old=old)
        with self._changing(new, "creating"):
            self._steps.create(new)
        registered = self._respond(new)
        if old is not None and old.pending_replacement:
            # Its delete already happened: the replacement completes it.
            self._complete(new, old)
            return registered
        if old is not None and replacing and pending_delete:
            with self._state:
                old.delete = True  # deleted after the program, with the other deletes
        self._complete(new, None)
        return registered

    def _update(self, old: ResourceState, new: ResourceState) -> Registered:
        self._record(new, "update", old=old)
        with self._changing(new, "updating"):
            self._steps.update(old, new)
        registered = self._respond(new)
        self._complete(new, old)
        return registered

    def _delete(
        self,
        old: ResourceState,
        *,
        replacing: bool,
        pending_replacement: bool = False,
        deleted_alongside: Collection[str] = (),
    ) -> None:
        self._record(old, "delete-replaced" if replacing else "delete")
        if not replacing and old.protect:
            raise StepError(
                f'resource "{old.urn}" cannot be deleted\nbecause it is protected. To unprotect '
                "the resource, either remove the `protect` flag from the resource in your Pulumi "
                "program and run `pulumi up`, or use the command:\n"
                f"`pulumi state unprotect '{old.urn}'`"
            )
        skipped = (
            self.preview
            or old.retain_on_delete
            or not old.custom
            or old.is_provider
            # deleting the resource it is deleted with deletes it too
            or (bool(old.deleted_with) and old.deleted_with in deleted_alongside)
        )
        if not skipped:
            with self._changing(old, "deleting"):
                self._steps.delete(old)
        with self._state:
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

    # -- refresh: Read, then Diff --

    def _refresh(self, old: ResourceState) -> None:
        try:
            refreshed = self._steps.read(old)
        except StepError:
            self._record(old, "refresh")
            raise
        if refreshed is None:
            self._record(old, "refresh", "delete")
            self._mark_done(old)
            self._persist()
            return
        diff = self._steps.refresh_diff(old, refreshed)
        self._record(old, "refresh", "update" if diff.changes else "same")
        new = (refreshed.id, refreshed.outputs, refreshed.inputs)
        changed = new != (old.id, old.outputs, old.inputs)
        with self._state:
            old.id, old.outputs, old.inputs = new
            if changed:  # an unchanged resource is not written on its own, as for same steps
                self._persist()

    def _in_parallel(self, work: Callable[[T], None], states: list[T]) -> None:
        """Run ``work`` on every state with ``parallel`` workers; after the first error no new
        one starts (those under way finish), as the step executor does."""

        def run(item: T) -> None:
            if self._cancelled:
                return
            try:
                work(item)
            except StepError as exc:
                self.fail(str(exc))
            except Exception:
                self.fail(f"offline engine error:\n{traceback.format_exc()}")

        if not states:
            return
        with ThreadPoolExecutor(min(self.parallel, len(states)), "step") as pool:
            list(pool.map(run, states))

    # -- after the program, and the passes without a program --

    def finish(self) -> None:
        """Delete what the program no longer declares and the replaced resources."""
        self._finalize_stack_outputs()
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
        """Read and diff every custom resource of the previous checkpoint, in parallel."""
        states = [
            old
            for old in self.previous.resources
            if old.custom and not old.is_provider and not old.pending_replacement
        ]
        self._in_parallel(self._refresh, states)
        self._persist()

    def rebase(self) -> None:
        """Start the program's part of ``up --refresh`` from the refreshed checkpoint."""
        self._start(self.snapshot())

    def destroy(self) -> None:
        condemned = []
        for old in self.previous.resources:
            if old.pending_replacement:
                condemned.append((old, "remove-pending-replace"))
            else:
                condemned.append((old, "delete-replaced" if old.delete else "delete"))
        self._run_deletes(condemned)

    def _run_deletes(self, condemned: list[tuple[ResourceState, str]]) -> None:
        deleted = {r.urn for r, kind in condemned if kind != "remove-pending-replace"}

        def delete(item: tuple[ResourceState, str]) -> None:
            old, kind = item
            if kind == "remove-pending-replace":
                self._remove_pending_replace(old)
            else:
                self._delete(old, replacing=kind == "delete-replaced", deleted_alongside=deleted)

        for antichain in schedule_deletes(condemned, self.previous.resources):
            self._in_parallel(delete, antichain)
            if self._cancelled:
                return


def schedule_deletes(
    condemned: Iterable[tuple[ResourceState, str]], order: list[ResourceState]
) -> list[list[tuple[ResourceState, str]]]:
    """Antichains of deletes, dependents before their dependencies (the engine's
    ``ScheduleDeletes``): each antichain may run in parallel, one after the other."""
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
    return [
        sorted(layer, key=lambda item: -position.get(id(item[0]), 0)) for layer in reversed(layers)
    ]
