"""The mechanics every MSGSMS dynamic provider shares; the resource modules only describe
their object (fields, replace keys, how to find, create, read, update and delete it).

What the base guarantees, on the engine rules of ``pulumi-dynamic-providers.md``:

* ``check`` normalises the inputs (numbers back to ints, ``""`` and ``None`` dropped,
  ``yes`` -> ``Yes``, unordered lists sorted), fills ``region`` from ``msgsms:region``, and
  reports every rule of :mod:`providers.rules` as a failure naming the property. Unknowns
  (preview) pass through untouched.
* ``diff`` compares the normalised inputs with the stored outputs (absent and the server's
  default are the same): nothing changed means no API call at all. A change of a replace key
  replaces; other changes are classified by the subclass, which may read the live state. The
  Diff the engine runs right after a refresh's Read (CLI >= 3.120) uses what that Read saw and
  prints nothing (:class:`Memo`); it never calls the API.
* ``create`` is its POST: the outputs come from the answer and the inputs (the next read
  corrects any difference), so nothing can fail between the object's creation and the state
  recording it. It adopts an object with the same natural key when asked, and otherwise never
  makes a second copy of what it would make: an identical object that already exists (what a
  run killed after its POST leaves behind) is taken over, found in a per-process
  :mod:`.inventory` or, for names the API keeps unique, through the API's refusal of the
  duplicate. When the answer to the POST is lost (transport error, 5xx) it looks the object up
  by its natural key before trying again, so a retry never makes a duplicate.
* ``update`` is its PUT (after, for reviewed objects, the status the Diff just read) and
  returns the full outputs; ``read`` returns the live outputs *and* inputs (as the program
  would declare them), or an empty id when the object is gone; ``delete`` counts a missing
  object as deleted.
  A refresh may read many objects of one parent with one list request
  (:mod:`.snapshot`, e.g. an app's templates); every write drops what was listed.
* Credentials come only from ``configure`` (stack config ``msgsms:*``) or the environment
  and live in a :class:`Connection` that is never pickled: the serialized provider stored in
  every resource's state is a reference to the class and nothing else, so it is stored in
  plain text (``serialize_as_secret_always = False``). Those references are a contract with
  every existing stack: a provider class keeps its module and name (or an alias there).
* One instance serves concurrent calls: it holds no per-call state, and the client is
  thread-safe and built once under a lock.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

from pulumi.dynamic import (
    CheckFailure,
    CheckResult,
    CreateResult,
    DiffResult,
    ReadResult,
    UpdateResult,
)

from providers import rules
from providers.client import ApiError, NotFoundError, ServerError, TransportError
from providers.spec import Field, Kind

from .connection import ConfiguredProvider, Connection, Memo
from .notices import notice
from .schema import contains_unknown, normalise, same_value
from .snapshot import writing

if TYPE_CHECKING:  # the client is imported when a call first needs it
    from providers.client import SmsClient

__all__ = [
    "MAX_CREATE_ATTEMPTS",
    "ConfiguredProvider",
    "Connection",
    "Created",
    "Live",
    "Memo",
    "MsgsmsProvider",
    "ProviderError",
]

#: A create whose answer is lost is looked up and, when absent, tried again at most this often.
MAX_CREATE_ATTEMPTS = 3


class Live(Protocol):
    """A live object as the API shows it (a response model, or a subclass's wrapper)."""

    @property
    def id(self) -> str: ...


class ProviderError(Exception):
    """A resource operation that cannot go on; the message says why and what to do."""


@dataclass(frozen=True)
class Created:
    """What a remote create answered: the new object's id, and the outputs that the answer
    shows or the inputs imply (the rest are read by the next refresh)."""

    id: str
    outputs: dict[str, Any] = field(default_factory=dict)


def now() -> str:
    """A UTC timestamp, to the second, as the API writes its times."""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


class MsgsmsProvider(ConfiguredProvider):
    """Base of the MSGSMS providers: a subclass names its kind (``spec``, from which its fields,
    outputs and their behaviour are taken) and implements the hooks."""

    #: What the kind is: :mod:`providers.spec`.
    spec: ClassVar[Kind]
    # taken from ``spec`` (see __init_subclass__)
    rules_kind: ClassVar[str]
    #: Every input, in the order of the spec.
    fields: ClassVar[tuple[Field, ...]]
    #: Outputs besides the inputs.
    outputs: ClassVar[tuple[str, ...]]
    #: Inputs whose change replaces the object.
    replace_keys: ClassVar[frozenset[str]]
    #: The input that names the object in messages.
    name_key: ClassVar[str]
    #: Remote inputs the API does not show: ``read`` keeps their stored values.
    unobservable: ClassVar[frozenset[str]]
    #: Outputs only a create answer has: kept from the stored outputs afterwards.
    kept_outputs: ClassVar[frozenset[str]]
    #: Whether ``adopt`` is on when not given.
    adopt_by_default: ClassVar[bool]
    #: Whether a create first looks for an identical object (names the API does not keep
    #: unique: an interrupted run's object can only be found by looking).
    finds_leftovers: ClassVar[bool] = False
    #: The API's error codes for "this natural key exists" (names it keeps unique): a create
    #: refused with one of them takes over the identical object instead of failing.
    duplicate_codes: ClassVar[frozenset[str]] = frozenset()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        spec: Kind | None = cls.__dict__.get("spec")
        if spec is None:
            return
        cls.title = spec.title
        cls.rules_kind = spec.name
        cls.fields = spec.inputs
        cls.outputs = spec.output_names
        cls.replace_keys = spec.replace_keys
        cls.name_key = spec.name_key
        cls.unobservable = spec.unshown
        cls.kept_outputs = spec.kept_outputs
        adopt = next((f for f in spec.inputs if f.name == "adopt"), None)
        cls.adopt_by_default = bool(adopt is not None and adopt.default)

    # ------------------------------------------------------------------ hooks

    def prepare(self, inputs: dict[str, Any]) -> dict[str, Any]:
        """Inputs ``check`` derives from others (e.g. a file's ``sha256``)."""
        return inputs

    def candidates(self, client: SmsClient, inputs: Mapping[str, Any]) -> Sequence[Live]:
        """Live objects with the natural key of ``inputs``, newest first (read now)."""
        return []

    def existing(self, client: SmsClient, inputs: Mapping[str, Any]) -> Sequence[Live]:
        """Live objects with the natural key of ``inputs`` that existed before this process
        created any under their parent, newest first; may come from an :mod:`.inventory`."""
        return self.candidates(client, inputs)

    def adoptable(self, client: SmsClient, live: Live, inputs: Mapping[str, Any]) -> bool:
        """Whether ``adopt`` may take over ``live`` (raise to refuse with a reason)."""
        return True

    def matches(self, client: SmsClient, live: Live, inputs: Mapping[str, Any]) -> bool:
        """Whether ``live`` is what a create with ``inputs`` would have made."""
        return True

    def create_remote(self, client: SmsClient, inputs: Mapping[str, Any]) -> Created:
        raise NotImplementedError

    def adopt(self, client: SmsClient, live: Live, inputs: Mapping[str, Any]) -> Live:
        """Bring an adopted (or taken-over) object in line with ``inputs`` where the API
        allows it; the object as it is now."""
        changed = self._changed(self.observed(client, live), inputs, remote_only=True)
        if not changed:
            return live
        self.update_remote(client, live.id, inputs, changed)
        return self.fetch(client, inputs["region"], live.id)

    def taken_outputs(self, inputs: Mapping[str, Any]) -> dict[str, Any]:
        """Outputs of an object a create took over instead of making (e.g. when it was
        submitted for review)."""
        return {}

    def fetch(self, client: SmsClient, region: str, object_id: str) -> Live:
        """The live object; raises `NotFoundError` when it is gone."""
        raise NotImplementedError

    def read_live(
        self, client: SmsClient, region: str, object_id: str, stored: Mapping[str, Any]
    ) -> Live:
        """The live object for ``read`` (a refresh), given its ``stored`` outputs; may come
        from a snapshot of the parent's objects (:mod:`.snapshot`)."""
        return self.fetch(client, region, object_id)

    def shown(self, live: Live) -> Any:
        """The API's object behind ``live`` (a response model), whose attributes are the
        fields' response names."""
        return live

    def inputs_from_live(self, client: SmsClient, live: Live) -> dict[str, Any]:
        """The remote inputs as the live object shows them (each field the API shows, by its
        response name; a subclass adds those it shows another way)."""
        shown = self.shown(live)
        return {
            f.name: getattr(shown, f.response_name, None)
            for f in self.fields
            if f.remote and f.shown
        }

    def outputs_from_live(
        self, client: SmsClient, live: Live, inputs: Mapping[str, Any]
    ) -> dict[str, Any]:
        raise NotImplementedError

    def local_outputs(self, inputs: Mapping[str, Any]) -> dict[str, Any]:
        """Outputs computed from the inputs alone (no API call)."""
        return {}

    def classify(
        self,
        object_id: str,
        olds: Mapping[str, Any],
        news: Mapping[str, Any],
        changed: list[str],
    ) -> list[str]:
        """The keys among ``changed`` (remote, not replace keys) that force a replacement.
        ``olds`` are the stored outputs (in a refresh's Diff: what the Read just saw)."""
        return []

    def update_remote(
        self, client: SmsClient, object_id: str, inputs: Mapping[str, Any], changed: list[str]
    ) -> dict[str, Any]:
        """Send the change; the outputs it changes (the rest stay as stored)."""
        raise ProviderError(f"{self.title} cannot be changed in place: {', '.join(changed)}")

    def delete_remote(self, client: SmsClient, object_id: str, outputs: Mapping[str, Any]) -> None:
        raise NotImplementedError

    def delete_before_replace(self, olds: Mapping[str, Any], news: Mapping[str, Any]) -> bool:
        """Whether the old object must go before its replacement can exist."""
        return False

    # ------------------------------------------------------------------ helpers

    def _field(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)

    def _declared(self, values: Mapping[str, Any]) -> dict[str, Any]:
        return normalise(self.fields, values)

    def body(self, inputs: Mapping[str, Any]) -> dict[str, Any]:
        """The request body the inputs make: each field sent, by its request name."""
        return {
            f.request_name: inputs[f.name]
            for f in self.fields
            if f.request_name is not None and inputs.get(f.name) is not None
        }

    def label(self, inputs: Mapping[str, Any], object_id: str | None = None) -> str:
        name = inputs.get(self.name_key)
        where = ", ".join(str(p) for p in (inputs.get("region"), object_id) if p)
        return f"{self.title} {name!r}" + (f" ({where})" if where else "")

    def observed(self, client: SmsClient, live: Live) -> dict[str, Any]:
        return normalise(self.fields, self.inputs_from_live(client, live))

    def _changed(
        self, olds: Mapping[str, Any], news: Mapping[str, Any], *, remote_only: bool = False
    ) -> list[str]:
        return [
            f.name
            for f in self.fields
            if (f.remote or not remote_only)
            and (f.name not in self.unobservable or not remote_only)
            and not same_value(f, olds.get(f.name), news.get(f.name))
        ]

    def _adopting(self, inputs: Mapping[str, Any]) -> bool:
        return bool(inputs.get("adopt", self.adopt_by_default))

    def _outputs(
        self,
        client: SmsClient,
        inputs: Mapping[str, Any],
        live: Live | None,
        extras: Mapping[str, Any],
    ) -> dict[str, Any]:
        """The full outputs; with no ``live`` object, those the API shows are left empty."""
        outs: dict[str, Any] = dict.fromkeys(self.outputs)
        outs.update(inputs)
        outs.update(self.local_outputs(inputs))
        if live is not None:
            outs.update(self.outputs_from_live(client, live, inputs))
        outs.update({k: v for k, v in extras.items() if k in self.outputs})
        return outs

    @staticmethod
    def _require_known(inputs: Mapping[str, Any]) -> None:
        unknown = sorted(k for k, v in inputs.items() if contains_unknown(v))
        if unknown:
            # the engine never sends unknowns outside a preview; refuse rather than send them
            raise ProviderError(f"inputs {', '.join(unknown)} are not known yet")

    # ------------------------------------------------------------------ the provider interface

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        known = {f.name for f in self.fields}
        failures = [
            CheckFailure(
                key,
                f"is not an input of msgsms:{self.title}; "
                f"the inputs are {', '.join(sorted(known))}",
            )
            for key in sorted(news)
            if key not in known and not key.startswith("__")
        ]
        inputs = self._declared(news)
        if "region" not in inputs and (region := self._connection.default_region()):
            inputs["region"] = region
        inputs = self.prepare(inputs)
        problems = rules.check(self.rules_kind, inputs, root=Path.cwd())
        failures += [CheckFailure(p.property, p.message) for p in problems]
        return CheckResult(inputs, failures)

    def diff(self, _id: str, _olds: dict[str, Any], _news: dict[str, Any]) -> DiffResult:
        news = self._declared(_news)
        changed = self._changed(_olds, news)
        if not changed:
            return DiffResult(changes=False)
        replaces = [k for k in changed if k in self.replace_keys]
        remote = [k for k in changed if k not in replaces and self._field(k).remote]
        if remote and not replaces:
            replaces = self.classify(_id, _olds, news, remote)
        return DiffResult(
            changes=True,
            replaces=replaces,
            delete_before_replace=bool(replaces) and self.delete_before_replace(_olds, news),
        )

    def create(self, props: dict[str, Any]) -> CreateResult:
        with writing():
            return self._create(props)

    def _create(self, props: dict[str, Any]) -> CreateResult:
        inputs = self._declared(props)
        self._require_known(inputs)
        client = self._client()
        existing = self._take_existing(client, inputs)
        if existing is None:
            outcome = self._create_once(client, inputs)
            if isinstance(outcome, Created):
                outs = self._outputs(client, inputs, None, outcome.outputs)
                return CreateResult(outcome.id, outs)
            existing = outcome
        live = self.adopt(client, existing, inputs)
        outs = self._outputs(client, inputs, live, self.taken_outputs(inputs))
        return CreateResult(live.id, outs)

    def _take_existing(self, client: SmsClient, inputs: Mapping[str, Any]) -> Live | None:
        """With ``adopt``, the object to adopt; without, an identical object (what an
        interrupted create leaves) for the providers that look for one."""
        adopting = self._adopting(inputs)
        if not (adopting or self.finds_leftovers):
            return None
        if not adopting:
            found = self._take_identical(client, inputs, self.existing(client, inputs))
            if found is not None:
                self._notice_taken(inputs, found)
            return found
        for live in self.candidates(client, inputs):
            if self.adoptable(client, live, inputs) and self._connection.inventory.claim(live.id):
                notice(f"{self.label(inputs, live.id)}: adopting the existing {self.title}")
                return live
        return None

    def _notice_taken(self, inputs: Mapping[str, Any], live: Live) -> None:
        notice(
            f"{self.label(inputs, live.id)}: an identical {self.title} exists (left by a run "
            "that was interrupted after creating it, or made outside this stack); taking it "
            "over instead of creating another"
        )

    def _create_once(self, client: SmsClient, inputs: Mapping[str, Any]) -> Created | Live:
        """The remote create; a lost answer is looked up before trying again, and a refusal
        of a duplicate natural key takes over the identical object (returned as it is)."""
        attempt = 0
        while True:
            attempt += 1
            try:
                created = self.create_remote(client, inputs)
            except (TransportError, ServerError) as exc:
                # The create may have been applied before its answer was lost.
                found = self._take_identical(client, inputs, self.candidates(client, inputs))
                if found is not None:
                    notice(
                        f"{self.label(inputs, found.id)}: the answer to the create was lost, "
                        "but the object exists; taking it"
                    )
                    return Created(found.id)
                if attempt >= MAX_CREATE_ATTEMPTS:
                    raise
                notice(f"{self.label(inputs)}: nothing was created ({exc}); trying again")
                continue
            except ApiError as exc:
                if exc.error_code not in self.duplicate_codes:
                    raise
                taken = self._take_identical(client, inputs, self.candidates(client, inputs))
                if taken is None:
                    raise
                self._notice_taken(inputs, taken)
                return taken
            # made for this resource: never taken over by another create of this process
            self._connection.inventory.claim(created.id)
            return created

    def _take_identical(
        self, client: SmsClient, inputs: Mapping[str, Any], lives: Sequence[Live]
    ) -> Live | None:
        """The first of ``lives`` that a create with ``inputs`` would have made and that no
        other create of this process has taken."""
        return next(
            (
                live
                for live in lives
                if self.matches(client, live, inputs) and self._connection.inventory.claim(live.id)
            ),
            None,
        )

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        stored = self._declared(props)
        if "region" not in stored:
            raise ProviderError(
                f"msgsms:{self.title} {id_} has no region in its state: importing is not "
                "supported by dynamic providers; declare the resource with adopt: true instead"
            )
        client = self._client()
        try:
            live = self.read_live(client, stored["region"], id_, props)
        except NotFoundError:
            return ReadResult("", {})
        self._connection.just_read.put(id_, live)
        inputs = self._read_inputs(self.observed(client, live), stored)
        extras = {k: props.get(k) for k in self.kept_outputs}
        return ReadResult(id_, self._outputs(client, inputs, live, extras), inputs)

    def _read_inputs(
        self, observed: Mapping[str, Any], stored: Mapping[str, Any]
    ) -> dict[str, Any]:
        """The inputs a program would declare for the live object: the stored values where the
        API does not show them, and live values where it does (leaving out server defaults the
        program never declared)."""
        inputs = {}
        for f in self.fields:
            if not f.remote or f.name in self.unobservable:
                value = stored.get(f.name)
            else:
                value = observed.get(f.name)
                undeclared = f.name not in stored and (f.inherited or value == f.default)
                if undeclared:
                    value = None
            if value is not None:
                inputs[f.name] = value
        return inputs

    def update(self, _id: str, _olds: dict[str, Any], _news: dict[str, Any]) -> UpdateResult:
        with writing():
            return self._update(_id, _olds, _news)

    def _update(self, _id: str, _olds: dict[str, Any], _news: dict[str, Any]) -> UpdateResult:
        inputs = self._declared(_news)
        self._require_known(inputs)
        changed = self._changed(_olds, inputs, remote_only=True)
        client = self._client()
        # only the provider's own inputs changed: nothing to send
        updated = self.update_remote(client, _id, inputs, changed) if changed else {}
        outs = {k: _olds.get(k) for k in self.outputs}
        outs.update(inputs)
        outs.update(self.local_outputs(inputs))
        outs.update({k: v for k, v in updated.items() if k in self.outputs})
        return UpdateResult(outs)

    def delete(self, _id: str, _props: dict[str, Any]) -> None:
        with writing(), contextlib.suppress(NotFoundError):  # already gone: what delete wants
            self.delete_remote(self._client(), _id, self._declared(_props))
        self._connection.inventory.forget(_id)
