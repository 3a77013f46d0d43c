"""``msgsms:Signature``: the 【name】 an app's messages start with, reviewed by the platform.

A name and type are unique across every app of the account (and region): the natural key.
Moving a signature to another app therefore deletes the old one before creating the new.
Other fields only matter to the reviewer: they change in place while the signature is
rejected (which resubmits it); when it is approved or under review they are kept in the
stack with a notice. A signature approved into ``TO_BE_ACTIVATED`` is activated by
``wait_for: approved``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pulumi

from providers.client import SmsClient, models, paginate

from .base import Created, Live, ProviderError
from .notices import notice
from .resource import MsgsmsResource
from .review import ReviewedProvider
from .schema import Field

__all__ = ["Signature", "SignatureArgs", "SignatureProvider"]

_REVIEW_ONLY = (
    "signature_source",
    "is_involved_third",
    "apply_desc",
    "file_id",
    "power_attorney_file_id",
    "qualification_id",
    "source_title_content",
)
_TO_BE_ACTIVATED = "TO_BE_ACTIVATED"


class SignatureProvider(ReviewedProvider):
    """Submits signatures for review, resubmits rejected ones, deletes them."""

    title = "Signature"
    rules_kind = "signature"
    name_key = "signature_name"
    fields = (
        Field("region"),
        Field("app_id"),
        Field("signature_name"),
        Field("signature_type"),
        Field("signature_source", kind="int"),
        Field("is_involved_third", kind="yes_no"),
        Field("apply_desc"),
        Field("file_id"),
        Field("power_attorney_file_id"),
        Field("qualification_id"),
        Field("source_title_content"),
        Field("adopt", kind="bool", remote=False, default=False),
    )
    outputs = (
        "signature_id",
        "status",
        "review_state",
        "review_desc",
        "channel_num",
        "submitted_at",
    )
    replace_keys = frozenset({"region", "app_id", "signature_name", "signature_type"})
    # a signature's answer names its app by name and key, not by id
    unobservable = frozenset({"region", "app_id"})
    # a name and type are unique: the API refuses an interrupted create's second copy
    duplicate_codes = frozenset({"MSGSMS.0004", "MSGSMS.0006"})

    status_field = "status"
    approved = frozenset(
        {
            "REVIEW_PROCESSING_COMPLETED",
            "REVIEW_PASSED",
            "REVIEW_PASSED_QUALIFICATION_PROCESSING",
            "REVIEW_PASSED_REAL_NAME_REGISTRATING",
            "REVIEW_PASSED_REAL_NAME_REGISTRATE_FAIL",
        }
    )
    rejected = frozenset({"REVIEW_NOT_PASS"})
    submitted = "PENDING_REVIEW"
    under_review = frozenset(
        {
            "PENDING_REVIEW",
            "PROCESSING",
            _TO_BE_ACTIVATED,
            "PENDING_ACTIVATE",
            "PENDING_QUALIFICATION_REVIEW",
            "REAL_NAME_REGISTRATING",
        }
    )
    editable = rejected
    review_only = frozenset(_REVIEW_ONLY)

    @staticmethod
    def _request(inputs: Mapping[str, Any]) -> models.SignatureRequest:
        return models.SignatureRequest(
            app_id=inputs["app_id"],
            signature_name=inputs["signature_name"],
            signature_type=inputs["signature_type"],
            signature_source=inputs["signature_source"],
            is_involved_third=inputs["is_involved_third"],
            apply_desc=inputs.get("apply_desc"),
            file_id=inputs.get("file_id"),
            power_attorney_fileid=inputs.get("power_attorney_file_id"),
            source_title_content=inputs.get("source_title_content"),
            qualification_id=inputs.get("qualification_id"),
        )

    def candidates(self, client: SmsClient, inputs: Mapping[str, Any]) -> list[models.Signature]:
        query = models.SignatureQuery(
            signature_name=inputs["signature_name"], signature_type=inputs["signature_type"]
        )
        found = [
            signature
            for signature in paginate(client.list_signature_details, query, region=inputs["region"])
            # the API matches names by substring; names are case-sensitive
            if signature.signature_name == inputs["signature_name"]
            and signature.signature_type == inputs["signature_type"]
        ]
        return sorted(found, key=lambda s: s.create_time or "", reverse=True)

    def matches(self, client: SmsClient, live: Live, inputs: Mapping[str, Any]) -> bool:
        assert isinstance(live, models.Signature)
        app = client.show_app(inputs["app_id"], region=inputs["region"])
        return live.app_key == app.app_key

    def adoptable(self, client: SmsClient, live: Live, inputs: Mapping[str, Any]) -> bool:
        assert isinstance(live, models.Signature)
        if not self.matches(client, live, inputs):
            raise ProviderError(
                f"{self.label(inputs, live.id)} of type {inputs['signature_type']} belongs to "
                f"app {live.app_name!r}, not to app {inputs['app_id']}: a name and type are "
                "unique across apps and a signature cannot move. Adopt it under that app, or "
                "choose another name"
            )
        return True

    def create_remote(self, client: SmsClient, inputs: Mapping[str, Any]) -> Created:
        created = client.create_signature(self._request(inputs), region=inputs["region"])
        return Created(created.id, {**self.submission(), "signature_id": created.signature_id})

    def resubmit(self, client: SmsClient, object_id: str, inputs: Mapping[str, Any]) -> None:
        client.update_signature(object_id, self._request(inputs), region=inputs["region"])

    @classmethod
    def advance(cls, client: SmsClient, live: Live, region: str, label: str) -> bool:
        """The step a wait for approval takes itself: a signature approved into
        TO_BE_ACTIVATED is activated. True when it took one."""
        if cls.status_of(live) != _TO_BE_ACTIVATED:
            return False
        notice(f"{label}: approved; applying for activation")
        client.enable_signature(live.id, region=region)
        return True

    def fetch(self, client: SmsClient, region: str, object_id: str) -> models.Signature:
        return client.show_signature(object_id, region=region)

    def inputs_from_live(self, client: SmsClient, live: Live) -> dict[str, Any]:
        assert isinstance(live, models.Signature)
        return {
            "signature_name": live.signature_name,
            "signature_type": live.signature_type,
            **{name: getattr(live, name) for name in _REVIEW_ONLY},
        }

    def outputs_from_live(
        self, client: SmsClient, live: Live, inputs: Mapping[str, Any]
    ) -> dict[str, Any]:
        assert isinstance(live, models.Signature)
        return {
            "signature_id": live.signature_id,
            "channel_num": live.channel_num or None,
            **self.review_outputs(live),
        }

    def delete_remote(self, client: SmsClient, object_id: str, outputs: Mapping[str, Any]) -> None:
        client.delete_signature(object_id, region=outputs["region"])

    def delete_before_replace(self, olds: Mapping[str, Any], news: Mapping[str, Any]) -> bool:
        # the new signature would collide with the old one on name and type in one project
        return all(
            olds.get(key) == news.get(key) for key in ("region", "signature_name", "signature_type")
        )


@dataclass
class SignatureArgs:
    """Inputs of a :class:`Signature`."""

    app_id: pulumi.Input[str]
    """The app's ``id`` (an :class:`App`'s Pulumi id). Changing it replaces the signature."""
    signature_name: pulumi.Input[str]
    """2-32 Chinese characters, letters and digits, without 【】. Changing it replaces the
    signature."""
    signature_type: pulumi.Input[str]
    """VERIFY_CODE_TYPE, NOTIFY_TYPE or PROMOTION_TYPE. Changing it replaces the signature."""
    signature_source: pulumi.Input[int]
    """0 company, 1 website, 2 app, 3 official account, 4 shop, 5 trademark."""
    is_involved_third: pulumi.Input[str]
    """``Yes`` when the signature names a third party (then ``power_attorney_file_id``)."""
    region: pulumi.Input[str] | None = None
    """Endpoint region; default ``msgsms:region``. Changing it replaces the signature."""
    apply_desc: pulumi.Input[str] | None = None
    """A note to the reviewer (100 characters at most)."""
    file_id: pulumi.Input[str] | None = None
    """The business licence (a :class:`SignatureFile`'s ``file_id``)."""
    power_attorney_file_id: pulumi.Input[str] | None = None
    """The power of attorney (a :class:`SignatureFile`'s ``file_id``)."""
    qualification_id: pulumi.Input[str] | None = None
    source_title_content: pulumi.Input[str] | None = None
    adopt: pulumi.Input[bool] | None = None
    """Take over an existing signature with the same name and type (default false)."""


class Signature(MsgsmsResource[SignatureArgs], module="msgsms", name="Signature"):
    """A reviewed SMS signature (type ``pulumi-python:dynamic/msgsms:Signature``).

    The Pulumi id is the signature's ``id`` (what a template takes as ``sign_id``).
    """

    provider_class = SignatureProvider

    region: pulumi.Output[str]
    app_id: pulumi.Output[str]
    signature_name: pulumi.Output[str]
    signature_type: pulumi.Output[str]
    signature_source: pulumi.Output[int]
    is_involved_third: pulumi.Output[str]
    apply_desc: pulumi.Output[str | None]
    file_id: pulumi.Output[str | None]
    power_attorney_file_id: pulumi.Output[str | None]
    qualification_id: pulumi.Output[str | None]
    source_title_content: pulumi.Output[str | None]
    adopt: pulumi.Output[bool | None]
    signature_id: pulumi.Output[str]
    """The signature's business id."""
    status: pulumi.Output[str]
    """The review status, e.g. PENDING_REVIEW, REVIEW_NOT_PASS, REVIEW_PROCESSING_COMPLETED."""
    review_state: pulumi.Output[str]
    """``approved``, ``rejected``, ``pending`` or ``disabled``."""
    review_desc: pulumi.Output[str | None]
    """The reviewer's reason (after a rejection)."""
    channel_num: pulumi.Output[str | None]
    """The channel number (the sender ``from``), once approved."""
    submitted_at: pulumi.Output[str]
    """When this stack last submitted (or took over) the signature for review."""
