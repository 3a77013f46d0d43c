"""Signatures (MSGSMS `SmsSignatureReq`, `SmsSignatureResp`)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from .base import Id64, MessageType, PageQuery, Request, Response, Tenant

__all__ = [
    "Signature",
    "SignatureCreated",
    "SignatureQuery",
    "SignatureRequest",
]


class SignatureRequest(Request):
    """CreateSignature and UpdateSignature body (the API uses one schema for both)."""

    app_id: Id64
    signature_name: Annotated[str, Field(min_length=1, max_length=32)]
    signature_type: MessageType
    signature_source: Annotated[int, Field(ge=0, le=5)]
    is_involved_third: Literal["Yes", "No"]
    apply_desc: Annotated[str, Field(max_length=100)] | None = None
    file_id: Id64 | None = None
    # the request spells it "fileid"; responses say power_attorney_file_id
    power_attorney_fileid: Annotated[str, Field(min_length=1, max_length=128)] | None = None
    source_title_content: Annotated[str, Field(max_length=512)] | None = None
    qualification_id: Annotated[str, Field(max_length=64, pattern=r"^[A-Za-z0-9_-]*$")] | None = (
        None
    )


class SignatureCreated(Response):
    """CreateSignature and UpdateSignature answer."""

    id: str
    signature_id: str | None = None
    signature_name: str | None = None


class Signature(Response):
    """A signature as ShowSignature and ListSignatureDetails return it."""

    id: str
    create_time: str | None = None
    update_time: str | None = None
    customer_id: str | None = None
    tenant: Tenant | None = None
    signature_name: str | None = None
    signature_id: str | None = None
    signature_type: str | None = None
    app_name: str | None = None
    apply_desc: str | None = None
    channel_num: str | None = None
    review_desc: str | None = None
    file_id: str | None = None
    status: str | None = None
    site: str | None = None
    signature_source: int | None = None
    is_involved_third: str | None = None
    power_attorney_file_id: str | None = None
    urge_status: str | None = None
    urge_time: str | None = None
    urge_desc: str | None = None
    app_key: str | None = None
    source_title_content: str | None = None
    signature_usage: str | None = None
    qualification_id: str | None = None
    qualification_name: str | None = None


class SignatureQuery(PageQuery):
    """ListSignatureDetails filters."""

    app_name: Id64 | None = None
    signature_id: Id64 | None = None
    signature_name: Annotated[str, Field(min_length=1, max_length=32)] | None = None
    signature_type: MessageType | None = None
    site: str | None = None
    status: str | None = None
