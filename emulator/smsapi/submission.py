"""What a send request asks for, parsed from the wire (reference §4.1, §4.2).

``batchSendSms`` is a form (``to`` comma-separated, ``templateParas`` a string holding a JSON
array); ``batchSendDiffSms`` is JSON with one ``smsContent`` item per template. Both become a
:class:`Submission`. A body that cannot be read at all is ``E000000``; a field that is missing,
of the wrong type or out of its length is ``E000503``, naming the field.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from .errors import SmsapiError
from .numbers import foreign_characters

__all__ = [
    "MAX_EXTEND",
    "MAX_GROUPS",
    "MAX_GROUP_RECIPIENTS",
    "MAX_PARAMETERS",
    "MAX_RECIPIENTS",
    "Group",
    "Submission",
    "parse_batch_form",
    "parse_diff_json",
]

#: Numbers of one batchSendSms request (sms_05_0001: "最多允许携带500个号码").
MAX_RECIPIENTS = 500
#: Numbers of one smsContent item of batchSendDiffSms (the definition's SmsContent.to).
MAX_GROUP_RECIPIENTS = 1000
MAX_PARAMETERS = 20
MAX_GROUPS = 1024
#: ``extend``: 1-128 characters, as the definitions of both operations give it.
MAX_EXTEND = 128
_URL = re.compile(r"^https?://[^\s/?#]+\S*$", re.IGNORECASE)
_FORM = "application/x-www-form-urlencoded"
_JSON = "application/json"


@dataclass(frozen=True)
class Group:
    """Numbers that get the same template with the same values."""

    to: tuple[str, ...]
    template_id: str
    parameters: tuple[str, ...] | None  # None: not given
    signature: str | None


@dataclass(frozen=True)
class Submission:
    sender: str
    groups: tuple[Group, ...]
    status_callback: str | None
    extend: str | None


def _invalid(detail: str) -> SmsapiError:
    return SmsapiError("E000503", detail)


def _text(value: Any, name: str, low: int, high: int, *, required: bool = False) -> str | None:
    if value is None or value == "":
        if required:
            raise _invalid(f"{name} is required.")
        return None
    if not isinstance(value, str):
        raise _invalid(f"{name} must be a string.")
    if not low <= len(value) <= high:
        raise _invalid(f"{name} must be {low}-{high} characters long; it has {len(value)}.")
    return value


def _callback(value: Any) -> str | None:
    url = _text(value, "statusCallback", 1, 1024)
    if url is not None and not _URL.match(url):
        raise _invalid(f"statusCallback {url!r} is not an http(s) URL.")
    return url


def _recipients(numbers: list[str], name: str, most: int) -> tuple[str, ...]:
    numbers = [n for n in numbers if n]
    if not numbers:
        raise _invalid(f"{name} is required.")
    if len(numbers) > most:
        raise _invalid(f"{name} has {len(numbers)} numbers; at most {most} are allowed.")
    foreign = foreign_characters(numbers)
    if foreign is not None:
        raise _invalid(f"{name}: {foreign!r} holds characters other than digits and +.")
    return tuple(numbers)


def _parameters(values: Any, name: str) -> tuple[str, ...]:
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise _invalid(f'{name} must be an array of strings, e.g. ["369751"].')
    if len(values) > MAX_PARAMETERS:
        raise _invalid(f"{name} has {len(values)} values; at most {MAX_PARAMETERS}.")
    return tuple(values)


def _content_type(header: str | None, expected: str, operation: str) -> None:
    media = (header or "").split(";", 1)[0].strip().lower()
    if media != expected:
        raise SmsapiError(
            "E000000", f"{operation} takes {expected}, not {media or 'no Content-Type'}."
        )


def parse_batch_form(content_type: str | None, body: bytes) -> Submission:
    """``POST /sms/batchSendSms/v1``: one template and its values for up to 500 numbers."""
    _content_type(content_type, _FORM, "batchSendSms")
    try:
        fields: dict[str, str] = {}
        for key, value in parse_qsl(body.decode("utf-8"), keep_blank_values=True, errors="strict"):
            fields.setdefault(key, value)
    except (UnicodeDecodeError, ValueError) as error:
        raise SmsapiError("E000000", f"The form cannot be read: {error}.") from None
    raw = _text(fields.get("to"), "to", 1, 21999, required=True) or ""
    to = _recipients(raw.split(","), "to", MAX_RECIPIENTS)
    parameters = None
    paras = _text(fields.get("templateParas"), "templateParas", 1, 2000)
    if paras is not None:
        try:
            decoded = json.loads(paras)
        except json.JSONDecodeError as error:
            raise SmsapiError(
                "E000000",
                f"templateParas is not a JSON array: {error.msg} at {error.pos}; send e.g. "
                f'["369751"] with straight double quotes.',
            ) from None
        parameters = _parameters(decoded, "templateParas")
    group = Group(
        to=to,
        template_id=_text(fields.get("templateId"), "templateId", 1, 32, required=True) or "",
        parameters=parameters,
        signature=_text(fields.get("signature"), "signature", 0, 32),
    )
    return Submission(
        sender=_text(fields.get("from"), "from", 1, 21, required=True) or "",
        groups=(group,),
        status_callback=_callback(fields.get("statusCallback")),
        extend=_text(fields.get("extend"), "extend", 1, MAX_EXTEND),
    )


def _group(item: Any, index: int) -> Group:
    name = f"smsContent[{index}]"
    if not isinstance(item, dict):
        raise _invalid(f"{name} must be an object.")
    to = item.get("to")
    if not isinstance(to, list) or not all(isinstance(n, str) for n in to):
        raise _invalid(f"{name}.to must be an array of numbers as strings.")
    parameters = item.get("templateParas")
    values = None
    if parameters is not None:
        values = _parameters(parameters, f"{name}.templateParas")
        long = next((v for v in values if len(v) > 1000), None)
        if long is not None:
            raise _invalid(f"{name}.templateParas values must be at most 1000 characters.")
    return Group(
        to=_recipients(to, f"{name}.to", MAX_GROUP_RECIPIENTS),
        template_id=_text(item.get("templateId"), f"{name}.templateId", 1, 32, required=True) or "",
        parameters=values,
        signature=_text(item.get("signature"), f"{name}.signature", 0, 32),
    )


def parse_diff_json(content_type: str | None, body: bytes) -> Submission:
    """``POST /sms/batchSendDiffSms/v1``: a template and its values per group of numbers."""
    _content_type(content_type, _JSON, "batchSendDiffSms")
    try:
        document = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise SmsapiError("E000000", f"The body is not JSON: {error}.") from None
    if not isinstance(document, dict):
        raise SmsapiError("E000000", "The body must be a JSON object.")
    content = document.get("smsContent")
    if not isinstance(content, list) or not content:
        raise _invalid("smsContent is required: an array of {to, templateId, templateParas}.")
    if len(content) > MAX_GROUPS:
        raise _invalid(f"smsContent has {len(content)} items; at most {MAX_GROUPS}.")
    return Submission(
        sender=_text(document.get("from"), "from", 1, 21, required=True) or "",
        groups=tuple(_group(item, i) for i, item in enumerate(content)),
        status_callback=_callback(document.get("statusCallback")),
        extend=_text(document.get("extend"), "extend", 1, MAX_EXTEND),
    )
