"""Objects that go through the platform's review: signatures and templates.

A reviewed object can be changed only while it is rejected (the change resubmits it);
otherwise a change either replaces it or, for fields only the reviewer reads, is kept in the
stack with a notice. ``wait_for: approved`` polls the review with jittered backoff until it
is decided or ``wait_timeout`` seconds pass, printing progress to stderr; the outcome goes to
the outputs (``review_state``, the status, the reviewer's ``review_desc``), never into an
exception: once the object exists, its review cannot fail the deployment.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal

from providers.client import (
    ClientError,
    NotFoundError,
    ServerError,
    SmsClient,
    ThrottledError,
    TransportError,
)
from providers.client.retry import jittered

from .base import Live, MsgsmsProvider, ProviderError
from .notices import notice

__all__ = ["DEFAULT_WAIT_TIMEOUT", "ReviewState", "ReviewedProvider", "Waiter"]

#: Seconds ``wait_for: approved`` waits when ``wait_timeout`` is not given.
DEFAULT_WAIT_TIMEOUT = 600.0

ReviewState = Literal["approved", "rejected", "pending", "disabled"]


def _silent(text: str) -> None:
    """Where a notice would mislead: the Diff that follows a refresh's Read."""


@dataclass(frozen=True)
class Waiter:
    """Poll delays: jittered exponential backoff, ``first`` seconds doubling up to ``cap``.

    Each delay is uniform in [c/2, c] for the current ceiling c, so many resources waiting at
    once do not poll in step. ``sleep``, ``clock`` and ``random`` are injectable for tests.
    """

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


class ReviewedProvider(MsgsmsProvider):
    """Base of the providers whose objects are reviewed (signatures, templates)."""

    #: The live field holding the review status (``status``, ``flow_status``).
    status_field: ClassVar[str]
    approved: ClassVar[frozenset[str]]
    rejected: ClassVar[frozenset[str]]
    #: Statuses in which the review is still running: ``wait_for`` polls while in these.
    under_review: ClassVar[frozenset[str]]
    #: Statuses in which the API accepts a change (which resubmits the object).
    editable: ClassVar[frozenset[str]]
    #: Remote fields that only the reviewer reads: outside ``editable`` statuses a change is
    #: kept in the stack with a notice instead of replacing the object.
    review_only: ClassVar[frozenset[str]] = frozenset()

    waiter: ClassVar[Waiter] = Waiter()

    # ------------------------------------------------------------------ hooks

    def resubmit(self, client: SmsClient, object_id: str, inputs: Mapping[str, Any]) -> None:
        """Send the changed object (the API puts it back under review)."""
        raise NotImplementedError

    def advance(self, client: SmsClient, live: Live, inputs: Mapping[str, Any]) -> bool:
        """A step the provider takes itself while waiting (e.g. apply for activation);
        True when it took one."""
        return False

    # ------------------------------------------------------------------ states

    def status_of(self, live: Live) -> str:
        return str(getattr(live, self.status_field) or "")

    def review_state(self, status: str) -> ReviewState:
        if status in self.approved:
            return "approved"
        if status in self.rejected:
            return "rejected"
        if status in self.under_review or status in self.editable:
            return "pending"
        return "disabled"

    def review_outputs(self, live: Live) -> dict[str, Any]:
        status = self.status_of(live)
        return {
            self.status_field: status or None,
            "review_state": self.review_state(status),
            "review_desc": getattr(live, "review_desc", None) or None,
        }

    # ------------------------------------------------------------------ changes

    def classify(
        self,
        object_id: str,
        olds: Mapping[str, Any],
        news: Mapping[str, Any],
        changed: list[str],
    ) -> list[str]:
        """Rejected: an update (which resubmits); otherwise review-only fields are kept and
        the others replace the object. The review status is the live one: in a refresh's
        Diff the one its Read just saw (silently: that Diff only informs the refresh's
        display), otherwise read now, or the stored one when the API cannot be reached."""
        label = self.label(news, object_id)
        just_read = self._connection.just_read.take(object_id)
        say = notice
        if just_read is not None:
            status = self.status_of(just_read)
            say = _silent
        else:
            try:
                status = self.status_of(self.fetch(self._client(), olds["region"], object_id))
            except NotFoundError:
                notice(f"{label}: no longer exists; it will be created again")
                return changed
            except (ThrottledError, ServerError, TransportError) as exc:
                status = str(olds.get(self.status_field) or "")
                notice(
                    f"{label}: could not read the live review status ({exc}); judging the "
                    f"change by the status stored at the last run ({status or 'unknown'})"
                )
        if status in self.editable:
            say(f"{label} is {status}: changing {', '.join(changed)} resubmits it for review")
            return []
        kept = [k for k in changed if k in self.review_only]
        replaced = [k for k in changed if k not in self.review_only]
        if kept:
            say(self._kept_text(label, status, kept))
        if replaced:
            say(
                f"{label} is {status}: {', '.join(replaced)} can change only while it is "
                "rejected, so it is replaced by a new one (which goes to review)"
            )
        return replaced

    @staticmethod
    def _kept_text(label: str, status: str, kept: list[str]) -> str:
        return (
            f"{label} is {status}: {', '.join(kept)} can change only while it is rejected; "
            "the new value is kept in the stack but not sent (change the name to submit a "
            "new one)"
        )

    def update_remote(
        self, client: SmsClient, object_id: str, inputs: Mapping[str, Any], changed: list[str]
    ) -> None:
        label = self.label(inputs, object_id)
        status = self.status_of(self.fetch(client, inputs["region"], object_id))
        if status in self.editable:
            self.resubmit(client, object_id, inputs)
            notice(f"{label}: resubmitted for review with the new {', '.join(changed)}")
            return
        replaced = [k for k in changed if k not in self.review_only]
        if replaced:
            raise ProviderError(
                f"{label} is now {status}: {', '.join(replaced)} can change only while it is "
                "rejected. Run `pulumi up` again: the preview will then replace it"
            )
        notice(self._kept_text(label, status, changed))

    # ------------------------------------------------------------------ waiting

    def after_write(
        self,
        client: SmsClient,
        inputs: Mapping[str, Any],
        object_id: str,
        outputs: dict[str, Any],
    ) -> dict[str, Any]:
        if inputs.get("wait_for") != "approved":
            return outputs
        status = str(outputs.get(self.status_field) or "")
        if status in self.under_review:
            try:
                return self._wait(client, inputs, object_id, outputs)
            # the object exists: nothing about its review may fail the deployment now
            except Exception as exc:
                notice(f"{self.label(inputs, object_id)}: stopped waiting for review: {exc}")
                return outputs
        self._report(inputs, object_id, outputs, None)
        return outputs

    def _wait(
        self,
        client: SmsClient,
        inputs: Mapping[str, Any],
        object_id: str,
        outputs: dict[str, Any],
    ) -> dict[str, Any]:
        label = self.label(inputs, object_id)
        timeout = float(inputs.get("wait_timeout", DEFAULT_WAIT_TIMEOUT))
        waiter = self.waiter
        started = waiter.clock()
        status = str(outputs.get(self.status_field) or "")
        live: Live | None = None
        for delay in waiter.delays():
            elapsed = waiter.clock() - started
            remaining = timeout - elapsed
            if remaining <= 0 or status not in self.under_review:
                break
            notice(f"{label}: waiting for review: {status} ({elapsed:.0f}s of {timeout:.0f}s)")
            waiter.sleep(min(delay, remaining))
            try:
                live = self.fetch(client, inputs["region"], object_id)
                if self.advance(client, live, inputs):
                    live = self.fetch(client, inputs["region"], object_id)
            except ClientError as exc:
                notice(f"{label}: could not read the review status ({exc}); stopped waiting")
                break
            status = self.status_of(live)
        if live is not None:
            extras = {k: outputs.get(k) for k in self.kept_outputs}
            outputs = self._outputs(client, inputs, live, extras)
        self._report(inputs, object_id, outputs, timeout)
        return outputs

    def _report(
        self,
        inputs: Mapping[str, Any],
        object_id: str,
        outputs: Mapping[str, Any],
        timeout: float | None,
    ) -> None:
        label = self.label(inputs, object_id)
        status = outputs.get(self.status_field)
        state = outputs.get("review_state")
        if state == "approved":
            notice(f"{label}: approved ({status})")
        elif state == "rejected":
            reason = outputs.get("review_desc") or "no reason given"
            notice(
                f"{label}: rejected ({status}): {reason}. Fix the inputs and run `pulumi up` "
                "again to resubmit"
            )
        elif timeout is not None and status in self.under_review:
            notice(
                f"{label}: still {status} after {timeout:.0f}s; the review goes on and the "
                "next `pulumi up` or `pulumi refresh` picks up the outcome"
            )
        else:
            notice(f"{label}: {status}")
