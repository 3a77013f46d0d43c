"""Templates: the text of an app's messages, with variables, reviewed by the platform."""

from __future__ import annotations

from dataclasses import replace

from .field import Field, Output
from .kind import ADOPT, OPTION_FIELDS, REGION, WAIT_FIELDS, Kind
from .vocabulary import BRACKETS, SCOPES, TEMPLATE_MAX_CHARS, TEMPLATE_TYPES

TEMPLATE = Kind(
    name="template",
    section="templates",
    title="Template",
    description="A message template of an app, with variables, reviewed by the platform",
    fields=(
        replace(REGION, description=REGION.description + "; default: its app's"),
        Field(
            "app_id",
            description="Key of the app in apps; changing it replaces the template",
            catalog="app",
            catalog_form="reference",
            refers_to="app",
            catalog_required=True,
            required=True,
            min_len=1,
            max_len=64,
            # a template's answer names its app by name and key, not by id
            shown=False,
            replaces=True,
        ),
        Field(
            "scope",
            description="cn or intl: the app's scope (the default), which it must equal",
            catalog="scope",
            derived=True,
            required=True,
            choices=SCOPES,
            api="region",
            replaces=True,
        ),
        Field(
            "template_name",
            description="1-128 characters, unique per app",
            catalog="name",
            catalog_required=True,
            required=True,
            min_len=1,
            max_len=128,
        ),
        Field(
            "template_content",
            description="The text with variables ${1}...${20} (or ${CHARDIGIT}...), without "
            "the signature; at most 500 characters with the signature",
            catalog="content",
            catalog_required=True,
            required=True,
            min_len=1,
            max_len=TEMPLATE_MAX_CHARS,
        ),
        Field(
            "template_type",
            description="VERIFY_CODE_TYPE, NOTIFY_TYPE or PROMOTION_TYPE; default: the "
            "signature's (international: NOTIFY_TYPE); required when universal",
            catalog="type",
            derived=True,
            choices=TEMPLATE_TYPES,
            # absent: a domestic template takes its signature's type, an international one NOTIFY
            inherited=True,
        ),
        Field(
            "sign_id",
            description="Key of the signature in signatures (domestic, not universal)",
            catalog="signature",
            catalog_form="reference",
            refers_to="signature",
            min_len=1,
            max_len=64,
        ),
        Field(
            "signature_name",
            description="The signature's name: only counts the length limit and segments",
            catalog="signature",
            derived=True,
            min_len=1,
            max_len=32,
            remote=False,
        ),
        Field(
            "universal_template",
            "int",
            description="universal_template: usable with every signature of its type in the "
            "app; domestic only",
            catalog="universal",
            catalog_form="flag",
            derived=True,
            choices=(0, 1),
            default=0,
        ),
        Field(
            "brackets",
            description="CN for 【】 (the default) or GB for []; domestic only",
            catalog="brackets",
            choices=BRACKETS,
            default="CN",
        ),
        Field(
            "send_country",
            "int_set",
            description="send_country: 1-3 country ids (calling codes); international only",
            catalog="send_countries",
        ),
        Field(
            "template_desc",
            description="A note to the reviewer, at most 500 characters",
            catalog="description",
            max_len=500,
            review_only=True,
        ),
        Field(
            "variable_attributes",
            "variables",
            description="One entry per ${...} variable of the content",
            catalog="variables",
            catalog_form="variables",
        ),
        *WAIT_FIELDS,
        ADOPT(False, "app and name"),
        *OPTION_FIELDS,
    ),
    outputs=(
        Output("template_id", str | None, "The id to send with; empty until approved"),
        Output("flow_status", str | None, "Reviewing, Adopted, Reject..."),
        Output("review_state", str | None, "approved, rejected, pending or disabled"),
        Output("review_desc", str | None, "The reviewer's reason (after a rejection)"),
        Output(
            "variables",
            list,
            "The variables as the platform reads them: index, type, maximum length, description",
        ),
        Output("segments", int, "The most SMS segments one message can take"),
        Output(
            "update_time",
            str | None,
            "When the platform last changed the template (an update or a review decision)",
        ),
        Output(
            "submitted_at",
            str | None,
            "When this stack last submitted (or took over) the template for review",
            kept=True,
        ),
    ),
    name_key="template_name",
    exports=("id", "template_id", "flow_status", "segments", "review_desc"),
    decided={"flow_status": "status", "template_id": "template_id", "review_desc": "review_desc"},
    resource="providers.resources.template:Template",
)
