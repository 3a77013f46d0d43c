"""`ClientBase`: what every operation of `SmsClient` goes through.

The settings, the endpoints, one pooled, thread-safe `httpx.Client`, the account's
credentials, and the sending of a request with retries (`_send`) and the reading of its answer
into a model (`_parse`). The operations build on it: IAM in `.iam`, SMSApi's sends in `.send`,
MSGSMS management in `.client`.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Self, TypeVar

import httpx
from pydantic import BaseModel, TypeAdapter, ValidationError

from .auth import AkSkAuth
from .cache import PROCESS_CACHE, RenewingCache
from .errors import InvalidResponseError, api_error_from_response, transport_error_from_httpx
from .regions import Endpoints, Service
from .retry import RetryPolicy, is_retryable
from .settings import Settings
from .signing import canonical_query

if TYPE_CHECKING:
    from .iam import RegionTokens

__all__ = ["DEFAULT_TIMEOUT", "JSON_HEADERS", "USER_AGENT", "ClientBase"]

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=10.0)
USER_AGENT = f"msgsms-iac python-httpx/{httpx.__version__}"
JSON_HEADERS = {"Content-Type": "application/json"}

M = TypeVar("M", bound=BaseModel)
T = TypeVar("T")


class ClientBase:
    """The connection pool, settings and credentials of a client, and its retrying send.

    See `SmsClient` for the arguments.
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
        # per region, made on first use: the management API's auth, and the IAM tokens
        self._auths: dict[str, httpx.Auth] = {}
        self._tokens: dict[str, RegionTokens] = {}
        if settings.access_key is not None and settings.secret_key is not None:
            self._principal: tuple[str, ...] = ("aksk", settings.access_key.get_secret_value())
            self._account_auth: httpx.Auth | None = self._aksk()
        else:
            self._principal = ("password", settings.iam_domain or "", settings.iam_user or "")
            self._account_auth = None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Close pooled connections."""
        self._http.close()

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
