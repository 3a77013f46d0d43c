"""Wire models of the MSGSMS management API (reference §1.3), named as the SDK names them.

Request models forbid unknown fields and use strict types, so a wrong type or an unexpected
field is a 400 naming the field rather than a silent coercion. Response models document the
shapes in ``/openapi.json``.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, StringConstraints, model_validator

__all__ = [
    "ApiTemplateVariable",
    "AppCount",
    "AppList",
    "AppScope",
    "BatchDeleteResult",
    "CreateAppResult",
    "CreateSignatureResult",
    "CreateTemplateResult",
    "FailedTemplate",
    "SignatureFile",
    "SignatureList",
    "SignatureType",
    "SmsAppAddReq",
    "SmsAppQueryResp",
    "SmsAppUpdateReq",
    "SmsCountryResp",
    "SmsSignatureReq",
    "SmsSignatureResp",
    "SmsTemplateReq",
    "SmsTemplateResp",
    "SmsTemplateVariableAttrReq",
    "TemplateBatchDeleteReq",
    "TemplateList",
    "TemplateType",
    "TenantBasic",
    "UpdateAppResult",
    "UploadResult",
    "VariableList",
]


def _text(min_length: int, max_length: int, pattern: str | None = None) -> object:
    return StringConstraints(min_length=min_length, max_length=max_length, pattern=pattern)


NotBlank = r"\S"
AppScope = Literal["cn", "intl"]
SignatureType = Literal["VERIFY_CODE_TYPE", "NOTIFY_TYPE", "PROMOTION_TYPE"]
TemplateType = SignatureType
VariableType = Literal["PHONE", "CHARDIGIT", "DATETIME", "MONEY", "TEXT", "NEWTEXT", "LONGTEXT"]
_SCOPE_FIELD = Field(validation_alias=AliasChoices("region", "location"))


class _Request(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class _AppFields(_Request):
    app_name: Annotated[str, _text(1, 64, NotBlank)]
    region: AppScope = _SCOPE_FIELD
    create_sign_and_template: bool | None = None
    enterprise_project_id: Annotated[str, _text(1, 64)] | None = None
    enterprise_project_name: Annotated[str, _text(1, 255)] | None = None


class SmsAppAddReq(_AppFields):
    up_link_addr: Annotated[str, _text(1, 128)] | None = None
    show_secret: bool | None = None


class SmsAppUpdateReq(_AppFields):
    # Empty clears the uplink address.
    up_link_addr: Annotated[str, _text(0, 128)] | None = None


class SmsSignatureReq(_Request):
    app_id: Annotated[str, _text(1, 64)]
    # The documented naming rules (2-32 Chinese characters, letters and digits, not all
    # digits) are review rules: a name that breaks them is submitted and then rejected.
    signature_name: Annotated[str, _text(1, 32, NotBlank)]
    signature_type: SignatureType
    signature_source: Annotated[int, Field(ge=0, le=5)]
    is_involved_third: Literal["Yes", "No", "yes", "no"]
    apply_desc: Annotated[str, _text(0, 100)] | None = None
    file_id: Annotated[str, _text(1, 64)] | None = None
    power_attorney_fileid: Annotated[str, _text(1, 128)] | None = None
    source_title_content: Annotated[str, _text(0, 512)] | None = None
    qualification_id: Annotated[str, _text(0, 64, r"^$|^[A-Za-z0-9_-]+$")] | None = None


class SmsTemplateVariableAttrReq(_Request):
    variable_index: Annotated[int, Field(ge=1, le=20)]
    variable_type: VariableType
    variable_desc: Annotated[str, _text(0, 100)] | None = None

    @model_validator(mode="after")
    def _text_needs_description(self) -> SmsTemplateVariableAttrReq:
        if self.variable_type == "TEXT" and not self.variable_desc:
            raise ValueError("variable_desc is required when variable_type is TEXT")
        return self


class SmsTemplateReq(_Request):
    app_id: Annotated[str, _text(1, 64)]
    region: AppScope = _SCOPE_FIELD
    template_name: Annotated[str, _text(1, 128)]
    template_content: Annotated[str, _text(1, 500)]
    template_type: TemplateType
    sign_id: Annotated[str, _text(1, 64)] | None = None
    universal_template: Literal[0, 1] | None = None
    brackets: Annotated[str, _text(1, 16)] | None = None
    # 0 names no country (an unused slot, as send_country1..3 of a template show it).
    send_country: Annotated[list[Annotated[int, Field(ge=0)]], Field(max_length=3)] | None = None
    template_desc: Annotated[str, _text(0, 500)] | None = None
    variable_attributes: (
        Annotated[list[SmsTemplateVariableAttrReq], Field(max_length=20)] | None
    ) = None
    flow_status: Literal["Pending", "Reviewing", "Disable"] | None = None


class TemplateBatchDeleteReq(_Request):
    ids: Annotated[list[Annotated[str, _text(1, 64)]], Field(min_length=1, max_length=50)]


# ---- responses -------------------------------------------------------------------------------


class TenantBasic(BaseModel):
    customer_id: str | None = None
    customer_name: str | None = None
    enterprise_name: str | None = None


class CreateAppResult(BaseModel):
    id: str
    app_key: str
    app_name: str
    app_secret: str | None = None


class UpdateAppResult(BaseModel):
    id: str
    app_key: str
    app_name: str


class SmsAppQueryResp(BaseModel):
    id: str
    create_time: str
    update_time: str
    customer_id: str | None = None
    resource_id: str | None = None
    developer_account: str | None = None
    app_name: str
    omp_app_name: str | None = None
    app_key: str
    up_link_addr: str | None = None
    status: Literal["CREATED", "SUSPENDED", "LAUNCHED", "PROCESSING"]
    industry: int | None = None
    region: AppScope
    intl_channel_num: str | None = None
    enterprise_project_id: str | None = None
    enterprise_project_name: str | None = None
    ip_white_list: str | None = None
    app_access_addr: str | None = None
    protocol: str | None = None
    platform: str | None = None
    is_support_multiomp: bool | None = None
    tenant: TenantBasic | None = None


class AppCount(BaseModel):
    total: int
    used: int


class CreateSignatureResult(BaseModel):
    id: str
    signature_id: str
    signature_name: str


class SmsSignatureResp(BaseModel):
    id: str
    create_time: str
    update_time: str
    customer_id: str | None = None
    tenant: TenantBasic | None = None
    signature_name: str
    signature_id: str
    signature_type: str
    app_name: str | None = None
    apply_desc: str | None = None
    channel_num: str | None = None
    review_desc: str | None = None
    file_id: str | None = None
    status: str
    site: str | None = None
    signature_source: int
    is_involved_third: str
    power_attorney_file_id: str | None = None
    urge_status: str | None = None
    urge_time: str | None = None
    urge_desc: str | None = None
    app_key: str | None = None
    source_title_content: str | None = None
    signature_usage: str | None = None
    qualification_id: str | None = None
    qualification_name: str | None = None


class UploadResult(BaseModel):
    file_id: str


class SignatureFile(BaseModel):
    file_id: str
    file_name: str
    file_ref: int
    file_size: int
    file_type: int
    module_type: int
    operator: str
    file_desc: str | None = None
    update_time: str


class CreateTemplateResult(BaseModel):
    id: str
    template_name: str


class SmsTemplateResp(BaseModel):
    id: str
    create_time: str
    update_time: str
    customer_id: str | None = None
    tenant: TenantBasic | None = None
    template_name: str
    template_id: str | None = None
    template_type: str
    app_name: str | None = None
    app_key: str | None = None
    sign_id: str | None = None
    template_content: str
    has_variable: Literal["Yes", "No"]
    template_desc: str | None = None
    review_desc: str | None = None
    review_order: str | None = None
    flow_status: str
    universal_template: int
    status: Literal["Test", "Normal"]
    region: AppScope
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


class ApiTemplateVariable(BaseModel):
    id: int
    user_name: str
    temp_name: str
    variable_index: int
    variable_type: str
    variable_length: int
    variable_desc: str | None = None


class VariableList(BaseModel):
    results: list[ApiTemplateVariable]
    total: int


class FailedTemplate(BaseModel):
    id: str
    error_msg: str


class BatchDeleteResult(BaseModel):
    success_count: int
    success_ids: list[str]
    failed_count: int
    failed_template_list: list[FailedTemplate]


class SmsCountryResp(BaseModel):
    country_id: int
    country_name_en: str
    country_name_zh: str


class AppList(BaseModel):
    results: list[SmsAppQueryResp]
    total: int


class SignatureList(BaseModel):
    results: list[SmsSignatureResp]
    total: int


class TemplateList(BaseModel):
    results: list[SmsTemplateResp]
    total: int
