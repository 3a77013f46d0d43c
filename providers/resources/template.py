"""``msgsms:Template``: a message template of an app, reviewed by the platform.

While a template is rejected every field changes in place (the change resubmits it);
otherwise a change of its content fields replaces it with a new template, and a new
``template_desc`` is kept in the stack with a notice. A template under review cannot be
deleted: deleting it fails with an error saying so, and the next run tries again.
``segments`` is the most SMS segments one message can take (longest variable values, the
bracketed ``signature_name`` included).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

from providers import rules
from providers.client import ApiError, models, paginate
from providers.spec import TEMPLATE

from .base import Created, Live, ProviderError
from .notices import notice
from .resource import MsgsmsResource, args_class
from .review import ReviewedProvider
from .schema import same_value

if TYPE_CHECKING:  # the client is imported when a call first needs it
    from providers.client import SmsClient

__all__ = ["Template", "TemplateArgs", "TemplateProvider"]

_REVIEWING = "Reviewing"
_UNDER_REVIEW_CODE = "MSGSMS.0035"


@dataclass
class LiveTemplate:
    """A template as the API shows it, with its variables listed on first use (unless
    ``known_variables`` are given: those read before, when the template has not changed)."""

    template: models.Template
    client: SmsClient
    region: str
    known_variables: list[models.TemplateVariable] | None = None

    @property
    def id(self) -> str:
        return self.template.id

    @property
    def flow_status(self) -> str | None:
        return self.template.flow_status

    @property
    def review_desc(self) -> str | None:
        return self.template.review_desc

    @cached_property
    def variables(self) -> list[models.TemplateVariable]:
        if self.known_variables is not None:
            return self.known_variables
        page = self.client.list_template_varilable_details(self.id, region=self.region)
        return sorted(page.results, key=lambda v: v.variable_index or 0)


def _app_templates(
    client: SmsClient, region: str, app_key: str | None, name: str | None = None
) -> list[models.Template]:
    """The templates of an app (with ``name``: those whose name contains it, as the API
    filters), 500 a page."""
    query = models.TemplateQuery(app_key=app_key, template_name=name)
    found = paginate(client.list_template_details, query, region=region)
    # the API matches names by substring; keep the app's own in case it matched keys loosely
    return [t for t in found if t.app_key == app_key]


class TemplateProvider(ReviewedProvider):
    """Submits templates for review, resubmits rejected ones, replaces the others."""

    spec = TEMPLATE
    # names are not unique: an interrupted create's template is found by its content
    finds_leftovers = True

    status_field = "flow_status"
    approved = frozenset({"Adopted"})
    rejected = frozenset({"Reject"})
    submitted = _REVIEWING
    under_review = frozenset({_REVIEWING, "SignReviewing"})
    editable = frozenset({"Reject", "Pending"})

    def _request(self, client: SmsClient, inputs: Mapping[str, Any]) -> models.TemplateRequest:
        body = {
            **self.body(inputs),
            "template_type": self._template_type(client, inputs),
            "flow_status": _REVIEWING,  # submit, never save a draft
        }
        return models.TemplateRequest.model_validate(body)

    @staticmethod
    def _template_type(client: SmsClient, inputs: Mapping[str, Any]) -> str:
        if inputs.get("template_type"):
            return str(inputs["template_type"])
        if inputs["scope"] == "intl" or not inputs.get("sign_id"):
            return "NOTIFY_TYPE"
        signature = client.show_signature(inputs["sign_id"], region=inputs["region"])
        return signature.signature_type or "NOTIFY_TYPE"

    def candidates(self, client: SmsClient, inputs: Mapping[str, Any]) -> list[Live]:
        app = client.show_app(inputs["app_id"], region=inputs["region"])
        found = _app_templates(client, inputs["region"], app.app_key, inputs["template_name"])
        return self._named(client, inputs, found)

    def existing(self, client: SmsClient, inputs: Mapping[str, Any]) -> list[Live]:
        # The templates of an app are listed once per process (500 a page), on its first
        # create: an interrupted run's templates are among them, those this process makes not.
        # An app this process created has none to list.
        def list_app_templates() -> list[models.Template]:
            if self._connection.created_here(region, inputs["app_id"]):
                return []
            app_key = self._connection.app_key(region, inputs["app_id"])
            return _app_templates(client, region, app_key)

        region = inputs["region"]
        listed = self._connection.inventory.objects(
            ("templates", region, inputs["app_id"]), list_app_templates
        )
        return self._named(client, inputs, listed)

    @staticmethod
    def _named(
        client: SmsClient, inputs: Mapping[str, Any], templates: list[models.Template]
    ) -> list[Live]:
        found = [t for t in templates if t.template_name == inputs["template_name"]]
        found.sort(key=lambda t: t.create_time or "", reverse=True)
        return [LiveTemplate(t, client, inputs["region"]) for t in found]

    def matches(self, client: SmsClient, live: Live, inputs: Mapping[str, Any]) -> bool:
        # what the template says: the fields the API shows that neither replace it nor only
        # inform the reviewer
        observed = self.observed(client, live)
        return all(
            same_value(f, observed.get(f.name), inputs.get(f.name))
            for f in self.fields
            if f.remote and f.shown and not f.replaces and not f.review_only
        )

    def adoptable(self, client: SmsClient, live: Live, inputs: Mapping[str, Any]) -> bool:
        status = self.status_of(live)
        if status in self.editable or self.matches(client, live, inputs):
            return True
        notice(
            f"{self.label(inputs, live.id)} exists with other content and is {status}, so "
            "it cannot take the new content; a new template is created instead"
        )
        return False

    def create_remote(self, client: SmsClient, inputs: Mapping[str, Any]) -> Created:
        created = client.create_template(self._request(client, inputs), region=inputs["region"])
        # the platform adds each variable's length: the next read shows it
        variables = [
            {k: v for k, v in variable.items() if v is not None}
            for variable in inputs.get("variable_attributes") or []
        ]
        return Created(created.id, {**self.submission(), "variables": variables})

    def resubmit(self, client: SmsClient, object_id: str, inputs: Mapping[str, Any]) -> None:
        client.update_template(object_id, self._request(client, inputs), region=inputs["region"])

    def fetch(self, client: SmsClient, region: str, object_id: str) -> LiveTemplate:
        return LiveTemplate(client.show_template(object_id, region=region), client, region)

    def read_live(
        self, client: SmsClient, region: str, object_id: str, stored: Mapping[str, Any]
    ) -> LiveTemplate:
        # The templates of one app are listed together (500 a page) for a refresh.
        def list_app_templates(first: models.Template) -> list[models.Template]:
            return _app_templates(client, region, first.app_key)

        template = self._connection.snapshots.read(
            ("templates", region, stored.get("app_id")),
            object_id,
            lambda: client.show_template(object_id, region=region),
            list_app_templates,
        )
        return LiveTemplate(template, client, region, self._unchanged_variables(template, stored))

    def _unchanged_variables(
        self, template: models.Template, stored: Mapping[str, Any]
    ) -> list[models.TemplateVariable] | None:
        """The stored ``variables`` when the template cannot have changed since they were read.

        Only an update changes a template's variables, and an update needs a rejected
        template and leaves it under review; every change moves ``update_time`` (to the
        second). So an approved template that was approved at the last read, with the same
        ``update_time`` and content, has the same variables, unless two reviews and an update
        all fell within the second of the last read.
        """
        variables = stored.get("variables")
        if not isinstance(variables, list) or not template.update_time:
            return None
        if template.flow_status not in self.approved:
            return None
        read_before = (
            stored.get("update_time"),
            stored.get("flow_status"),
            stored.get("template_content"),
        )
        if read_before != (template.update_time, template.flow_status, template.template_content):
            return None
        return [models.TemplateVariable.model_validate(v) for v in variables]

    def shown(self, live: Live) -> models.Template:
        assert isinstance(live, LiveTemplate)
        return live.template

    def inputs_from_live(self, client: SmsClient, live: Live) -> dict[str, Any]:
        assert isinstance(live, LiveTemplate)
        template = live.template
        countries = [template.send_country1, template.send_country2, template.send_country3]
        attributes = [
            {
                "variable_index": v.variable_index,
                "variable_type": v.variable_type,
                "variable_desc": v.variable_desc,
            }
            for v in live.variables
        ]
        return {
            **super().inputs_from_live(client, live),
            # shown as three fields, and in a request of its own
            "send_country": [c for c in countries if c] or None,
            "variable_attributes": attributes or None,
        }

    def outputs_from_live(
        self, client: SmsClient, live: Live, inputs: Mapping[str, Any]
    ) -> dict[str, Any]:
        assert isinstance(live, LiveTemplate)
        variables = [
            {
                key: value
                for key, value in v.model_dump(
                    include={"variable_index", "variable_type", "variable_length", "variable_desc"}
                ).items()
                if value is not None
            }
            for v in live.variables
        ]
        return {
            # empty until the template is approved
            "template_id": live.template.template_id or None,
            "variables": variables,
            "update_time": live.template.update_time,
            **self.review_outputs(live),
        }

    def local_outputs(self, inputs: Mapping[str, Any]) -> dict[str, Any]:
        return {"segments": rules.estimate_template_segments(inputs).segments}

    def delete_remote(self, client: SmsClient, object_id: str, outputs: Mapping[str, Any]) -> None:
        try:
            client.delete_template(object_id, region=outputs["region"])
        except ApiError as exc:
            if exc.error_code == _UNDER_REVIEW_CODE or "under review" in (exc.error_detail or ""):
                raise self._under_review(outputs, object_id, _REVIEWING) from exc
            raise

    def _under_review(
        self, outputs: Mapping[str, Any], object_id: str, status: str | None
    ) -> ProviderError:
        return ProviderError(
            f"{self.label(outputs, object_id)} is under review ({status}) and the platform "
            "does not delete templates under review. It stays in the stack: run the same "
            "`pulumi up` or `pulumi destroy` again once the review is decided (usually within "
            "2 hours on workdays)"
        )


TemplateArgs = args_class(TEMPLATE, __name__)


class Template(MsgsmsResource[Any], module="msgsms", name="Template"):
    """A reviewed SMS template (type ``pulumi-python:dynamic/msgsms:Template``).

    The Pulumi id is the template's ``id``; ``template_id`` (what the send API takes) is set
    once the template is approved. Inputs: :data:`TemplateArgs`; wait for its review with
    :class:`~providers.resources.Reviews`.
    """

    provider_class = TemplateProvider
