"""Objects that go through the platform's review: signatures and templates.

A reviewed object can be changed only while it is rejected (the change resubmits it);
otherwise a change either replaces it or, for fields only the reviewer reads, is kept in the
stack with a notice. A create or a resubmission returns at once, with the object under review
and ``submitted_at`` set; waiting for the outcome (``wait_for: approved``) is the work of one
:mod:`.reviews` resource per stack, so that no review holds one of the provider host's four
threads.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from providers.client import (
    ConflictError,
    NotFoundError,
    ServerError,
    ThrottledError,
    TransportError,
)

from .base import Live, MsgsmsProvider, ProviderError, now
from .notices import notice

if TYPE_CHECKING:  # the client is imported when a call first needs it
    from providers.client import SmsClient

__all__ = ["ReviewState", "ReviewedProvider"]

ReviewState = Literal["approved", "rejected", "pending", "disabled"]


def _silent(text: str) -> None:
    """Where a notice would mislead: the Diff that follows a refresh's Read."""


class ReviewedProvider(MsgsmsProvider):
    """Base of the providers whose objects are reviewed (signatures, templates)."""

    #: The live field holding the review status (``status``, ``flow_status``).
    status_field: ClassVar[str]
    approved: ClassVar[frozenset[str]]
    rejected: ClassVar[frozenset[str]]
    #: Statuses in which the review is still running: a wait goes on while in these.
    under_review: ClassVar[frozenset[str]]
    #: The status of a (re)submitted object.
    submitted: ClassVar[str]
    #: Statuses in which the API accepts a change (which resubmits the object).
    editable: ClassVar[frozenset[str]]
    #: Remote fields that only the reviewer reads: outside ``editable`` statuses a change is
    #: kept in the stack with a notice instead of replacing the object (from the spec).
    review_only: ClassVar[frozenset[str]] = frozenset()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "spec" in cls.__dict__:
            cls.review_only = cls.spec.review_only

    # when this stack last submitted it: the API does not show it
    kept_outputs = frozenset({"submitted_at"})

    # ------------------------------------------------------------------ hooks

    def resubmit(self, client: SmsClient, object_id: str, inputs: Mapping[str, Any]) -> None:
        """Send the changed object (the API puts it back under review)."""
        raise NotImplementedError

    # ------------------------------------------------------------------ states

    @classmethod
    def status_of(cls, live: Live) -> str:
        return str(getattr(live, cls.status_field) or "")

    @classmethod
    def review_state(cls, status: str) -> ReviewState:
        if status in cls.approved:
            return "approved"
        if status in cls.rejected:
            return "rejected"
        if status in cls.under_review or status in cls.editable:
            return "pending"
        return "disabled"

    def review_outputs(self, live: Live) -> dict[str, Any]:
        status = self.status_of(live)
        return {
            self.status_field: status or None,
            "review_state": self.review_state(status),
            "review_desc": getattr(live, "review_desc", None) or None,
        }

    def submission(self) -> dict[str, Any]:
        """The outputs of an object just (re)submitted for review."""
        return {
            self.status_field: self.submitted,
            "review_state": "pending",
            "review_desc": None,
            "submitted_at": now(),
        }

    def taken_outputs(self, inputs: Mapping[str, Any]) -> dict[str, Any]:
        # taken over by this stack: its review (whatever it is) is now the stack's to follow
        return {"submitted_at": now()}

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
        display), otherwise read now (and kept for the Update that follows), or the stored one
        when the API cannot be reached."""
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
            self._connection.diffed.put(object_id, status)
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
    ) -> dict[str, Any]:
        label = self.label(inputs, object_id)
        status = self._connection.diffed.take(object_id)
        if status is None:  # no Diff of this process read it (an adopted object)
            status = self.status_of(self.fetch(client, inputs["region"], object_id))
        if status in self.editable:
            try:
                self.resubmit(client, object_id, inputs)
                notice(f"{label}: resubmitted for review with the new {', '.join(changed)}")
                return self.submission()
            except ConflictError:
                # decided again since the Diff read it: judge by what it is now
                status = self.status_of(self.fetch(client, inputs["region"], object_id))
        self._refuse(label, status, changed)
        notice(self._kept_text(label, status, changed))
        return {}

    def _refuse(self, label: str, status: str, changed: list[str]) -> None:
        replaced = [k for k in changed if k not in self.review_only]
        if replaced:
            raise ProviderError(
                f"{label} is now {status}: {', '.join(replaced)} can change only while it is "
                "rejected. Run `pulumi up` again: the preview will then replace it"
            )
