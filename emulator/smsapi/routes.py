"""HTTP shaping of the two send operations (reference §4.1, §4.2), on each region's port.

The gateway has authenticated the app (:mod:`emulator.smsapi.auth`) before these run; the
bodies are parsed by hand, so every malformed request answers a result code of the send API
rather than a framework error.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from ..deps import StateDep
from .auth import APP_KEY
from .errors import SmsapiError
from .submission import Submission, parse_batch_form, parse_diff_json

__all__ = ["BatchSendForm", "SendResult", "SmsID", "router"]

router = APIRouter(prefix="/sms", tags=["smsapi"])


class BatchSendForm(BaseModel):
    """The form of ``batchSendSms`` (documentation only; the route reads the raw body)."""

    from_: str = Field(alias="from", description="channel number, 1-21")
    to: str = Field(description="comma-separated numbers, at most 500")
    templateId: str = Field(description="1-32")
    templateParas: str | None = Field(None, description='a JSON array string: ["369751"]')
    statusCallback: str | None = None
    extend: str | None = None
    signature: str | None = Field(None, description="universal templates only")


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


_FORM_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/x-www-form-urlencoded": {
                "schema": BatchSendForm.model_json_schema(by_alias=True)
            }
        },
    }
}


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


@router.post("/batchSendSms/v1", response_model=SendResult, openapi_extra=_FORM_BODY)
async def batch_send_sms(request: Request, state: StateDep) -> JSONResponse:
    """BatchSendSms: one template to up to 500 numbers (form-urlencoded)."""
    return await _send(request, state, parse_batch_form)


@router.post("/batchSendDiffSms/v1", response_model=SendResult)
async def batch_send_diff_sms(request: Request, state: StateDep) -> JSONResponse:
    """BatchSendDiffSms: a template and its values per group of numbers (JSON)."""
    return await _send(request, state, parse_diff_json)
