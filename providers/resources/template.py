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
from typing import Any

import pulumi

from providers import rules
from providers.client import ApiError, SmsClient, models, paginate

from .base import Created, Live, ProviderError
from .notices import notice
from .resource import MsgsmsResource
from .review import ReviewedProvider
from .schema import Field, same_value

__all__ = ["Template", "TemplateArgs", "TemplateProvider"]

#: What a template says: a change outside the editable states makes it a new template.
_CONTENT = (
    "template_name",
    "template_content",
    "template_type",
    "sign_id",
    "universal_template",
    "brackets",
    "send_country",
    "variable_attributes",
)
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

    title = "Template"
    rules_kind = "template"
    name_key = "template_name"
    fields = (
        Field("region"),
        Field("app_id"),
        Field("scope"),
        Field("template_name"),
        Field("template_content"),
        # absent: a domestic template takes its signature's type, an international one NOTIFY
        Field("template_type", inherited=True),
        Field("sign_id"),
        Field("signature_name", remote=False),
        Field("universal_template", kind="int", default=0),
        Field("brackets", default="CN"),
        Field("send_country", kind="int_set"),
        Field("template_desc"),
        Field("variable_attributes", kind="variables"),
        Field("adopt", kind="bool", remote=False, default=False),
    )
    outputs = (
        "template_id",
        "flow_status",
        "review_state",
        "review_desc",
        "variables",
        "segments",
        "update_time",
        "submitted_at",
    )
    replace_keys = frozenset({"region", "app_id", "scope"})
    # a template's answer names its app by name and key, not by id
    unobservable = frozenset({"region", "app_id"})
    # names are not unique: an interrupted create's template is found by its content
    finds_leftovers = True

    status_field = "flow_status"
    approved = frozenset({"Adopted"})
    rejected = frozenset({"Reject"})
    submitted = _REVIEWING
    under_review = frozenset({_REVIEWING, "SignReviewing"})
    editable = frozenset({"Reject", "Pending"})
    review_only = frozenset({"template_desc"})

    def _request(self, client: SmsClient, inputs: Mapping[str, Any]) -> models.TemplateRequest:
        return models.TemplateRequest.model_validate(
            {
                "app_id": inputs["app_id"],
                "region": inputs["scope"],
                "template_name": inputs["template_name"],
                "template_content": inputs["template_content"],
                "template_type": self._template_type(client, inputs),
                "sign_id": inputs.get("sign_id"),
                "universal_template": inputs.get("universal_template"),
                "brackets": inputs.get("brackets"),
                "send_country": inputs.get("send_country"),
                "template_desc": inputs.get("template_desc"),
                "variable_attributes": inputs.get("variable_attributes"),
                "flow_status": _REVIEWING,  # submit, never save a draft
            }
        )

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
        def list_app_templates() -> list[models.Template]:
            app = client.show_app(inputs["app_id"], region=region)
            return _app_templates(client, region, app.app_key)

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
        observed = self.observed(client, live)
        return all(
            same_value(self._field(key), observed.get(key), inputs.get(key)) for key in _CONTENT
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
            "scope": template.region,
            "template_name": template.template_name,
            "template_content": template.template_content,
            "template_type": template.template_type,
            "sign_id": template.sign_id,
            "universal_template": template.universal_template,
            "brackets": template.brackets,
            "send_country": [c for c in countries if c] or None,
            "template_desc": template.template_desc,
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


@dataclass
class TemplateArgs:
    """Inputs of a :class:`Template`."""

    app_id: pulumi.Input[str]
    """The app's ``id``. Changing it replaces the template."""
    scope: pulumi.Input[str]
    """``cn`` or ``intl``: the app's scope. Changing it replaces the template."""
    template_name: pulumi.Input[str]
    """1-128 characters."""
    template_content: pulumi.Input[str]
    """The text with variables ``${1}``...``${20}`` (or ``${CHARDIGIT}``...), without the
    signature; 500 characters at most with the bracketed signature."""
    region: pulumi.Input[str] | None = None
    """Endpoint region; default ``msgsms:region``. Changing it replaces the template."""
    template_type: pulumi.Input[str] | None = None
    """VERIFY_CODE_TYPE, NOTIFY_TYPE or PROMOTION_TYPE; default: the signature's type (cn),
    NOTIFY_TYPE (intl)."""
    sign_id: pulumi.Input[str] | None = None
    """The signature's ``id`` (cn templates that are not universal)."""
    signature_name: pulumi.Input[str] | None = None
    """The signature's name: only checks the length limit and counts ``segments``."""
    universal_template: pulumi.Input[int] | None = None
    """1: usable with every signature of its type in the app (cn only); default 0."""
    brackets: pulumi.Input[str] | None = None
    """``CN`` for 【】 (default) or ``GB`` for []; cn only."""
    send_country: pulumi.Input[list[int]] | None = None
    """1-3 country ids (calling codes); intl only."""
    template_desc: pulumi.Input[str] | None = None
    """A note to the reviewer (500 characters at most)."""
    variable_attributes: pulumi.Input[list[Mapping[str, Any]]] | None = None
    """One ``{variable_index, variable_type, variable_desc}`` per variable of the content."""
    adopt: pulumi.Input[bool] | None = None
    """Take over an existing template of the app with the same name (default false)."""


class Template(MsgsmsResource[TemplateArgs], module="msgsms", name="Template"):
    """A reviewed SMS template (type ``pulumi-python:dynamic/msgsms:Template``).

    The Pulumi id is the template's ``id``; ``template_id`` (what the send API takes) is set
    once the template is approved.
    """

    provider_class = TemplateProvider

    region: pulumi.Output[str]
    app_id: pulumi.Output[str]
    scope: pulumi.Output[str]
    template_name: pulumi.Output[str]
    template_content: pulumi.Output[str]
    template_type: pulumi.Output[str | None]
    sign_id: pulumi.Output[str | None]
    signature_name: pulumi.Output[str | None]
    universal_template: pulumi.Output[int | None]
    brackets: pulumi.Output[str | None]
    send_country: pulumi.Output[list[int] | None]
    template_desc: pulumi.Output[str | None]
    variable_attributes: pulumi.Output[list[dict[str, Any]] | None]
    adopt: pulumi.Output[bool | None]
    template_id: pulumi.Output[str | None]
    """The id to send with; empty until the template is approved."""
    flow_status: pulumi.Output[str]
    """Reviewing, Adopted, Reject, ..."""
    review_state: pulumi.Output[str]
    """``approved``, ``rejected``, ``pending`` or ``disabled``."""
    review_desc: pulumi.Output[str | None]
    """The reviewer's reason (after a rejection)."""
    variables: pulumi.Output[list[dict[str, Any]]]
    """The variables as the platform reads them: index, type, maximum length, description."""
    segments: pulumi.Output[int]
    """The most SMS segments one message can take."""
    update_time: pulumi.Output[str | None]
    """When the platform last changed the template (an update or a review decision)."""
    submitted_at: pulumi.Output[str]
    """When this stack last submitted (or took over) the template for review."""
