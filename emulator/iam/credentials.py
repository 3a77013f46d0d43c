"""Temporary access keys: an access key, a secret key and a security token that expire.

Huawei's IAM issues them (``POST /v3.0/OS-CREDENTIAL/securitytokens``, 900 seconds to 24 hours,
900 by default) to federated users, agencies and ECS instances; the emulator issues them
through its admin API (``POST /_emulator/temporary-credentials``) and answers in IAM's shape.
A request signed with a temporary access key must carry its security token in
``X-Security-Token`` before the token expires on the emulator's clock; the gateway refuses it
otherwise, as it refuses any bad signature (401 ``APIG.0301``).
"""

from __future__ import annotations

import base64
import secrets
import string
from typing import Any

from ..core.clock import Clock, iso_time
from ..core.store import Store
from ..gateway.signing import SigningKey

__all__ = [
    "DEFAULT_DURATION_SECONDS",
    "DURATION_RANGE",
    "TEMPORARY_CREDENTIALS_SCHEMA",
    "TemporaryCredentials",
]

#: IAM's range for ``duration_seconds`` of a temporary access key, and its default.
DURATION_RANGE = (900, 86400)
DEFAULT_DURATION_SECONDS = 900

TEMPORARY_CREDENTIALS_SCHEMA: list[str] = [
    """
    CREATE TABLE temporary_credentials (
        access TEXT PRIMARY KEY,
        secret TEXT NOT NULL,
        security_token TEXT NOT NULL,
        issued_at REAL NOT NULL,
        expires_at REAL NOT NULL
    );
    """,
]
_ACCESS_ALPHABET = string.ascii_uppercase + string.digits
_SECRET_ALPHABET = string.ascii_letters + string.digits


def _random(alphabet: str, length: int) -> str:
    return "".join(secrets.choice(alphabet) for _ in range(length))


class TemporaryCredentials:
    """Issued temporary access keys, kept in the database like the account's own."""

    def __init__(self, store: Store, clock: Clock) -> None:
        store.migrate("temporary_credentials", TEMPORARY_CREDENTIALS_SCHEMA)
        self._store = store
        self._clock = clock

    def issue(self, duration_seconds: float = DEFAULT_DURATION_SECONDS) -> dict[str, Any]:
        """A new key pair and token valid ``duration_seconds``, as IAM's ``credential``."""
        issued_at = self._clock.now()
        access = _random(_ACCESS_ALPHABET, 20)
        secret = _random(_SECRET_ALPHABET, 40)
        # Shaped like Huawei's tokens (long, Base64), so header limits get exercised.
        token = "gQ" + base64.b64encode(secrets.token_bytes(600)).decode()
        expires_at = issued_at + duration_seconds
        with self._store.transaction() as conn:
            conn.execute(
                "INSERT INTO temporary_credentials (access, secret, security_token, issued_at,"
                " expires_at) VALUES (?, ?, ?, ?, ?)",
                (access, secret, token, issued_at, expires_at),
            )
        return {
            "access": access,
            "secret": secret,
            "securitytoken": token,
            "expires_at": iso_time(expires_at),
        }

    def key(self, access: str) -> SigningKey | None:
        """The signing key of a temporary access key, expired or not; None if unknown."""
        with self._store.transaction() as conn:
            row = conn.execute(
                "SELECT secret, security_token, expires_at FROM temporary_credentials"
                " WHERE access = ?",
                (access,),
            ).fetchone()
        if row is None:
            return None
        return SigningKey(row["secret"], row["security_token"], row["expires_at"])
