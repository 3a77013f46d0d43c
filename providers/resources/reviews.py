"""``msgsms:Reviews``: one resource that waits for the reviews of a stack's signatures and
templates (those declared with ``wait_for: approved``), after they have all been submitted.

Why one resource and not a wait inside each create: the provider host serves every dynamic
resource with four threads, so a create that waits for its review holds one of them, and a
catalog of N templates took about N/4 review times (with real reviews of hours, a day for a few
dozen templates). Here each create returns as soon as its object is submitted; this resource
depends on all of them, and one thread polls every review together: N submissions are decided
in about one review time, with one list request per 500 objects of an app per poll.

* ``objects`` (the input) names each waited object: ``key`` (unique, e.g.
  ``templates/order_shipped``), ``kind`` (``signature`` or ``template``), ``region``,
  ``app_id``, ``id``, ``name`` (for messages), ``submitted_at`` (changes with every
  submission: a resubmitted object is waited for again) and ``timeout`` (seconds).
* ``decisions`` (the output) holds, per key, the object's status, ``review_state``
  (approved, rejected, pending, disabled), the reviewer's ``review_desc`` and the ids only an
  approval gives (``template_id``; a signature's ``signature_id`` and ``channel_num``).
* A create or update polls with jittered backoff until every object is decided or its own
  timeout passes, printing progress. An object still under review at its timeout is not an
  error: the review goes on, and the next ``up`` (whose Diff sees an undecided object) or
  ``refresh`` picks up the outcome. A rejected object fails the step with the reviewer's
  reason once every other object is settled: the submission stays in the stack, and fixing
  the entry resubmits it.
* A signature approved into ``TO_BE_ACTIVATED`` is activated by the wait.
* ``read`` (a refresh) polls once; ``delete`` has nothing to delete.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

import pulumi
from pulumi.dynamic import (
    CheckFailure,
    CheckResult,
    CreateResult,
    DiffResult,
    ReadResult,
    UpdateResult,
)
from pulumi.dynamic import Resource as DynamicResource

from providers.client import ClientError, NotFoundError, models, paginate
from providers.client.retry import jittered

from .base import ConfiguredProvider, Live, ProviderError
from .notices import notice
from .resource import pickler_restored
from .review import ReviewedProvider
from .schema import contains_unknown
from .signature import SignatureProvider
from .template import TemplateProvider

if TYPE_CHECKING:  # the client is imported when a call first needs it
    from providers.client import SmsClient

__all__ = [
    "DEFAULT_WAIT_TIMEOUT",
    "Reviews",
    "ReviewsProvider",
    "Waiter",
    "waited",
]

#: Seconds ``wait_for: approved`` waits when ``wait_timeout`` is not given.
DEFAULT_WAIT_TIMEOUT = 600.0

#: The provider of each kind of reviewed object: its statuses and what the wait may do.
KINDS: Mapping[str, type[ReviewedProvider]] = {
    "signature": SignatureProvider,
    "template": TemplateProvider,
}
_OBJECT_FIELDS = ("key", "kind", "region", "app_id", "id", "name", "submitted_at", "timeout")


@dataclass(frozen=True)
class Waiter:
    """Poll delays: jittered exponential backoff, ``first`` seconds growing by ``factor`` up
    to ``cap``. Each delay is uniform in [c/2, c] for the current ceiling c. ``sleep``,
    ``clock`` and ``random`` are injectable for tests."""

    first: float = 2.0
    factor: float = 1.6
    cap: float = 20.0
    sleep: Callable[[float], None] = field(default=time.sleep, repr=False)
    clock: Callable[[], float] = field(default=time.monotonic, repr=False)
    random: Callable[[], float] = field(default=random.random, repr=False)

    def delays(self) -> Iterator[float]:
        ceiling = self.first
        while True:
            yield jittered(ceiling, self.random)
            ceiling = min(self.cap, ceiling * self.factor)


@dataclass(frozen=True)
class _Object:
    key: str
    kind: str
    region: str
    app_id: str
    id: str
    name: str
    submitted_at: str | None
    timeout: float

    @property
    def provider(self) -> type[ReviewedProvider]:
        return KINDS[self.kind]

    @property
    def label(self) -> str:
        return f"{self.provider.title} {self.name!r} ({self.key}, {self.region}, {self.id})"

    def decision(self, live: Live) -> dict[str, Any]:
        status = self.provider.status_of(live)
        found: dict[str, Any] = {
            "id": self.id,
            "status": status or None,
            "review_state": self.provider.review_state(status),
            "review_desc": getattr(live, "review_desc", None) or None,
            "submitted_at": self.submitted_at,
        }
        if self.kind == "template":
            found["template_id"] = getattr(live, "template_id", None) or None
        else:
            found["signature_id"] = getattr(live, "signature_id", None)
            found["channel_num"] = getattr(live, "channel_num", None) or None
        return found


def _objects(props: Mapping[str, Any]) -> list[_Object]:
    return [
        _Object(
            key=str(o["key"]),
            kind=str(o["kind"]),
            region=str(o["region"]),
            app_id=str(o["app_id"]),
            id=str(o["id"]),
            name=str(o.get("name") or o["key"]),
            submitted_at=o.get("submitted_at"),
            timeout=float(o.get("timeout") or DEFAULT_WAIT_TIMEOUT),
        )
        for o in props.get("objects") or []
    ]


def _state(decision: Mapping[str, Any] | None) -> str | None:
    return None if decision is None else decision.get("review_state")


def _settled(decision: Mapping[str, Any] | None) -> bool:
    return decision is not None and _state(decision) != "pending"


class ReviewsProvider(ConfiguredProvider):
    """Waits for, and reads, the reviews of the objects it is given."""

    title = "Reviews"
    waiter: ClassVar[Waiter] = Waiter()

    # -- inputs --

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        failures: list[CheckFailure] = []
        objects = news.get("objects")
        if not isinstance(objects, list):
            return CheckResult(news, [CheckFailure("objects", "must be a list of objects")])
        keys: set[str] = set()
        checked = []
        for index, item in enumerate(objects):
            where = f"objects[{index}]"
            if not isinstance(item, dict):
                failures.append(CheckFailure("objects", f"{where} must be a mapping"))
                continue
            entry = {k: item.get(k) for k in _OBJECT_FIELDS if item.get(k) is not None}
            missing = [k for k in ("key", "kind", "region", "app_id", "id") if k not in entry]
            if missing:
                failures.append(CheckFailure("objects", f"{where} has no {', '.join(missing)}"))
            if entry.get("kind") not in (*KINDS, None):
                failures.append(
                    CheckFailure("objects", f"{where}.kind must be one of {', '.join(KINDS)}")
                )
            timeout = entry.get("timeout")
            if isinstance(timeout, int | float) and not contains_unknown(timeout):
                if timeout <= 0:
                    failures.append(CheckFailure("objects", f"{where}.timeout must be > 0"))
                entry["timeout"] = float(timeout)
            key = entry.get("key")
            if isinstance(key, str):
                if key in keys:
                    failures.append(CheckFailure("objects", f"{where}.key {key!r} is repeated"))
                keys.add(key)
            checked.append(entry)
        return CheckResult({"objects": checked}, failures)

    def diff(self, _id: str, _olds: dict[str, Any], _news: dict[str, Any]) -> DiffResult:
        """A new, resubmitted or replaced object is waited for; so is one still undecided at
        the last wait (its review went on)."""
        olds = {o.key: (o.id, o.submitted_at, o.timeout) for o in _objects(_olds)}
        if contains_unknown(_news.get("objects")):
            return DiffResult(changes=True, replaces=[])
        news = {o.key: (o.id, o.submitted_at, o.timeout) for o in _objects(_news)}
        decisions = _olds.get("decisions") or {}
        undecided = any(not _settled(decisions.get(key)) for key in news)
        return DiffResult(changes=olds != news or undecided, replaces=[])

    # -- the calls --

    def create(self, props: dict[str, Any]) -> CreateResult:
        objects = _objects(props)
        return CreateResult("reviews", self._outputs(props, self._wait(objects, {})))

    def update(self, _id: str, _olds: dict[str, Any], _news: dict[str, Any]) -> UpdateResult:
        # an object is known by its id: under a new key (an entry renamed through an alias)
        # its decision stands, unless it was submitted again
        before = {o.id: o for o in _objects(_olds)}
        decisions = dict(_olds.get("decisions") or {})
        known = {
            o.key: decisions[prior.key]
            for o in _objects(_news)
            if (prior := before.get(o.id)) is not None
            and prior.submitted_at == o.submitted_at
            and _settled(decisions.get(prior.key))
        }
        return UpdateResult(self._outputs(_news, self._wait(_objects(_news), known)))

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        objects = _objects(props)
        decisions = dict(props.get("decisions") or {})
        found = self._poll(self._client(), objects)
        for obj in objects:
            live = found.get(obj.key)
            if live is not None:
                decisions[obj.key] = obj.decision(live)
        inputs = {"objects": props.get("objects") or []}
        return ReadResult(id_, self._outputs(inputs, decisions), inputs)

    def delete(self, _id: str, _props: dict[str, Any]) -> None:
        """Nothing to delete: the wait leaves nothing behind."""

    # -- waiting --

    @staticmethod
    def _outputs(props: Mapping[str, Any], decisions: Mapping[str, Any]) -> dict[str, Any]:
        keys = [o.key for o in _objects(props)]
        return {
            "objects": props.get("objects") or [],
            "decisions": {key: decisions[key] for key in keys if key in decisions},
        }

    def _wait(self, objects: list[_Object], known: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
        client = self._client()
        decisions: dict[str, dict[str, Any]] = dict(known)
        pending = [o for o in objects if o.key not in known]
        waiter = self.waiter
        started = waiter.clock()
        delays = waiter.delays()
        while pending:
            found = self._poll(client, pending)
            advanced = False
            for obj in list(pending):
                live = found.get(obj.key)
                if live is None:
                    notice(f"{obj.label}: no longer exists; the next `pulumi up` creates it again")
                    pending.remove(obj)
                    continue
                if obj.kind == "signature" and SignatureProvider.advance(
                    client, live, obj.region, obj.label
                ):
                    advanced = True
                    continue
                decisions[obj.key] = obj.decision(live)
                if _settled(decisions[obj.key]):
                    pending.remove(obj)
                    self._report(obj, decisions[obj.key])
            elapsed = waiter.clock() - started
            pending = self._unexpired(pending, decisions, elapsed)
            if not pending:
                break
            notice(
                f"waiting for review: {len(objects) - len(pending)} of {len(objects)} decided, "
                f"{len(pending)} under review ({elapsed:.0f}s of "
                f"{max(o.timeout for o in pending):.0f}s)"
            )
            delay = 0.0 if advanced else next(delays)
            nearest = min(o.timeout for o in pending) - elapsed
            waiter.sleep(max(0.0, min(delay, nearest)))
        rejected = [o for o in objects if _state(decisions.get(o.key)) == "rejected"]
        if rejected:
            reasons = "; ".join(
                f"{o.key} ({decisions[o.key]['status']}: "
                f"{decisions[o.key].get('review_desc') or 'no reason given'})"
                for o in rejected
            )
            raise ProviderError(
                f"{len(rejected)} object(s) rejected in review: {reasons}. Fix them in the "
                "catalog and run `pulumi up` again to resubmit"
            )
        return decisions

    @staticmethod
    def _unexpired(
        pending: list[_Object], decisions: Mapping[str, Any], elapsed: float
    ) -> list[_Object]:
        left = []
        for obj in pending:
            if elapsed < obj.timeout:
                left.append(obj)
                continue
            status = (decisions.get(obj.key) or {}).get("status")
            notice(
                f"{obj.label}: still {status or 'under review'} after {obj.timeout:.0f}s; the "
                "review goes on and the next `pulumi up` or `pulumi refresh` picks up the outcome"
            )
        return left

    @staticmethod
    def _report(obj: _Object, decision: Mapping[str, Any]) -> None:
        state, status = decision["review_state"], decision["status"]
        if state == "approved":
            notice(f"{obj.label}: approved ({status})")
        elif state == "rejected":
            reason = decision.get("review_desc") or "no reason given"
            notice(
                f"{obj.label}: rejected ({status}): {reason}. Fix the entry and run "
                "`pulumi up` again to resubmit"
            )
        else:
            notice(f"{obj.label}: {status}")

    # -- reading many reviews at once --

    def _poll(self, client: SmsClient, objects: list[_Object]) -> dict[str, Live]:
        """Each object as the API shows it now (absent: gone). The objects of one app are
        listed together, 500 a page; one missing from a listing is read alone."""
        groups: dict[tuple[str, str, str], list[_Object]] = {}
        for obj in objects:
            groups.setdefault((obj.kind, obj.region, obj.app_id), []).append(obj)
        found: dict[str, Live] = {}
        for (kind, region, app_id), members in groups.items():
            try:
                listed = self._list(client, kind, region, app_id)
            except ClientError as exc:
                notice(f"could not list the {kind}s of app {app_id} ({exc}); reading one by one")
                listed = {}
            for obj in members:
                live = listed.get(obj.id)
                if live is None:
                    try:
                        live = self._show(client, obj)
                    except NotFoundError:
                        continue
                found[obj.key] = live
        return found

    def _list(self, client: SmsClient, kind: str, region: str, app_id: str) -> dict[str, Live]:
        if kind == "template":
            app_key = self._connection.app_key(region, app_id)
            query = models.TemplateQuery(app_key=app_key)
            templates = paginate(client.list_template_details, query, region=region)
            return {t.id: t for t in templates if t.app_key == app_key}
        app = self._connection.app(region, app_id)
        by_app = models.SignatureQuery(app_name=app.app_name)
        signatures = paginate(client.list_signature_details, by_app, region=region)
        return {s.id: s for s in signatures if s.app_key == app.app_key}

    @staticmethod
    def _show(client: SmsClient, obj: _Object) -> Live:
        if obj.kind == "template":
            return client.show_template(obj.id, region=obj.region)
        return client.show_signature(obj.id, region=obj.region)


def waited(key: str, resource: Any, timeout: float | None = None) -> dict[str, Any]:
    """The ``objects`` entry of a :class:`~providers.resources.Signature` or
    :class:`~providers.resources.Template` to wait for (its Outputs, resolved at ``up``)."""
    kind = resource.provider_class.title.lower()
    if kind not in KINDS:
        raise TypeError(f"{type(resource).__name__} has no review: only signatures and templates")
    return {
        "key": key,
        "kind": kind,
        "region": resource.region,
        "app_id": resource.app_id,
        "id": resource.id,
        "name": getattr(resource, resource.provider_class.name_key),
        "submitted_at": resource.submitted_at,
        "timeout": timeout or DEFAULT_WAIT_TIMEOUT,
    }


class Reviews(DynamicResource, module="msgsms", name="Reviews"):
    """Waits for the reviews of the given objects (type ``pulumi-python:dynamic/msgsms:Reviews``).

    ```python
    reviews = Reviews("reviews", [waited("templates/shipped", shipped, timeout=3600)])
    template_id = reviews.decisions.apply(lambda d: d["templates/shipped"]["template_id"])
    ```
    """

    objects: pulumi.Output[list[dict[str, Any]]]
    decisions: pulumi.Output[dict[str, dict[str, Any]]]
    """Per key: status, review_state, review_desc, template_id / signature_id, channel_num."""

    def __init__(
        self,
        resource_name: str,
        objects: list[dict[str, Any]],
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        props = {"objects": objects, "decisions": None}
        with pickler_restored():
            super().__init__(ReviewsProvider(), resource_name, props, opts)
