"""``msgsms:Signature``: the 【name】 an app's messages start with, reviewed by the platform.

A name and type are unique across every app of the account (and region): the natural key.
Moving a signature to another app therefore deletes the old one before creating the new.
Other fields only matter to the reviewer: they change in place while the signature is
rejected (which resubmits it); when it is approved or under review they are kept in the
stack with a notice. A signature approved into ``TO_BE_ACTIVATED`` is activated by
``wait_for: approved``. Its fields, outputs and their behaviour:
:data:`providers.spec.SIGNATURE`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from providers.client import models, paginate
from providers.spec import SIGNATURE

from .base import Created, Live, ProviderError
from .notices import notice
from .resource import MsgsmsResource, args_class
from .review import ReviewedProvider

if TYPE_CHECKING:  # the client is imported when a call first needs it
    from providers.client import SmsClient

__all__ = ["Signature", "SignatureArgs", "SignatureProvider"]

_TO_BE_ACTIVATED = "TO_BE_ACTIVATED"


class SignatureProvider(ReviewedProvider):
    """Submits signatures for review, resubmits rejected ones, deletes them."""

    spec = SIGNATURE
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

    def _request(self, inputs: Mapping[str, Any]) -> models.SignatureRequest:
        return models.SignatureRequest.model_validate(self.body(inputs))

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


SignatureArgs = args_class(SIGNATURE, __name__)


class Signature(MsgsmsResource[Any], module="msgsms", name="Signature"):
    """A reviewed SMS signature (type ``pulumi-python:dynamic/msgsms:Signature``).

    The Pulumi id is the signature's ``id`` (what a template takes as ``sign_id``). Inputs:
    :data:`SignatureArgs`; wait for its review with :class:`~providers.resources.Reviews`.
    """

    provider_class = SignatureProvider
