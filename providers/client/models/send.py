"""SMSApi send operations: batchSendSms (form) and batchSendDiffSms (JSON).

Field names are the wire's camelCase names (`from` is `from_` in Python).
"""

from __future__ import annotations

from typing import Annotated

from pydantic import AliasChoices, Field

from .base import Request, Response

__all__ = ["BatchSendDiffSmsRequest", "BatchSendSmsRequest", "SendResult", "SmsContent", "SmsId"]

Callback = Annotated[str, Field(min_length=1, max_length=1024)]
Extend = Annotated[str, Field(min_length=1, max_length=128)]
Sender = Annotated[str, Field(min_length=1, max_length=21)]
TemplateId = Annotated[str, Field(min_length=1, max_length=32)]
SignatureName = Annotated[str, Field(max_length=32)]
# `from` is a Python keyword: the field is `from_`, "from" on the wire (and accepted as input)
FROM = AliasChoices("from", "from_")


class BatchSendSmsRequest(Request):
    """One content to many numbers; `to` is comma-separated (at most 500 numbers),
    `templateParas` a JSON array in a string, e.g. `'["123456"]'`."""

    from_: Sender = Field(validation_alias=FROM, serialization_alias="from")
    to: Annotated[str, Field(min_length=1, max_length=21999)]
    templateId: TemplateId
    templateParas: Annotated[str, Field(min_length=1, max_length=2000)] | None = None
    statusCallback: Callback | None = None
    extend: Extend | None = None
    signature: SignatureName | None = None


class SmsContent(Request):
    """One group of batchSendDiffSms: numbers, template and its parameters."""

    to: Annotated[list[str], Field(min_length=1, max_length=1000)]
    templateId: TemplateId
    templateParas: Annotated[list[str], Field(max_length=20)] | None = None
    signature: SignatureName | None = None


class BatchSendDiffSmsRequest(Request):
    """Different content per group of numbers."""

    from_: Sender = Field(validation_alias=FROM, serialization_alias="from")
    smsContent: Annotated[list[SmsContent], Field(min_length=1, max_length=1024)]
    statusCallback: Callback | None = None
    extend: Extend | None = None


class SmsId(Response):
    """The outcome for one recipient: `status` `000000` means accepted."""

    smsMsgId: str | None = None
    from_: str | None = Field(default=None, validation_alias=FROM, serialization_alias="from")
    originTo: str | None = None
    status: str | None = None
    createTime: str | None = None
    countryId: str | None = None
    total: int | None = None


class SendResult(Response):
    """Answer of both send operations: `code` `000000` when the request was accepted."""

    code: str
    description: str | None = None
    result: list[SmsId] = Field(default_factory=list)
