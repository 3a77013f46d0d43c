"""HTTP shaping of the two send operations (reference §4.1, §4.2), on each region's port.

The gateway has authenticated the app (:mod:`emulator.smsapi.auth`) before these run; the
bodies are parsed by hand, so every malformed request answers a result code of the send API
rather than a framework error.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from ..state import StateDep
from .auth import APP_KEY
from .errors import SmsapiError
from .submission import (
    MAX_EXTEND,
    MAX_GROUP_RECIPIENTS,
    MAX_GROUPS,
    MAX_PARAMETERS,
    MAX_RECIPIENTS,
    Submission,
    parse_batch_form,
    parse_diff_json,
)

__all__ = ["BatchSendDiffBody", "BatchSendForm", "DiffGroup", "SendResult", "SmsID", "router"]

router = APIRouter(prefix="/sms", tags=["smsapi"])


Number = Annotated[str, Field(min_length=1, max_length=21)]


class BatchSendForm(BaseModel):
    """The form of ``batchSendSms`` (documentation only; the route reads the raw body and
    :func:`~emulator.smsapi.submission.parse_batch_form` checks the same limits)."""

    from_: str = Field(alias="from", min_length=1, max_length=21, description="channel number")
    to: str = Field(
        min_length=1,
        max_length=21999,
        description=f"comma-separated numbers, digits and + only, at most {MAX_RECIPIENTS}",
    )
    templateId: str = Field(min_length=1, max_length=32)
    templateParas: str | None = Field(
        None, min_length=1, max_length=2000, description='a JSON array string: ["369751"]'
    )
    statusCallback: str | None = Field(None, min_length=1, max_length=1024)
    extend: str | None = Field(None, min_length=1, max_length=MAX_EXTEND)
    signature: str | None = Field(None, max_length=32, description="universal templates only")


class DiffGroup(BaseModel):
    """One ``smsContent`` item of ``batchSendDiffSms``: numbers that get the same values."""

    to: list[Number] = Field(
        min_length=1, max_length=MAX_GROUP_RECIPIENTS, description="numbers: digits and + only"
    )
    templateId: str = Field(min_length=1, max_length=32)
    templateParas: list[Annotated[str, Field(min_length=1, max_length=1000)]] | None = Field(
        None, max_length=MAX_PARAMETERS, description='a JSON array of strings: ["369751"]'
    )
    signature: str | None = Field(None, max_length=32, description="universal templates only")


class BatchSendDiffBody(BaseModel):
    """The JSON body of ``batchSendDiffSms`` (documentation only, as :class:`BatchSendForm`;
    :func:`~emulator.smsapi.submission.parse_diff_json` checks the same limits)."""

    from_: str = Field(alias="from", min_length=1, max_length=21, description="channel number")
    smsContent: list[DiffGroup] = Field(min_length=1, max_length=MAX_GROUPS)
    statusCallback: str | None = Field(None, min_length=1, max_length=1024)
    extend: str | None = Field(None, min_length=1, max_length=MAX_EXTEND)


class SmsID(BaseModel):
    originTo: str
    createTime: str
    from_: str = Field(alias="from")
    smsMsgId: str
    status: str
    countryId: str
    total: int


class SendResult(BaseModel):
    code: str
    description: str
    result: list[SmsID]


def _inlined(schema: Any, defs: dict[str, Any]) -> Any:
    if isinstance(schema, dict):
        ref = schema.get("$ref", "")
        if ref.startswith("#/$defs/"):
            return _inlined(defs[ref.removeprefix("#/$defs/")], defs)
        return {key: _inlined(value, defs) for key, value in schema.items()}
    if isinstance(schema, list):
        return [_inlined(item, defs) for item in schema]
    return schema


def _body(media_type: str, model: type[BaseModel]) -> dict[str, Any]:
    """A request body the route reads by hand, declared from its documentation model."""
    schema = model.model_json_schema(by_alias=True)
    # a "#/$defs/..." reference would resolve against the whole document, not this schema
    schema = _inlined(schema, schema.pop("$defs", {}))
    return {"requestBody": {"required": True, "content": {media_type: {"schema": schema}}}}


async def _send(
    request: Request, state: StateDep, parse: Callable[[str | None, bytes], Submission]
) -> JSONResponse:
    app_key = getattr(request.state, APP_KEY, None)
    if app_key is None:  # the gateway authenticates every send request
        raise SmsapiError("E000001")
    submission = parse(request.headers.get("content-type"), await request.body())
    answer: dict[str, Any] = await run_in_threadpool(
        state.smsapi.sender.send, request.state.region, app_key, submission
    )
    return JSONResponse(answer, media_type="application/json;charset=UTF-8")


@router.post(
    "/batchSendSms/v1",
    response_model=SendResult,
    openapi_extra=_body("application/x-www-form-urlencoded", BatchSendForm),
)
async def batch_send_sms(request: Request, state: StateDep) -> JSONResponse:
    """BatchSendSms: one template to up to 500 numbers (form-urlencoded)."""
    return await _send(request, state, parse_batch_form)


@router.post(
    "/batchSendDiffSms/v1",
    response_model=SendResult,
    openapi_extra=_body("application/json", BatchSendDiffBody),
)
async def batch_send_diff_sms(request: Request, state: StateDep) -> JSONResponse:
    """BatchSendDiffSms: a template and its values per group of numbers (JSON)."""
    return await _send(request, state, parse_diff_json)
