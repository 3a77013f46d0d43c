"""Request and response models, field names as on the wire.

Requests (`...Request`, `...Query`) are strict: unknown fields, wrong types and values outside
the API's documented bounds are refused before anything is sent. Responses tolerate unknown
fields (kept in `model_extra`) and missing optional ones. Each module is imported when one of
its models is first used (:mod:`providers.client.lazy`).
"""

from typing import TYPE_CHECKING

from ..lazy import exports

__all__, __getattr__, __dir__ = exports(
    __name__,
    {
        ".apps": [
            "App",
            "AppAddRequest",
            "AppCount",
            "AppCreated",
            "AppQuery",
            "AppUpdated",
            "AppUpdateRequest",
        ],
        ".base": [
            "MessageType",
            "Page",
            "PageQuery",
            "Query",
            "Request",
            "Response",
            "Scope",
            "Tenant",
        ],
        ".files": ["SignatureFile", "SignatureFileUploaded"],
        ".iam": ["IamToken", "Project", "ProjectList", "TokenAnswer", "TokenBody"],
        ".send": [
            "BatchSendDiffSmsRequest",
            "BatchSendSmsRequest",
            "SendResult",
            "SmsContent",
            "SmsId",
        ],
        ".signatures": ["Signature", "SignatureCreated", "SignatureQuery", "SignatureRequest"],
        ".templates": [
            "Country",
            "CountryQuery",
            "Template",
            "TemplateBatchDeleted",
            "TemplateBatchDeleteRequest",
            "TemplateCreated",
            "TemplateDeleteFailure",
            "TemplateQuery",
            "TemplateRequest",
            "TemplateVariable",
            "VariableAttribute",
            "VariableType",
        ],
    },
)

if TYPE_CHECKING:
    from .apps import (
        App,
        AppAddRequest,
        AppCount,
        AppCreated,
        AppQuery,
        AppUpdated,
        AppUpdateRequest,
    )
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
