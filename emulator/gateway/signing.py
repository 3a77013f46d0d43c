"""SDK-HMAC-SHA256 signatures checked as Huawei's API gateway checks them.

The check recomputes the signature from the request *as received* (reference §3.2):
the ``SignedHeaders`` list the client sent, the decoded path re-encoded segment by segment with
a trailing slash, the query re-encoded and sorted, ``UNSIGNED-PAYLOAD`` when the client said so,
and a 15-minute limit on clock skew. The verifier takes a key lookup, so the send side can use
it with app keys as well as the account's AK/SK. A temporary access key comes with a security
token: the request must carry it in ``X-Security-Token`` (Huawei's SDK adds the header before
signing, so it is among the signed headers) before it expires.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import quote, unquote

from ..core.clock import Clock
from .errors import AuthenticationFailed

__all__ = [
    "ALGORITHM",
    "EMPTY_PAYLOAD_SHA256",
    "MAX_CLOCK_SKEW_SECONDS",
    "AkskVerifier",
    "SignedRequest",
    "SigningKey",
    "canonical_query",
    "canonical_request",
    "canonical_uri",
    "compute_signature",
]

ALGORITHM = "SDK-HMAC-SHA256"
EMPTY_PAYLOAD_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
MAX_CLOCK_SKEW_SECONDS = 15 * 60
#: More than this many consecutive AK/SK failures lock the key (reference §2.2).
FAILURES_BEFORE_LOCKOUT = 5
LOCKOUT_SECONDS = 5 * 60
DATE_FORMAT = "%Y%m%dT%H%M%SZ"

_AUTHORIZATION = re.compile(
    r"^SDK-HMAC-SHA256\s+Access=(?P<access>[^,\s]+),\s*SignedHeaders=(?P<headers>[^,\s]+),"
    r"\s*Signature=(?P<signature>[0-9a-fA-F]+)\s*$"
)


@dataclass(frozen=True)
class SigningKey:
    """The secret of an access key; a temporary one also has a security token and an expiry."""

    secret: str
    security_token: str | None = None
    expires_at: float | None = None


@dataclass(frozen=True)
class SignedRequest:
    """What the verifier needs from an HTTP request, exactly as it arrived."""

    method: str
    path: str  # percent-decoded, as ASGI gives it
    query: str  # raw query string
    headers: Sequence[tuple[str, str]]  # names lower-cased
    body: bytes

    def header(self, name: str) -> str | None:
        return next((v for k, v in self.headers if k == name), None)


def canonical_uri(path: str) -> str:
    encoded = "/".join(quote(segment, safe="~") for segment in unquote(path).split("/"))
    return encoded if encoded.endswith("/") else encoded + "/"


def canonical_query(raw_query: str) -> str:
    # "+" is kept literally (RFC 3986), as the SDK encodes a space as %20 and "+" as %2B.
    pairs: list[tuple[str, str]] = []
    for part in raw_query.split("&"):
        if not part:
            continue
        key, _, value = part.partition("=")
        pairs.append((unquote(key), unquote(value)))
    pairs.sort()
    return "&".join(f"{quote(k, safe='~')}={quote(v, safe='~')}" for k, v in pairs)


def _payload_hash(request: SignedRequest) -> str:
    if not request.body:
        return EMPTY_PAYLOAD_SHA256
    declared = request.header("x-sdk-content-sha256")
    if declared:
        return declared
    return hashlib.sha256(request.body).hexdigest()


def canonical_request(request: SignedRequest, signed_headers: Sequence[str]) -> str:
    lines = []
    for name in signed_headers:
        value = request.header(name)
        if value is None:
            raise AuthenticationFailed(f"verify aksk signature fail: signed header {name} absent")
        lines.append(f"{name}:{value.strip()}")
    return "\n".join(
        [
            request.method.upper(),
            canonical_uri(request.path),
            canonical_query(request.query),
            "\n".join(lines) + "\n",
            ";".join(signed_headers),
            _payload_hash(request),
        ]
    )


def compute_signature(
    secret_key: str, request: SignedRequest, signed_headers: Sequence[str], sdk_date: str
) -> str:
    digest = hashlib.sha256(canonical_request(request, signed_headers).encode()).hexdigest()
    string_to_sign = f"{ALGORITHM}\n{sdk_date}\n{digest}"
    return hmac.new(secret_key.encode(), string_to_sign.encode(), hashlib.sha256).hexdigest()


class AkskVerifier:
    """Checks ``Authorization: SDK-HMAC-SHA256 ...`` and locks keys that keep failing."""

    def __init__(self, clock: Clock, key_for: Callable[[str], SigningKey | None]) -> None:
        self._clock = clock
        self._key_for = key_for
        self._lock = threading.Lock()
        self._failures: dict[str, int] = {}
        self._locked_until: dict[str, float] = {}

    def reset(self) -> None:
        with self._lock:
            self._failures.clear()
            self._locked_until.clear()

    def verify(self, request: SignedRequest) -> str:
        """The access key that signed ``request``; raises :class:`AuthenticationFailed`."""
        authorization = request.header("authorization") or ""
        match = _AUTHORIZATION.match(authorization)
        if match is None:
            raise AuthenticationFailed("verify aksk signature fail: malformed Authorization")
        access = match["access"]
        now = self._clock.now()
        with self._lock:
            if self._locked_until.get(access, 0.0) > now:
                raise AuthenticationFailed("AK access failed to reach the limit,forbidden")
        try:
            self._check(request, access, match["headers"], match["signature"].lower(), now)
        except AuthenticationFailed:
            with self._lock:
                count = self._failures.get(access, 0) + 1
                self._failures[access] = count
                if count > FAILURES_BEFORE_LOCKOUT:
                    self._locked_until[access] = now + LOCKOUT_SECONDS
                    self._failures[access] = 0
            raise
        with self._lock:
            self._failures.pop(access, None)
        return access

    def _check(
        self, request: SignedRequest, access: str, headers: str, signature: str, now: float
    ) -> None:
        # The key and its security token first: an expired token says so even when the
        # request's date is off too (a client that kept a temporary key past its expiry).
        key = self._key_for(access)
        if key is None:
            raise AuthenticationFailed("verify aksk signature fail: unknown access key")
        if key.security_token is not None:
            _check_security_token(request, key, now)
        sdk_date = request.header("x-sdk-date")
        if not sdk_date:
            raise AuthenticationFailed("verify aksk signature fail: x-sdk-date not found")
        try:
            signed_at = datetime.strptime(sdk_date, DATE_FORMAT).replace(tzinfo=UTC).timestamp()
        except ValueError:
            raise AuthenticationFailed(
                f"verify aksk signature fail: x-sdk-date {sdk_date!r} is not YYYYMMDDTHHMMSSZ"
            ) from None
        if abs(now - signed_at) > MAX_CLOCK_SKEW_SECONDS:
            raise AuthenticationFailed("calc ak sk signature fail:signature expired")
        signed_headers = headers.split(";")
        expected = compute_signature(key.secret, request, signed_headers, sdk_date)
        if not hmac.compare_digest(expected, signature):
            raise AuthenticationFailed("verify aksk signature fail")


def _check_security_token(request: SignedRequest, key: SigningKey, now: float) -> None:
    token = request.header("x-security-token")
    if not token:
        raise AuthenticationFailed(
            "verify aksk signature fail: x-security-token not found (a temporary access key"
            " needs its security token)"
        )
    if not hmac.compare_digest(token, key.security_token or ""):
        raise AuthenticationFailed("verify aksk signature fail: the security token is invalid")
    if key.expires_at is not None and key.expires_at <= now:
        expired = datetime.fromtimestamp(key.expires_at, UTC).isoformat()
        raise AuthenticationFailed(f"security token expires, expires_at: {expired}")
