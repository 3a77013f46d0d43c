"""`SmsClient`: every MSGSMS management operation, IAM token and project lookup, and both
SMSApi send operations, over one thread-safe `httpx.Client`.

The management operations (apps, signature files, signatures, templates) are here; the IAM
operations are `.iam`'s, the sends `.send`'s, and the pool and the retrying send under them
all `.base`'s.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Sequence
from typing import Any, TypeVar
from urllib.parse import quote

import httpx
from pydantic import BaseModel, TypeAdapter

from .base import DEFAULT_TIMEOUT, JSON_HEADERS, USER_AGENT
from .iam import IamOperations
from .models import (
    App,
    AppAddRequest,
    AppCount,
    AppCreated,
    AppQuery,
    AppUpdated,
    AppUpdateRequest,
    Country,
    CountryQuery,
    Page,
    Query,
    Request,
    Scope,
    Signature,
    SignatureCreated,
    SignatureFile,
    SignatureFileUploaded,
    SignatureQuery,
    SignatureRequest,
    Template,
    TemplateBatchDeleted,
    TemplateBatchDeleteRequest,
    TemplateCreated,
    TemplateQuery,
    TemplateRequest,
    TemplateVariable,
)
from .send import SendOperations, SendScheme

__all__ = ["DEFAULT_TIMEOUT", "USER_AGENT", "SendScheme", "SmsClient"]

M = TypeVar("M", bound=BaseModel)

_countries = TypeAdapter(list[Country])


def _segment(value: str) -> str:
    # as Huawei's SDK substitutes path parameters
    return quote(str(value), safe="")


class SmsClient(IamOperations, SendOperations):
    """A synchronous, thread-safe client for Huawei Cloud IAM, MSGSMS and SMSApi.

    One instance serves every region: each operation takes `region=` (the endpoint region,
    default `settings.region`). Connections are pooled and reused; tokens and project ids
    are cached per process (`cache`), fetched once under a lock and renewed before expiry.

    `transport` replaces the network (e.g. `httpx.MockTransport` in tests); `retry` bounds
    retries of 429, 5xx and transport failures in attempts and total seconds. Creates and
    other POSTs are retried after a 5xx or a lost response only with `retry_safe=True`:
    pass it once you know a retry cannot duplicate the object (e.g. you look it up first).

    Errors are `providers.client.errors.ClientError` subclasses; none carries a secret.
    """

    def __repr__(self) -> str:
        return f"SmsClient(region={self.settings.region!r}, auth={self.settings.auth_mode!r})"

    # ---------------------------------------------------------------- management

    def _management(
        self,
        method: str,
        path: str,
        region: str | None,
        *,
        query: Sequence[tuple[str, str]] = (),
        body: Request | None = None,
        files: dict[str, Any] | None = None,
        retry_safe: bool = False,
    ) -> httpx.Response:
        region = region or self.settings.region
        auth = self._auths.get(region) or self._auths.setdefault(region, self._new_auth(region))
        base = self._endpoints.url("msgsms", region)
        content = (
            body.model_dump_json(by_alias=True, exclude_none=True).encode()
            if body is not None
            else None
        )
        return self._send(
            method,
            f"{base}/v2/{self.project_id(region)}/msgsms{path}",
            auth=auth,
            query=query,
            headers=None if files else JSON_HEADERS,
            content=content,
            files=files,
            retry_safe=retry_safe,
        )

    def _call(
        self,
        model: type[M],
        method: str,
        path: str,
        region: str | None,
        query: Query | Sequence[tuple[str, str]] | None = None,
        **kwargs: Any,
    ) -> M:
        """A management call whose answer is `model`."""
        pairs = query.pairs() if isinstance(query, Query) else query or ()
        response = self._management(method, path, region, query=pairs, **kwargs)
        return self._parse(model, response)

    # ---------------------------------------------------------------- apps

    def create_app(
        self, body: AppAddRequest, *, region: str | None = None, retry_safe: bool = False
    ) -> AppCreated:
        """CreateApp. The API has no delete: look up by name before retrying a lost create."""
        return self._call(AppCreated, "POST", "/apps", region, body=body, retry_safe=retry_safe)

    def list_app_details(
        self, query: AppQuery | None = None, *, region: str | None = None
    ) -> Page[App]:
        """ListAppDetails: one page (see `paginate`)."""
        return self._call(Page[App], "GET", "/apps", region, query)

    def show_app(self, app_id: str, *, region: str | None = None) -> App:
        """ShowApp by the app's `id`."""
        return self._call(App, "GET", f"/apps/{_segment(app_id)}", region)

    def show_app_count(self, scope: Scope, *, region: str | None = None) -> AppCount:
        """ShowAppCount: quota and usage of `cn` or `intl` apps."""
        return self._call(AppCount, "GET", "/apps-count", region, [("region", scope)])

    def update_app(
        self, app_id: str, body: AppUpdateRequest, *, region: str | None = None
    ) -> AppUpdated:
        """UpdateApp: name, uplink URL, enterprise project."""
        return self._call(AppUpdated, "PUT", f"/apps/{_segment(app_id)}", region, body=body)

    # ---------------------------------------------------------------- signature files

    def upload_signature_file(
        self,
        content: bytes,
        file_name: str,
        *,
        file_desc: str | None = None,
        region: str | None = None,
        retry_safe: bool = False,
    ) -> SignatureFileUploaded:
        """UploadSignatureFile (multipart field `file`); returns the new `file_id`."""
        content_type = mimetypes.guess_type(file_name)[0] or "application/octet-stream"
        return self._call(
            SignatureFileUploaded,
            "POST",
            "/upload-files",
            region,
            [("file_desc", file_desc)] if file_desc else None,
            files={"file": (file_name, content, content_type)},
            retry_safe=retry_safe,
        )

    def show_signature_file(self, file_id: str, *, region: str | None = None) -> SignatureFile:
        """ShowSignatureFile."""
        return self._call(SignatureFile, "GET", "/upload-files", region, [("file_id", file_id)])

    # ---------------------------------------------------------------- signatures

    def create_signature(
        self, body: SignatureRequest, *, region: str | None = None, retry_safe: bool = False
    ) -> SignatureCreated:
        """CreateSignature; the signature goes to review."""
        return self._call(
            SignatureCreated, "POST", "/signatures", region, body=body, retry_safe=retry_safe
        )

    def list_signature_details(
        self, query: SignatureQuery | None = None, *, region: str | None = None
    ) -> Page[Signature]:
        """ListSignatureDetails: one page (see `paginate`)."""
        return self._call(Page[Signature], "GET", "/signatures", region, query)

    def show_signature(self, signature_id: str, *, region: str | None = None) -> Signature:
        """ShowSignature by the signature's `id`."""
        return self._call(Signature, "GET", f"/signatures/{_segment(signature_id)}", region)

    def update_signature(
        self, signature_id: str, body: SignatureRequest, *, region: str | None = None
    ) -> SignatureCreated:
        """UpdateSignature: only while rejected; resubmits for review."""
        path = f"/signatures/{_segment(signature_id)}"
        return self._call(SignatureCreated, "PUT", path, region, body=body)

    def delete_signature(self, signature_id: str, *, region: str | None = None) -> None:
        """DeleteSignature."""
        self._management("DELETE", f"/signatures/{_segment(signature_id)}", region)

    def enable_signature(self, signature_id: str, *, region: str | None = None) -> None:
        """EnableSignature: apply to activate a signature that waits for activation."""
        self._management("PUT", f"/signatures/{_segment(signature_id)}/active", region)

    # ---------------------------------------------------------------- templates

    def create_template(
        self, body: TemplateRequest, *, region: str | None = None, retry_safe: bool = False
    ) -> TemplateCreated:
        """CreateTemplate; with `flow_status` Reviewing (or unset) it goes to review."""
        return self._call(
            TemplateCreated, "POST", "/templates", region, body=body, retry_safe=retry_safe
        )

    def list_template_details(
        self, query: TemplateQuery | None = None, *, region: str | None = None
    ) -> Page[Template]:
        """ListTemplateDetails: one page (see `paginate`)."""
        return self._call(Page[Template], "GET", "/templates", region, query)

    def show_template(self, template_id: str, *, region: str | None = None) -> Template:
        """ShowTemplate by the template's `id` (not its `template_id`)."""
        return self._call(Template, "GET", f"/templates/{_segment(template_id)}", region)

    def update_template(
        self, template_id: str, body: TemplateRequest, *, region: str | None = None
    ) -> TemplateCreated:
        """UpdateTemplate: only while rejected; resubmits for review."""
        path = f"/templates/{_segment(template_id)}"
        return self._call(TemplateCreated, "PUT", path, region, body=body)

    def delete_template(self, template_id: str, *, region: str | None = None) -> None:
        """DeleteTemplate (refused while the template is under review)."""
        self._management("DELETE", f"/templates/{_segment(template_id)}", region)

    def delete_templates(
        self, ids: Sequence[str], *, region: str | None = None, retry_safe: bool = False
    ) -> TemplateBatchDeleted:
        """DeleteTemplates: up to 50 ids; failures are listed per id, not raised."""
        body = TemplateBatchDeleteRequest(ids=list(ids))
        path = "/templates/batch-delete"
        return self._call(
            TemplateBatchDeleted, "POST", path, region, body=body, retry_safe=retry_safe
        )

    def list_template_varilable_details(
        self, template_id: str, *, region: str | None = None
    ) -> Page[TemplateVariable]:
        """ListTemplateVarilableDetails (the API's own spelling): the template's variables."""
        path = f"/templates/{_segment(template_id)}/varilable"
        return self._call(Page[TemplateVariable], "GET", path, region)

    def list_send_country_details(
        self, query: CountryQuery | None = None, *, region: str | None = None
    ) -> list[Country]:
        """ListSendCountryDetails: countries an international template may target."""
        pairs = query.pairs() if query else ()
        return self._parse(_countries, self._management("GET", "/country", region, query=pairs))
