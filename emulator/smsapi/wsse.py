"""The classic WSSE UsernameToken authentication of the send API (reference §3.3b).

``Authorization: WSSE realm="SDP",profile="UsernameToken",type="Appkey"`` plus ``X-WSSE:
UsernameToken Username="<app_key>",PasswordDigest="…",Nonce="…",Created="…"``. The digest is
Base64 of SHA-256 over ``Nonce + Created + app_secret``; Huawei's documented formula takes the
raw hash, its samples the lowercase hex string of it, so both are accepted. ``Created`` must be
within 24 hours of the emulator's clock. Each missing or wrong part has its own result code.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import UTC, datetime

from .errors import SmsapiError

__all__ = [
    "CREATED_FORMAT",
    "MAX_CREATED_SKEW_SECONDS",
    "UsernameToken",
    "check_authorization",
    "parse_username_token",
    "password_digests",
    "verify_username_token",
]

CREATED_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
MAX_CREATED_SKEW_SECONDS = 24 * 3600
_PARAMETER = re.compile(r'(\w+)\s*=\s*"([^"]*)"')
_NONCE = re.compile(r"^[0-9A-Za-z]{1,128}$")


def _parameters(text: str) -> dict[str, str]:
    return {key.lower(): value for key, value in _PARAMETER.findall(text)}


def check_authorization(header: str | None) -> None:
    """The ``Authorization`` header of a WSSE request; raises the code of its first problem."""
    if not header or not header.strip():
        raise SmsapiError("E000001")
    scheme, _, rest = header.strip().partition(" ")
    if scheme != "WSSE":
        raise SmsapiError("E000008", f"The scheme is {scheme!r}.")
    parameters = _parameters(rest)
    realm, profile, kind = (parameters.get(k) for k in ("realm", "profile", "type"))
    if realm is None:
        raise SmsapiError("E000002")
    if profile is None:
        raise SmsapiError("E000003")
    if realm != "SDP":
        raise SmsapiError("E000004", f"It is {realm!r}.")
    if profile != "UsernameToken":
        raise SmsapiError("E000005", f"It is {profile!r}.")
    if kind is None:
        raise SmsapiError("E000007")
    if kind != "Appkey":
        raise SmsapiError("E000006", f"It is {kind!r}.")


@dataclass(frozen=True)
class UsernameToken:
    username: str
    password_digest: str
    nonce: str
    created: str


def parse_username_token(header: str | None) -> UsernameToken:
    """The ``X-WSSE`` header; raises the code of the first missing part."""
    if not header or not header.strip().startswith("UsernameToken"):
        raise SmsapiError("E000020")
    parameters = _parameters(header.strip().removeprefix("UsernameToken"))
    for name, code in (
        ("username", "E000021"),
        ("nonce", "E000022"),
        ("created", "E000023"),
        ("passworddigest", "E000024"),
    ):
        if not parameters.get(name):
            raise SmsapiError(code)
    return UsernameToken(
        username=parameters["username"],
        password_digest=parameters["passworddigest"],
        nonce=parameters["nonce"],
        created=parameters["created"],
    )


def password_digests(nonce: str, created: str, app_secret: str) -> tuple[str, str]:
    """The digest as Huawei's samples send it (Base64 of the hex string), then of the raw hash."""
    digest = hashlib.sha256((nonce + created + app_secret).encode())
    return (
        base64.b64encode(digest.hexdigest().encode()).decode(),
        base64.b64encode(digest.digest()).decode(),
    )


def verify_username_token(token: UsernameToken, app_secret: str, now: float) -> None:
    """Raise ``E000101`` unless nonce, creation time and digest are right for ``app_secret``."""
    if not _NONCE.match(token.nonce):
        raise SmsapiError("E000101", "Nonce must be 1-128 letters and digits.")
    try:
        created = datetime.strptime(token.created, CREATED_FORMAT).replace(tzinfo=UTC)
    except ValueError:
        raise SmsapiError(
            "E000101", f"Created {token.created!r} is not yyyy-MM-ddTHH:mm:ssZ (UTC)."
        ) from None
    if abs(now - created.timestamp()) > MAX_CREATED_SKEW_SECONDS:
        raise SmsapiError("E000101", "Created is more than 24 hours from the server time.")
    if not any(
        hmac.compare_digest(expected, token.password_digest)
        for expected in password_digests(token.nonce, token.created, app_secret)
    ):
        raise SmsapiError("E000101", "PasswordDigest does not match.")
