"""Request and response models, field names as on the wire.

Requests (`...Request`, `...Query`) are strict: unknown fields, wrong types and values outside
the API's documented bounds are refused before anything is sent. Responses tolerate unknown
fields (kept in `model_extra`) and missing optional ones.
"""

from .apps import App, AppAddRequest, AppCount, AppCreated, AppQuery, AppUpdated, AppUpdateRequest
from .base import MessageType, Page, PageQuery, Query, Request, Response, Scope, Tenant
from .files import SignatureFile, SignatureFileUploaded
from .iam import IamToken, Project, ProjectList, TokenAnswer, TokenBody
from .send import BatchSendDiffSmsRequest, BatchSendSmsRequest, SendResult, SmsContent, SmsId
from .signatures import Signature, SignatureCreated, SignatureQuery, SignatureRequest
from .templates import (
    Country,
    CountryQuery,
    Template,
    TemplateBatchDeleted,
    TemplateBatchDeleteRequest,
    TemplateCreated,
    TemplateDeleteFailure,
    TemplateQuery,
    TemplateRequest,
    TemplateVariable,
    VariableAttribute,
    VariableType,
)

__all__ = [
    "App",
    "AppAddRequest",
    "AppCount",
    "AppCreated",
    "AppQuery",
    "AppUpdateRequest",
    "AppUpdated",
    "BatchSendDiffSmsRequest",
    "BatchSendSmsRequest",
    "Country",
    "CountryQuery",
    "IamToken",
    "MessageType",
    "Page",
    "PageQuery",
    "Project",
    "ProjectList",
    "Query",
    "Request",
    "Response",
    "Scope",
    "SendResult",
    "Signature",
    "SignatureCreated",
    "SignatureFile",
    "SignatureFileUploaded",
    "SignatureQuery",
    "SignatureRequest",
    "SmsContent",
    "SmsId",
    "Template",
    "TemplateBatchDeleteRequest",
    "TemplateBatchDeleted",
    "TemplateCreated",
    "TemplateDeleteFailure",
    "TemplateQuery",
    "TemplateRequest",
    "TemplateVariable",
    "Tenant",
    "TokenAnswer",
    "TokenBody",
    "VariableAttribute",
    "VariableType",
]
