"""Authentication schemes as `httpx.Auth` classes, usable with any `httpx.Client`.

* `AkSkAuth`: SDK-HMAC-SHA256 signing with an account AK/SK, permanent or temporary with its
  security token (management API, IAM) or, without a project id, with an app's
  `app_key`/`app_secret` (SMSApi's "special AK/SK").
* `IamTokenAuth`: a project-scoped IAM token in `X-Auth-Token`, fetched through a
  `TokenSource`, fetched again once when a 401 says the token expired.
* `WsseAuth`: SMSApi's classic WSSE UsernameToken headers.
"""

from __future__ import annotations

import base64
import hashlib
import uuid
from collections.abc import Callable, Generator
from datetime import UTC, datetime
from typing import Protocol

import httpx

from .signing import sign_request

__all__ = ["AkSkAuth", "IamTokenAuth", "TokenSource", "WsseAuth", "token_expired"]

Clock = Callable[[], datetime]


def _utcnow() -> datetime:
    return datetime.now(UTC)


class AkSkAuth(httpx.Auth):
    """Sign every request with SDK-HMAC-SHA256.

    With `project_id`, also send `X-Project-Id` as Huawei's SDK does for regional services.
    With `security_token` (temporary access keys), send it as `X-Security-Token`, set before
    signing as Huawei's SDK sets it, so the gateway sees it among the signed headers.
    `clock` (UTC `datetime`) is only for tests; the gateway refuses a date 15 minutes off.
    """

    requires_request_body = True

    def __init__(
        self,
        access_key: str,
        secret_key: str,
        *,
        project_id: str | None = None,
        security_token: str | None = None,
        clock: Clock = _utcnow,
    ) -> None:
        if not access_key or not secret_key:
            raise ValueError("AkSkAuth needs a non-empty access key and secret key")
        self._access_key = access_key
        self._secret_key = secret_key
        self._project_id = project_id
        self._security_token = security_token or None
        self._clock = clock

    def __repr__(self) -> str:
        temporary = ", temporary" if self._security_token else ""
        return f"AkSkAuth(project_id={self._project_id!r}{temporary})"

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        if self._project_id:
            request.headers["X-Project-Id"] = self._project_id
        if self._security_token:
            request.headers["X-Security-Token"] = self._security_token
        sign_request(request, self._access_key, self._secret_key, self._clock())
        yield request


class TokenSource(Protocol):
    """Where `IamTokenAuth` gets its token: cached, renewed before expiry, thread-safe."""

    def token(self) -> str:
        """A currently valid token."""
        ...

    def expire(self, token: str) -> None:
        """Forget `token` (the service said it expired); the next `token()` fetches anew."""
        ...


def token_expired(response: httpx.Response) -> bool:
    """Whether a response says the token expired (gateway `APIG.0301 ... token expires`, IAM
    "The token must be updated"), as opposed to any other authentication failure."""
    if response.status_code != 401:
        return False
    text = response.text.lower()
    return "token expire" in text or "token must be updated" in text


class IamTokenAuth(httpx.Auth):
    """Send `X-Auth-Token`; on a 401 that says the token expired, fetch a new one and retry
    the request once."""

    requires_response_body = True

    def __init__(self, source: TokenSource) -> None:
        self._source = source

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        token = self._source.token()
        request.headers["X-Auth-Token"] = token
        response = yield request
        if token_expired(response):
            self._source.expire(token)
            request.headers["X-Auth-Token"] = self._source.token()
            yield request


class WsseAuth(httpx.Auth):
    """SMSApi WSSE: `Authorization: WSSE ...` plus `X-WSSE: UsernameToken ...`.

    PasswordDigest is Base64 of the lower-case hex SHA-256 of nonce + created + app_secret,
    as Huawei's published samples compute it. `clock` and `nonce` are only for tests.
    """

    AUTHORIZATION = 'WSSE realm="SDP",profile="UsernameToken",type="Appkey"'

    def __init__(
        self,
        app_key: str,
        app_secret: str,
        *,
        clock: Clock = _utcnow,
        nonce: Callable[[], str] = lambda: uuid.uuid4().hex,
    ) -> None:
        if not app_key or not app_secret:
            raise ValueError("WsseAuth needs a non-empty app_key and app_secret")
        self._app_key = app_key
        self._app_secret = app_secret
        self._clock = clock
        self._nonce = nonce

    def __repr__(self) -> str:
        return "WsseAuth()"

    @staticmethod
    def password_digest(nonce: str, created: str, app_secret: str) -> str:
        hex_digest = hashlib.sha256((nonce + created + app_secret).encode("utf-8")).hexdigest()
        return base64.b64encode(hex_digest.encode("ascii")).decode("ascii")

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        nonce = self._nonce()
        created = self._clock().strftime("%Y-%m-%dT%H:%M:%SZ")
        digest = self.password_digest(nonce, created, self._app_secret)
        request.headers["Authorization"] = self.AUTHORIZATION
        request.headers["X-WSSE"] = (
            f'UsernameToken Username="{self._app_key}",PasswordDigest="{digest}",'
            f'Nonce="{nonce}",Created="{created}"'
        )
        yield request
