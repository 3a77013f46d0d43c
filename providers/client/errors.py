"""The client's exception tree, and the one place where HTTP failures become exceptions.

```
ClientError
├── ConfigurationError        settings are missing or malformed (no request was made)
├── TransportError            no complete HTTP response: connect/read failure, timeout, dropped
├── InvalidResponseError      a success answer the client cannot read
└── ApiError                  the service answered with an error
    ├── AuthError             401/403, gateway APIG.03xx, SMSApi E0000xx/E0001xx auth codes
    ├── NotFoundError         404 and "does not exist" codes
    ├── ConflictError         409, duplicates, and changes the object's state does not allow
    ├── ThrottledError        429
    └── ServerError           5xx
```

Messages never carry credentials, tokens or signatures: only the method, the path, the
service's own error fields and a hint.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # only annotations: the errors are imported without the HTTP stack
    import httpx

__all__ = [
    "HINTS",
    "ApiError",
    "AuthError",
    "ClientError",
    "ConfigurationError",
    "ConflictError",
    "InvalidResponseError",
    "NotFoundError",
    "ServerError",
    "ThrottledError",
    "TransportError",
    "api_error_from_response",
    "transport_error_from_httpx",
]


class ClientError(Exception):
    """Base of every error raised by `providers.client`."""


class ConfigurationError(ClientError, ValueError):
    """Settings are missing or malformed; the message names the setting and what to do."""


class _RequestFailure(ClientError):
    """A request that was sent (or attempted) and failed; says which and after how many tries."""

    def __init__(self, *, method: str, path: str, attempts: int) -> None:
        self.method = method
        self.path = path
        self.attempts = attempts
        # subclasses set their fields first, so the rendered message is also the exception's arg
        super().__init__(str(self))

    def _where(self) -> str:
        tries = f" after {self.attempts} attempts" if self.attempts > 1 else ""
        return f"{self.method} {self.path}{tries}"


class TransportError(_RequestFailure):
    """No complete HTTP response arrived (connection refused or reset, timeout, dropped reply).

    A write may or may not have been applied: callers that retry a create look the object up
    first.
    """

    def __init__(self, reason: str, *, method: str, path: str, attempts: int = 1) -> None:
        self.reason = reason
        super().__init__(method=method, path=path, attempts=attempts)

    def __str__(self) -> str:
        return f"{self._where()}: no response ({self.reason})"


class InvalidResponseError(_RequestFailure):
    """The service answered with success, but not with what the API defines."""

    def __init__(self, problem: str, *, method: str, path: str, status: int) -> None:
        self.problem = problem
        self.status = status
        super().__init__(method=method, path=path, attempts=1)

    def __str__(self) -> str:
        return f"{self._where()}: unexpected HTTP {self.status} answer: {self.problem}"


class ApiError(_RequestFailure):
    """The service answered with an HTTP error.

    Attributes: `status` (HTTP status), `error_code` (e.g. `MSGSMS.0006`, `APIG.0301`,
    `E000102`), `error_msg`, `error_detail` (MSGSMS's precise reason, when given),
    `request_id` (quote it to Huawei support), `hint` (what to do next, for known codes),
    `retry_after` (seconds, when the service said so).
    """

    def __init__(
        self,
        *,
        status: int,
        error_code: str,
        error_msg: str,
        error_detail: str | None = None,
        request_id: str | None,
        method: str,
        path: str,
        attempts: int = 1,
        retry_after: float | None = None,
    ) -> None:
        self.status = status
        self.error_code = error_code
        self.error_msg = error_msg
        self.error_detail = error_detail
        self.request_id = request_id
        self.retry_after = retry_after
        self.hint = hint_for(error_code, status, error_msg)
        super().__init__(method=method, path=path, attempts=attempts)

    def __str__(self) -> str:
        text = f"{self._where()}: HTTP {self.status} {self.error_code}: {self.error_msg}"
        if self.error_detail:
            text += f" ({self.error_detail})"
        if self.request_id:
            text += f" (request id {self.request_id})"
        if self.hint:
            text += f". Hint: {self.hint}"
        return text


class AuthError(ApiError):
    """Credentials, token, signature, project or permission were refused."""


class NotFoundError(ApiError):
    """The object (or the API path) does not exist."""


class ConflictError(ApiError):
    """A duplicate, or a change the object's current state does not allow."""


class ThrottledError(ApiError):
    """Too many requests; `retry_after` says how long the service asked to wait."""


class ServerError(ApiError):
    """The service failed (5xx); the request may be retried."""


# What to do next, per known code. Gateway codes appear as both APIG.xxxx and APIGW.xxxx.
HINTS: dict[str, str] = {
    "MSGSMS.0001": "the service failed internally; retry later and quote the request id "
    "if it persists",
    "MSGSMS.0002": "a field is invalid: check it against the API reference "
    "(`python -m providers validate <catalog>` finds most such problems without any API call)",
    "MSGSMS.0003": "the credentials were refused: check accessKey/secretKey or the IAM user, "
    "and that the project id belongs to this region",
    "MSGSMS.0004": "a signature with this name and type already exists in the account "
    "(possibly under another app): adopt it (adopt: true) or choose another name",
    "MSGSMS.0005": "the signature does not exist in this region: check the id and the region",
    "MSGSMS.0006": "a signature with this name and type already exists in the account "
    "(possibly under another app): adopt it (adopt: true) or choose another name",
    "MSGSMS.0007": "only a rejected signature can be changed: wait for the review outcome, "
    "or replace the signature with a new one",
    "MSGSMS.0008": "a template with this name already exists in the app: adopt it "
    "(adopt: true) or choose another name",
    "MSGSMS.0009": "the template does not exist in this region: check the id and the region",
    "MSGSMS.0010": "only a rejected template can be changed: to change an approved or "
    "reviewing template, create a new one",
    "MSGSMS.0011": "the signature file does not exist: upload it again in this region",
    "MSGSMS.0012": "sign_id is not the id of a signature of this app: use the signature's "
    "`id` (not its name) from the same region",
    "MSGSMS.0013": "Message & SMS is not activated for this account in this region: "
    "activate it in the console first",
    "MSGSMS.0014": "the app does not exist in this region: check app_id (the app's `id`, "
    "not its app_key) and the region",
    "MSGSMS.0076": "the app does not exist in this region: check app_id and the region",
    "APIG.0101": "the endpoint does not serve this API: check the region and the endpoint "
    "overrides (msgsms:endpoints)",
    "APIG.0201": "the gateway refused or could not forward the request: check its size, "
    "then retry later",
    "APIG.0301": "the credentials were refused: check accessKey/secretKey (or iamUser, "
    "iamPassword, iamDomain), that the project id belongs to this region, and that the "
    "clock is within 15 minutes of the real time",
    "APIG.0302": "the IAM user lacks permission for Message & SMS: grant it an SMS policy "
    "(e.g. SMS FullAccess) in IAM",
    "APIG.0303": "the app credentials were refused: check app_key and app_secret",
    "APIG.0308": "requests are being throttled: slow down and retry later",
    "E000001": "the send request lacked WSSE authentication: check app_key and app_secret",
    "E000020": "the send request lacked the X-WSSE header: check app_key and app_secret",
    "E000045": "the app's AK/SK signature was refused: check app_key, app_secret and the clock",
    "E000101": "the app credentials were refused: check app_key and app_secret",
    "E000102": "app_key is not valid: use the app_key of an app in this region",
    "E000111": "no account owns this app_key: use the app_key of an app in this region",
    "E000112": "the account is frozen: contact Huawei Cloud support",
    "E000503": "a send parameter is malformed: check templateId, the numbers and "
    "templateParas (a JSON array of non-empty strings)",
    "E000620": "the calling IP is not in the app's IP whitelist: add it in the console",
}

_STATUS_HINTS = {
    401: "the credentials were refused: check them and the project id of this region",
    403: "the caller is not allowed to do this: check the IAM user's permissions",
    429: "requests are being throttled: slow down and retry later",
}

_NOT_FOUND_CODES = frozenset(
    {"MSGSMS.0005", "MSGSMS.0009", "MSGSMS.0011", "MSGSMS.0014", "MSGSMS.0076", "APIG.0101"}
)
_CONFLICT_CODES = frozenset(
    {"MSGSMS.0004", "MSGSMS.0006", "MSGSMS.0007", "MSGSMS.0008", "MSGSMS.0010"}
)
_AUTH_CODES = frozenset({"MSGSMS.0003", "APIG.0301", "APIG.0302", "APIG.0303", "E000045"})


def _normalise_code(code: str) -> str:
    return "APIG." + code[6:] if code.startswith("APIGW.") else code


_SECURITY_TOKEN_HINT = (
    "the temporary credentials were refused: their security token is missing, not theirs or "
    "expired. Get a new access key, secret key and security token together and set all three "
    "(msgsms:accessKey, msgsms:secretKey, msgsms:securityToken, or HUAWEICLOUD_SDK_AK, "
    "HUAWEICLOUD_SDK_SK, HUAWEICLOUD_SDK_SECURITY_TOKEN)"
)


def hint_for(error_code: str, status: int, error_msg: str = "") -> str | None:
    """The next step for a known error code (or, failing that, for the HTTP status)."""
    code = _normalise_code(error_code)
    if code == "APIG.0301" and "security token" in error_msg.lower():
        return _SECURITY_TOKEN_HINT
    return HINTS.get(code) or _STATUS_HINTS.get(status)


def _is_send_auth_code(code: str) -> bool:
    # SMSApi: E000001-E000024 are WSSE header problems, E0001xx are app key/secret failures.
    if code in {"E000101", "E000102", "E000111", "E000112"}:
        return True
    number = code[5:] if len(code) == 7 and code.startswith("E0000") else ""
    return number.isdigit() and 1 <= int(number) <= 24


def _error_class(status: int, code: str) -> type[ApiError]:
    code = _normalise_code(code)
    if status in (401, 403) or code in _AUTH_CODES or _is_send_auth_code(code):
        return AuthError
    if status == 404 or code in _NOT_FOUND_CODES:
        return NotFoundError
    if status == 409 or code in _CONFLICT_CODES:
        return ConflictError
    if status == 429 or code == "APIG.0308":
        return ThrottledError
    if status >= 500:
        return ServerError
    return ApiError


def _find_error_fields(body: Any) -> tuple[str, str, str | None] | None:
    """`(code, message, detail)` from a JSON error body, in the same order of preference as
    Huawei's SDK: error_code/error_msg, errorCode/errorMsg, code/message (IAM nests it under
    "error"), code/description (SMSApi)."""
    if not isinstance(body, dict):
        return None
    for code_key, msg_key in (
        ("error_code", "error_msg"),
        ("errorCode", "errorMsg"),
        ("code", "message"),
        ("code", "description"),
    ):
        if code_key in body or msg_key in body:
            detail = body.get("error_detail")
            return (
                str(body.get(code_key, "")),
                str(body.get(msg_key, "")),
                str(detail) if detail else None,
            )
    for value in body.values():
        found = _find_error_fields(value)
        if found:
            return found
    return None


def _retry_after_seconds(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def api_error_from_response(response: httpx.Response, *, path: str, attempts: int = 1) -> ApiError:
    """Translate an HTTP error response (or an SMSApi failure `code`) into an `ApiError`."""
    status = response.status_code
    try:
        body = json.loads(response.content) if response.content else None
    except ValueError:
        body = None
    fields = _find_error_fields(body)
    if fields is None:
        text = response.text.strip()
        code, message, detail = str(status), text[:500] or response.reason_phrase, None
    else:
        code, message, detail = fields
    request_id = response.headers.get("X-Request-Id")
    if not request_id and isinstance(body, dict):
        request_id = body.get("request_id")
    return _error_class(status, code)(
        status=status,
        error_code=code or str(status),
        error_msg=message,
        error_detail=detail,
        request_id=request_id,
        method=response.request.method,
        path=path,
        attempts=attempts,
        retry_after=_retry_after_seconds(response),
    )


def transport_error_from_httpx(
    exc: httpx.TransportError, *, method: str, path: str, attempts: int = 1
) -> TransportError:
    """Translate an httpx transport failure; the reason is its class and text (a URL at most)."""
    reason = type(exc).__name__ + (f": {exc}" if str(exc) else "")
    return TransportError(reason, method=method, path=path, attempts=attempts)
