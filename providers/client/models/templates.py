"""Templates (MSGSMS `SmsTemplateReq`, `SmsTemplateResp`, variables, batch delete) and the
countries an international template may be sent to."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from .base import Id64, MessageType, PageQuery, Query, Request, Response, Scope, Tenant

__all__ = [
    "Country",
    "CountryQuery",
    "Template",
    "TemplateBatchDeleteRequest",
    "TemplateBatchDeleted",
    "TemplateCreated",
    "TemplateDeleteFailure",
    "TemplateQuery",
    "TemplateRequest",
    "TemplateVariable",
    "VariableAttribute",
    "VariableType",
]

VariableType = Literal["PHONE", "CHARDIGIT", "DATETIME", "MONEY", "TEXT", "NEWTEXT", "LONGTEXT"]


class VariableAttribute(Request):
    """One `variable_attributes` item: the type of variable `${variable_index}`."""

    variable_index: Annotated[int, Field(ge=1, le=20)]
    variable_type: VariableType
    variable_desc: Annotated[str, Field(max_length=100)] | None = None


class TemplateRequest(Request):
    """CreateTemplate and UpdateTemplate body (one schema for both)."""

    app_id: Id64
    region: Scope
    template_name: Annotated[str, Field(min_length=1, max_length=128)]
    template_content: Annotated[str, Field(min_length=1, max_length=500)]
    template_type: MessageType
    sign_id: Id64 | None = None
    universal_template: Literal[0, 1] | None = None
    brackets: Literal["CN", "GB"] | None = None
    send_country: Annotated[list[int], Field(max_length=3)] | None = None
    template_desc: Annotated[str, Field(max_length=500)] | None = None
    variable_attributes: Annotated[list[VariableAttribute], Field(max_length=20)] | None = None
    flow_status: Literal["Pending", "Reviewing", "Disable"] | None = None


class TemplateCreated(Response):
    """CreateTemplate and UpdateTemplate answer."""

    id: str
    template_name: str | None = None


class Template(Response):
    """A template as ShowTemplate and ListTemplateDetails return it; `template_id` stays empty
    until the template is approved."""

    id: str
    create_time: str | None = None
    update_time: str | None = None
    customer_id: str | None = None
    tenant: Tenant | None = None
    template_name: str | None = None
    template_id: str | None = None
    template_type: str | None = None
    app_name: str | None = None
    app_key: str | None = None
    sign_id: str | None = None
    template_content: str | None = None
    has_variable: str | None = None
    template_desc: str | None = None
    review_desc: str | None = None
    review_order: str | None = None
    flow_status: str | None = None
    universal_template: int | None = None
    status: str | None = None
    region: str | None = None
    brackets: str | None = None
    site: str | None = None
    urge_status: str | None = None
    urge_time: str | None = None
    urge_desc: str | None = None
    send_country1: int | None = None
    send_country2: int | None = None
    send_country3: int | None = None
    is_support_multiomp: bool | None = None
    country_name: str | None = None


class TemplateQuery(PageQuery):
    """ListTemplateDetails filters."""

    app_key: Annotated[str, Field(min_length=1, max_length=128)] | None = None
    app_name: Id64 | None = None
    flow_status: str | None = None
    has_variable: Literal["Yes", "No"] | None = None
    region: Scope | None = None
    sign_name: str | None = None
    template_id: Id64 | None = None
    template_name: Annotated[str, Field(min_length=1, max_length=128)] | None = None
    template_type: MessageType | None = None


class TemplateVariable(Response):
    """One item of ListTemplateVarilableDetails."""

    id: int | None = None
    user_name: str | None = None
    temp_name: str | None = None
    variable_index: int | None = None
    variable_type: str | None = None
    variable_length: int | None = None
    variable_desc: str | None = None


class TemplateBatchDeleteRequest(Request):
    """DeleteTemplates body: 1 to 50 template ids."""

    ids: Annotated[list[Id64], Field(min_length=1, max_length=50)]


class TemplateDeleteFailure(Response):
    id: str | None = None
    error_msg: str | None = None


class TemplateBatchDeleted(Response):
    """DeleteTemplates answer: what was deleted and what was not, and why."""

    success_count: int = 0
    success_ids: list[str] = Field(default_factory=list)
    failed_count: int = 0
    failed_template_list: list[TemplateDeleteFailure] = Field(default_factory=list)


class Country(Response):
    """One item of ListSendCountryDetails."""

    country_id: int | None = None
    country_name_en: str | None = None
    country_name_zh: str | None = None


class CountryQuery(Query):
    """ListSendCountryDetails filters."""

    country_name_en: Annotated[str, Field(min_length=1, max_length=255)] | None = None
    country_name_zh: Annotated[str, Field(min_length=1, max_length=255)] | None = None
