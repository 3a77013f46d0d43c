"""The provider calls of each kind of step, with the engine's rules for their values.

One implementation serves both drivers of the engine's steps: the offline engine's
:class:`~harness.engine.deployment.Deployment` (which adds the step generator and executor,
the checkpoint, pending operations, options and the order of a whole pass around these calls)
and :class:`harness.sequences.Deployment` (one resource at a time, for the provider tests and
the benchmarks). What a step sends and keeps is decided here:

* ``Check`` gets the old *inputs* (``{}`` on create and replace) and the news; its failures
  become the error the engine prints; secrets of the news are marked again on the result.
* ``Diff`` gets the old *outputs* and the checked inputs; DIFF_UNKNOWN makes the engine diff
  the inputs itself (ignore_changes applied, replace_on_changes honoured).
* ``Create`` and ``Update`` are not called in a preview: the inputs stand for the outputs;
  outputs are marked secret again where the inputs were.
* ``Read`` (refresh) returns the live outputs, and inputs when the provider gives them; it is
  followed by a ``Diff`` of the refreshed outputs against the stored inputs.

Which step follows a diff is :meth:`Diff.step`; the order of a replacement is
:meth:`Diff.deletes_first`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Literal

from harness.engine.properties import (
    annotate_secrets,
    apply_ignore_changes,
    changed_keys,
    mark_secret_outputs,
    plain,
    replace_on_changes_keys,
)
from harness.engine.state import ResourceState
from harness.provider_host import ProviderHost
from harness.results import DiffResult, ProviderError
from harness.wire import Props

__all__ = ["Diff", "StepError", "StepKind", "Steps"]

#: What the engine does with a registered resource that exists in the old state.
StepKind = Literal["same", "update", "replace"]


class StepError(Exception):
    """A step failed; the message is what the engine would report. ``cause`` is the provider's
    error when a provider call failed."""

    def __init__(self, message: str, cause: ProviderError | None = None) -> None:
        super().__init__(message)
        self.cause = cause


@dataclass(frozen=True)
class Diff:
    """The engine's view of a diff. ``provider`` is what the provider answered (None when the
    engine decided without asking it)."""

    changes: bool
    replaces: list[str] = field(default_factory=list)
    delete_before_replace: bool = False
    provider: DiffResult | None = None
    #: The keys the engine found changed itself (DIFF_UNKNOWN); a dynamic provider names none.
    changed: list[str] = field(default_factory=list)

    def step(self, *, pending_replacement: bool = False) -> StepKind:
        """The step that follows; a resource deleted by an interrupted delete-before-replace
        (``pending_replacement``) is always replaced."""
        if not (self.changes or pending_replacement):
            return "same"
        if not (self.replaces or pending_replacement):
            return "update"
        return "replace"

    def deletes_first(self, option: bool | None = None) -> bool:
        """Whether the replacement deletes before it creates: the resource option
        ``delete_before_replace`` when set, else the provider's answer."""
        return self.delete_before_replace if option is None else option


def _failure(state: ResourceState, call: str, exc: ProviderError) -> StepError:
    return StepError(f"{state.urn}: {call} failed: {exc.reason or exc.details}", exc)


class Steps:
    """The provider calls of the steps of one pass. ``host`` gives the provider process to
    call (configured); ``preview`` says whether this is a preview."""

    def __init__(self, host: Callable[[], ProviderHost], *, preview: bool) -> None:
        self._host = host
        self.preview = preview

    def check(self, state: ResourceState, olds: Props, news: Props) -> Props:
        """``Check``: the checked inputs, or a :class:`StepError` listing the failures."""
        try:
            result = self._host().check(state.urn, olds, news, allow_unknowns=self.preview)
        except ProviderError as exc:
            raise _failure(state, "check", exc) from None
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

    def diff(
        self,
        state: ResourceState,
        news: Props,
        *,
        ignore_changes: Iterable[str] = (),
        replace_on_changes: Iterable[str] = (),
        allow_unknowns: bool | None = None,
    ) -> Diff:
        """``Diff`` of ``state`` (its outputs and inputs) against the checked ``news`` through
        the provider; for DIFF_UNKNOWN the engine diffs the inputs itself. Unknowns are
        allowed in a preview unless ``allow_unknowns`` says otherwise."""
        ignore_changes = list(ignore_changes)
        old_inputs = state.inputs
        try:
            result = self._host().diff(
                state.id,
                state.urn,
                state.outputs,
                news,
                old_inputs=old_inputs,
                allow_unknowns=self.preview if allow_unknowns is None else allow_unknowns,
                ignore_changes=ignore_changes,
            )
        except ProviderError as exc:
            raise _failure(state, "diff", exc) from None
        replaces, changed = list(result.replaces), []
        if result.changes == "unknown":
            ignored = apply_ignore_changes(news, old_inputs, ignore_changes)
            changed = changed_keys(old_inputs, ignored)
            changes = bool(changed)
            replaces += [
                k for k in replace_on_changes_keys(changed, replace_on_changes) if k not in replaces
            ]
        else:
            changes = result.changes == "some"
        return Diff(changes, replaces, result.delete_before_replace, result, changed)

    def create(self, state: ResourceState) -> None:
        """``Create`` from ``state.inputs``; sets its ID and outputs."""
        if self.preview:
            # A provider without preview support: the checked inputs stand for the outputs.
            state.id, state.outputs = "", dict(state.inputs)
            return
        try:
            result = self._host().create(state.urn, state.inputs)
        except ProviderError as exc:
            raise _failure(state, "create", exc) from None
        if not result.id:
            raise StepError(f"{state.urn}: provider did not return an ID from Create")
        state.id, state.outputs = result.id, annotate_secrets(result.outputs, state.inputs)

    def update(self, old: ResourceState, new: ResourceState) -> None:
        """``Update`` of ``old`` to ``new.inputs``; sets the ID and outputs of ``new``."""
        new.id = old.id
        if self.preview:
            new.outputs = dict(new.inputs)
            return
        try:
            outputs = self._host().update(
                old.id,
                old.urn,
                old.outputs,
                new.inputs,
                old_inputs=old.inputs,
                ignore_changes=new.ignore_changes,
            )
        except ProviderError as exc:
            raise _failure(new, "update", exc) from None
        new.outputs = annotate_secrets(outputs, new.inputs)

    def delete(self, old: ResourceState) -> None:
        """``Delete`` with the old outputs (and old inputs)."""
        try:
            self._host().delete(old.id, old.urn, old.outputs, old_inputs=old.inputs)
        except ProviderError as exc:
            raise _failure(old, "delete", exc) from None

    def read(self, old: ResourceState) -> ResourceState | None:
        """``Read`` for a refresh: a copy of ``old`` with the live ID, outputs and inputs, or
        None when the object is gone."""
        try:
            result = self._host().read(old.id, old.urn, old.outputs, old.inputs)
        except ProviderError as exc:
            raise _failure(old, "read", exc) from None
        if result.gone:
            return None
        outputs = annotate_secrets(result.outputs, old.outputs)
        outputs, _ = mark_secret_outputs(outputs, old.additional_secret_outputs)
        inputs = (
            old.inputs if result.inputs is None else annotate_secrets(result.inputs, old.inputs)
        )
        refreshed = old.copy()
        refreshed.id, refreshed.outputs, refreshed.inputs = result.id, outputs, inputs
        return refreshed

    def refresh_diff(self, old: ResourceState, refreshed: ResourceState) -> Diff:
        """The ``Diff`` after a ``Read``: what an ``up`` of an unchanged program would show,
        inverted: the refreshed state stands where the old one would, the stored inputs where
        the program's would."""
        return self.diff(
            refreshed,
            old.inputs,
            ignore_changes=old.ignore_changes,
            replace_on_changes=old.replace_on_changes,
            allow_unknowns=False,
        )
