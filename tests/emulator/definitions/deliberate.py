"""The differences from the API Explorer definitions that the emulator keeps on purpose.

Each entry names the operations, the field and the constraint, both sides' values as the
comparison spells them (:mod:`tests.emulator.definitions`), why, and the source that says so.
An entry that no longer matches a difference fails the test as much as a difference without
an entry does, so this list is exactly what the emulator does differently.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

__all__ = ["DELIBERATE", "EMULATOR_ONLY", "Deliberate"]

_REPO = "https://github.com/mingyang91/huawei-cloud-api-definitions/blob"
_COMMIT = "e05e9a02eed3a8449e77f61895b1971900ea0091"
_DOC = "https://support.huaweicloud.com/api-msgsms"


def _definition(service: str, operation: str) -> str:
    return f"{_REPO}/{_COMMIT}/schemas/{service}/src/{operation}.json"


def _json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


@dataclass(frozen=True)
class Deliberate:
    operations: tuple[str, ...]
    field: str
    constraint: str
    definition: str  # as the comparison spells it; "-" where the definition says nothing
    emulator: str
    reason: str
    source: str


def _enum(
    operations: tuple[str, ...], field: str, values: list[Any], reason: str, source: str
) -> Deliberate:
    return Deliberate(operations, field, "enum", "-", _json(sorted(values)), reason, source)


_SCOPES = (
    "the field is a plain string in the definition, but its own description lists the values "
    "(1. cn: 国内 2. intl: 国际); the emulator declares them, so another value is a 400 "
    "naming the field"
)
_TYPES = (
    "the definition's description lists the three types (VERIFY_CODE_TYPE, PROMOTION_TYPE, "
    "NOTIFY_TYPE); the emulator declares them as an enum"
)
_SORT_DIR = "the definition's description lists desc and asc; declared as an enum"
_MANDATORY = (
    "the definition marks every field optional; the API reference's parameter table marks it "
    "mandatory (是否必选: 是), and a send without it cannot be served, so it is required"
)
_NO_BODY = (
    "the definition lists Content-Type as a required header of every operation, even those "
    "without a body; Huawei's SDK always sends it, no source says the service refuses a call "
    "without one, so the emulator does not ask for it on a call that has no body"
)
_NO_BODY_OPERATIONS = (
    "DeleteSignature",
    "DeleteTemplate",
    "EnableSignature",
    "ListAppDetails",
    "ListSendCountryDetails",
    "ListSignatureDetails",
    "ListTemplateDetails",
    "ListTemplateVarilableDetails",
    "ShowApp",
    "ShowAppCount",
    "ShowSignature",
    "ShowSignatureFile",
    "ShowTemplate",
)
_SIGNATURE_STATUSES = [
    "PENDING_REVIEW",
    "PROCESSING",
    "REVIEW_PASSED",
    "REVIEW_NOT_PASS",
    "TO_BE_ACTIVATED",
    "PENDING_ACTIVATE",
    "PENDING_QUALIFICATION_REVIEW",
    "REAL_NAME_REGISTRATING",
    "REVIEW_PASSED_QUALIFICATION_PROCESSING",
    "REVIEW_PASSED_REAL_NAME_REGISTRATING",
    "REVIEW_PASSED_REAL_NAME_REGISTRATE_FAIL",
    "REVIEW_PROCESSING_COMPLETED",
]
_FLOW_STATUSES = [
    "Pending",
    "Reviewing",
    "Adopted",
    "Reject",
    "Disable",
    "Adopted_inactive",
    "SignReviewing",
]

DELIBERATE: tuple[Deliberate, ...] = (
    # ---- values the definitions describe but do not declare ----------------------------------
    _enum(
        ("CreateApp", "UpdateApp", "CreateTemplate", "UpdateTemplate"),
        "body.region",
        ["cn", "intl"],
        _SCOPES,
        _definition("MSGSMS", "CreateApp"),
    ),
    _enum(
        ("ListAppDetails", "ListTemplateDetails", "ShowAppCount"),
        "query.region",
        ["cn", "intl"],
        _SCOPES,
        _definition("MSGSMS", "ListAppDetails"),
    ),
    _enum(
        ("CreateSignature", "UpdateSignature"),
        "body.signature_type",
        ["VERIFY_CODE_TYPE", "PROMOTION_TYPE", "NOTIFY_TYPE"],
        _TYPES,
        _definition("MSGSMS", "CreateSignature"),
    ),
    _enum(
        ("ListSignatureDetails",),
        "query.signature_type",
        ["VERIFY_CODE_TYPE", "PROMOTION_TYPE", "NOTIFY_TYPE"],
        _TYPES,
        _definition("MSGSMS", "ListSignatureDetails"),
    ),
    _enum(
        ("CreateTemplate", "UpdateTemplate"),
        "body.template_type",
        ["VERIFY_CODE_TYPE", "PROMOTION_TYPE", "NOTIFY_TYPE"],
        _TYPES,
        _definition("MSGSMS", "CreateTemplate"),
    ),
    _enum(
        ("ListTemplateDetails",),
        "query.template_type",
        ["VERIFY_CODE_TYPE", "PROMOTION_TYPE", "NOTIFY_TYPE"],
        _TYPES,
        _definition("MSGSMS", "ListTemplateDetails"),
    ),
    _enum(
        ("CreateSignature", "UpdateSignature"),
        "body.is_involved_third",
        ["Yes", "No", "yes", "no"],
        "the definition's description lists Yes and No; the older English API pages spell "
        "them yes and no, so both spellings are taken",
        f"{_definition('MSGSMS', 'CreateSignature')}; {_DOC}/sms_05_0029.html",
    ),
    Deliberate(
        ("CreateSignature", "UpdateSignature"),
        "body.signature_source",
        "maximum",
        "-",
        "5",
        "the definition's description lists the sources 0-5 (enterprise, website, app, "
        "official account, shop, trademark); a larger number names no source",
        _definition("MSGSMS", "CreateSignature"),
    ),
    _enum(
        ("CreateTemplate", "UpdateTemplate"),
        "body.universal_template",
        [0, 1],
        "the definition gives minimum 1 but its description lists 0 (not universal) and 1 "
        "(universal), as the API reference does; 0 is what every bound template sends",
        f"{_definition('MSGSMS', 'CreateTemplate')}; {_DOC}/sms_05_0039.html",
    ),
    Deliberate(
        ("CreateTemplate", "UpdateTemplate"),
        "body.universal_template",
        "minimum",
        "1",
        "-",
        "the same contradiction: the documented 0 is below the definition's minimum",
        f"{_definition('MSGSMS', 'CreateTemplate')}; {_DOC}/sms_05_0039.html",
    ),
    _enum(
        ("ListAppDetails", "ListSignatureDetails", "ListTemplateDetails"),
        "query.sort_dir",
        ["asc", "desc"],
        _SORT_DIR,
        _definition("MSGSMS", "ListAppDetails"),
    ),
    _enum(
        ("ListAppDetails",),
        "query.status",
        ["CREATED", "SUSPENDED", "LAUNCHED", "PROCESSING"],
        "the definition's description lists the four app statuses; declared as an enum",
        _definition("MSGSMS", "ListAppDetails"),
    ),
    _enum(
        ("ListSignatureDetails",),
        "query.status",
        _SIGNATURE_STATUSES,
        "the definition's description lists the twelve signature statuses; declared as an enum",
        _definition("MSGSMS", "ListSignatureDetails"),
    ),
    Deliberate(
        ("ListSignatureDetails",),
        "query.status",
        "maxLength",
        "32",
        "-",
        "three of the statuses the same definition lists are longer than its 32 characters "
        "(REVIEW_PASSED_REAL_NAME_REGISTRATE_FAIL has 39); the emulator takes all of them",
        _definition("MSGSMS", "ListSignatureDetails"),
    ),
    _enum(
        ("ListTemplateDetails",),
        "query.flow_status",
        _FLOW_STATUSES,
        "the definition's description names Adopted, Reviewing and Reject; a template shows "
        "seven flow states (API reference, ListTemplateDetails' SmsTemplateResp), and a filter "
        "by any of them is taken",
        f"{_definition('MSGSMS', 'ListTemplateDetails')}; {_DOC}/sms_05_0040.html",
    ),
    # ---- the send API: mandatory per the reference, optional per the definitions -------------
    *(
        Deliberate(
            ("BatchSendSms",),
            f"body.{field}",
            "required",
            "false",
            "true",
            _MANDATORY,
            f"{_DOC}/sms_05_0001.html",
        )
        for field in ("from", "to", "templateId")
    ),
    *(
        Deliberate(
            ("BatchSendDiffSms",),
            field,
            "required",
            "false",
            "true",
            _MANDATORY,
            f"{_DOC}/sms_05_0002.html",
        )
        for field in (
            "body.from",
            "body.smsContent",
            "body.smsContent[].to",
            "body.smsContent[].templateId",
        )
    ),
    Deliberate(
        ("BatchSendDiffSms",),
        "body.smsContent[].templateParas",
        "minItems",
        "1",
        "-",
        "a template without variables takes no values; the official samples send an empty "
        "value for it (使用无变量模板时请赋空值), so an empty array is taken as none",
        f"{_DOC}/sms_05_0002.html",
    ),
    # ---- a header the SDK always sends -------------------------------------------------------
    Deliberate(
        _NO_BODY_OPERATIONS,
        "header.Content-Type",
        "field",
        _json("declared"),
        "-",
        _NO_BODY,
        f"{_definition('MSGSMS', 'ShowApp')}; huaweicloudsdkcore client.py",
    ),
)

#: Operations the emulator serves that the definitions do not have, by ``METHOD path``.
EMULATOR_ONLY: dict[str, str] = {
    "POST /v2/{project_id}/msgsms/templates/batch-delete": (
        f"DeleteTemplates, documented at {_DOC}/DeleteTemplates.html, is newer than the "
        "definitions and the SDK"
    ),
}
