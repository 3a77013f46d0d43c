"""`SmsClient`: every MSGSMS management operation, IAM token and project lookup, and both
SMSApi send operations, over one thread-safe `httpx.Client`."""

from __future__ import annotations

import json
import logging
import math
import mimetypes
from collections.abc import Sequence
from typing import Any, Literal, TypeVar
from urllib.parse import quote

import httpx
from pydantic import BaseModel, SecretStr, TypeAdapter, ValidationError

from .auth import AkSkAuth, IamTokenAuth, WsseAuth
from .cache import PROCESS_CACHE, RenewingCache
from .errors import (
    ConfigurationError,
    InvalidResponseError,
    api_error_from_response,
    transport_error_from_httpx,
)
from .models import (
    App,
    AppAddRequest,
    AppCount,
    AppCreated,
    AppQuery,
    AppUpdated,
    AppUpdateRequest,
    BatchSendDiffSmsRequest,
    BatchSendSmsRequest,
    Country,
    CountryQuery,
    IamToken,
    Page,
    ProjectList,
    Query,
    Request,
    Scope,
    SendResult,
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
    TokenAnswer,
)
from .regions import Endpoints, Service
from .retry import RetryPolicy, is_retryable
from .settings import Settings
from .signing import canonical_query

__all__ = ["DEFAULT_TIMEOUT", "USER_AGENT", "SendScheme", "SmsClient"]

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=10.0)
USER_AGENT = f"msgsms-iac python-httpx/{httpx.__version__}"
SendScheme = Literal["aksk", "wsse"]

M = TypeVar("M", bound=BaseModel)
T = TypeVar("T")

_JSON = {"Content-Type": "application/json"}
_SEND_SUCCESS = "000000"
_countries = TypeAdapter(list[Country])


def _segment(value: str) -> str:
    # as Huawei's SDK substitutes path parameters
    return quote(str(value), safe="")


class SmsClient:
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

    def __init__(
        self,
        settings: Settings,
        *,
        transport: httpx.BaseTransport | None = None,
        timeout: httpx.Timeout | float = DEFAULT_TIMEOUT,
        retry: RetryPolicy | None = None,
        cache: RenewingCache | None = None,
        limits: httpx.Limits | None = None,
    ) -> None:
        self.settings = settings
        self._endpoints = Endpoints(settings.endpoints.as_mapping())
        self._retry = retry or RetryPolicy()
        self._cache = PROCESS_CACHE if cache is None else cache
        self._http = httpx.Client(
            transport=transport,
            timeout=timeout,
            limits=limits or httpx.Limits(max_connections=32, max_keepalive_connections=16),
            headers={"User-Agent": USER_AGENT},
        )
        self._auths: dict[str, httpx.Auth] = {}
        self._tokens: dict[str, _RegionTokens] = {}
        if settings.access_key is not None and settings.secret_key is not None:
            self._principal: tuple[str, ...] = ("aksk", settings.access_key.get_secret_value())
            self._account_auth: httpx.Auth | None = self._aksk()
        else:
            self._principal = ("password", settings.iam_domain or "", settings.iam_user or "")
            self._account_auth = None

    def __repr__(self) -> str:
        return f"SmsClient(region={self.settings.region!r}, auth={self.settings.auth_mode!r})"

    def __enter__(self) -> SmsClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Close pooled connections."""
        self._http.close()

    # ---------------------------------------------------------------- plumbing

    def endpoint(self, service: Service, region: str | None = None) -> str:
        """Base URL of `service` in `region` (overrides first, else the built-in table)."""
        return self._endpoints.url(service, region or self.settings.region)

    def _send(
        self,
        method: str,
        url: str,
        *,
        auth: httpx.Auth | None,
        query: Sequence[tuple[str, str]] = (),
        headers: dict[str, str] | None = None,
        content: bytes | None = None,
        data: dict[str, str] | None = None,
        files: dict[str, Any] | None = None,
        retry_safe: bool = False,
    ) -> httpx.Response:
        """Send with retries; return a 2xx response or raise the translated error."""
        if query:
            # the canonical order is also what AK/SK signing signs
            url = f"{url}?{canonical_query(query)}"
        policy = self._retry
        started = policy.clock()
        attempt = 0
        while True:
            attempt += 1
            cause: Exception | None = None
            try:
                response = self._http.request(
                    method,
                    url,
                    content=content,
                    data=data,
                    files=files,
                    headers=headers,
                    auth=auth or httpx.USE_CLIENT_DEFAULT,
                )
            except httpx.TransportError as exc:
                path = httpx.URL(url).path
                error: Exception = transport_error_from_httpx(
                    exc, method=method, path=path, attempts=attempt
                )
                retryable = is_retryable(method, error=exc, retry_safe=retry_safe)
                retry_after = None
                cause = exc
            else:
                if response.is_success:
                    return response
                api_error = api_error_from_response(
                    response, path=response.request.url.path, attempts=attempt
                )
                error, retry_after = api_error, api_error.retry_after
                retryable = is_retryable(method, status=response.status_code, retry_safe=retry_safe)
            delay = policy.delay(attempt, started, retry_after) if retryable else None
            if delay is None:
                raise error from cause
            log.info("retrying in %.2fs: %s", delay, error)
            policy.sleep(delay)

    @staticmethod
    def _parse(model: type[M] | TypeAdapter[T], response: httpx.Response) -> M | T:
        validate = (
            model.validate_json if isinstance(model, TypeAdapter) else model.model_validate_json
        )
        try:
            return validate(response.content)
        except ValidationError as exc:
            raise InvalidResponseError(
                str(exc).splitlines()[0] if response.content else "empty body",
                method=response.request.method,
                path=response.request.url.path,
                status=response.status_code,
            ) from None

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
            headers=None if files else _JSON,
            content=content,
            files=files,
            retry_safe=retry_safe,
        )

    def _new_auth(self, region: str) -> httpx.Auth:
        if self.settings.auth_mode == "aksk":
            return self._aksk(self.project_id(region))
        return IamTokenAuth(self._region_tokens(region))

    def _aksk(self, project_id: str | None = None) -> AkSkAuth:
        settings = self.settings
        assert settings.access_key is not None and settings.secret_key is not None
        token = settings.security_token
        return AkSkAuth(
            settings.access_key.get_secret_value(),
            settings.secret_key.get_secret_value(),
            project_id=project_id,
            security_token=token.get_secret_value() if token is not None else None,
        )

    def _region_tokens(self, region: str) -> _RegionTokens:
        tokens = self._tokens.get(region)
        return tokens or self._tokens.setdefault(region, _RegionTokens(self, region))

    # ---------------------------------------------------------------- IAM

    def create_token(self, region: str | None = None) -> IamToken:
        """KeystoneCreateUserTokenByPassword, scoped to the project named after `region`.

        The client manages tokens itself (cached per region, renewed before expiry); this is
        the raw operation.
        """
        region = region or self.settings.region
        settings = self.settings
        if settings.iam_user is None or settings.iam_password is None or not settings.iam_domain:
            raise ConfigurationError(
                "IAM tokens need msgsms:iamUser, msgsms:iamPassword and msgsms:iamDomain"
            )
        body = {
            "auth": {
                "identity": {
                    "methods": ["password"],
                    "password": {
                        "user": {
                            "name": settings.iam_user,
                            "password": settings.iam_password.get_secret_value(),
                            "domain": {"name": settings.iam_domain},
                        }
                    },
                },
                "scope": {"project": {"name": region}},
            }
        }
        response = self._send(
            "POST",
            f"{self._endpoints.url('iam', region)}/v3/auth/tokens",
            auth=None,
            query=[("nocatalog", "true")],
            headers={"Content-Type": "application/json;charset=utf8"},
            content=json.dumps(body, ensure_ascii=False).encode(),
            retry_safe=True,  # a second token does no harm
        )
        token = response.headers.get("X-Subject-Token")
        if not token:
            raise InvalidResponseError(
                "no X-Subject-Token header",
                method="POST",
                path=response.request.url.path,
                status=response.status_code,
            )
        answer = self._parse(TokenAnswer, response).token
        return IamToken(
            value=SecretStr(token),
            expires_at=answer.expires_at,
            project_id=answer.project.id if answer.project else None,
        )

    def list_projects(self, name: str | None = None, *, region: str | None = None) -> ProjectList:
        """KeystoneListProjects (optionally filtered by project `name`, e.g. a region)."""
        region = region or self.settings.region
        auth = self._account_auth or IamTokenAuth(self._region_tokens(region))
        response = self._send(
            "GET",
            f"{self._endpoints.url('iam', region)}/v3/projects",
            auth=auth,
            query=[("name", name)] if name else (),
        )
        return self._parse(ProjectList, response)

    def project_id(self, region: str | None = None) -> str:
        """The project id of `region`: from settings, else resolved through IAM and cached."""
        region = region or self.settings.region
        configured = self.settings.project_ids.get(region)
        if configured:
            return configured
        key = ("project", self._endpoints.url("iam", region), *self._principal, region)
        return str(self._cache.get(key, lambda: (self._lookup_project_id(region), math.inf)))

    def _lookup_project_id(self, region: str) -> str:
        if self._account_auth is None:
            scoped = self._region_tokens(region).current().project_id
            if scoped:
                return scoped
        projects = [p for p in self.list_projects(region, region=region).projects if p.id]
        if len(projects) != 1:
            raise ConfigurationError(
                f"IAM lists {len(projects)} projects named {region!r} for these credentials; "
                f'set msgsms:projectIds, e.g. {{"{region}": "<project id>"}}'
            )
        return projects[0].id

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

    # ---------------------------------------------------------------- send (SMSApi)

    def batch_send_sms(
        self,
        body: BatchSendSmsRequest,
        *,
        app_key: str,
        app_secret: str | SecretStr,
        scheme: SendScheme = "aksk",
        region: str | None = None,
        retry_safe: bool = False,
    ) -> SendResult:
        """batchSendSms: one content to many numbers, as the app `app_key`.

        `scheme` is the app-level AK/SK signature or WSSE. A send is never retried after a
        5xx or a lost response unless `retry_safe` (it could send the SMS twice).
        """
        return self._send_sms(
            "/sms/batchSendSms/v1",
            app_key,
            app_secret,
            scheme,
            region,
            retry_safe,
            data={k: str(v) for k, v in body.wire().items()},
        )

    def batch_send_diff_sms(
        self,
        body: BatchSendDiffSmsRequest,
        *,
        app_key: str,
        app_secret: str | SecretStr,
        scheme: SendScheme = "aksk",
        region: str | None = None,
        retry_safe: bool = False,
    ) -> SendResult:
        """batchSendDiffSms: different content per group of numbers (JSON)."""
        return self._send_sms(
            "/sms/batchSendDiffSms/v1",
            app_key,
            app_secret,
            scheme,
            region,
            retry_safe,
            content=body.model_dump_json(by_alias=True, exclude_none=True).encode(),
        )

    def _send_sms(
        self,
        path: str,
        app_key: str,
        app_secret: str | SecretStr,
        scheme: SendScheme,
        region: str | None,
        retry_safe: bool,
        *,
        data: dict[str, str] | None = None,
        content: bytes | None = None,
    ) -> SendResult:
        secret = app_secret.get_secret_value() if isinstance(app_secret, SecretStr) else app_secret
        auth: httpx.Auth = (
            WsseAuth(app_key, secret) if scheme == "wsse" else AkSkAuth(app_key, secret)
        )
        response = self._send(
            "POST",
            self._endpoints.url("smsapi", region or self.settings.region) + path,
            auth=auth,
            headers=None if data is not None else _JSON,
            data=data,
            content=content,
            retry_safe=retry_safe,
        )
        result = self._parse(SendResult, response)
        if result.code != _SEND_SUCCESS and not result.result:
            raise api_error_from_response(response, path=path)
        return result


class _RegionTokens:
    """The `TokenSource` of one region, backed by the client's (process-wide) cache."""

    def __init__(self, client: SmsClient, region: str) -> None:
        self._client = client
        self._region = region
        self._key = ("token", client.endpoint("iam", region), *client._principal, region)

    def _fetch(self) -> tuple[IamToken, float]:
        token = self._client.create_token(self._region)
        return token, token.expires_at.timestamp()

    def current(self) -> IamToken:
        token: IamToken = self._client._cache.get(self._key, self._fetch)
        return token

    def token(self) -> str:
        return self.current().value.get_secret_value()

    def expire(self, token: str) -> None:
        self._client._cache.expire(self._key, lambda t: t.value.get_secret_value() == token)
