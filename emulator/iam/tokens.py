"""IAM tokens: issued by ``POST /v3/auth/tokens``, checked by the gateway on every call."""

from __future__ import annotations

import base64
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

from ..core.clock import Clock
from ..core.store import Store
from ..gateway.errors import AuthenticationFailed

__all__ = ["IssuedToken", "TokenScope", "TokenService"]


@dataclass(frozen=True)
class TokenScope:
    """What a token was issued for: a project, or the whole domain when ``project_id`` is None."""

    domain_id: str
    project_id: str | None
    expires_at: float


@dataclass(frozen=True)
class IssuedToken:
    token: str
    issued_at: float
    expires_at: float


class TokenService:
    """IAM tokens, persisted so they outlive a restart like real ones do."""

    def __init__(self, store: Store, clock: Clock, ttl_seconds: float = 24 * 3600) -> None:
        self._store = store
        self._clock = clock
        self.ttl_seconds = ttl_seconds

    def issue(self, domain_id: str, project_id: str | None) -> IssuedToken:
        issued_at = self._clock.now()
        # Shaped like Huawei's PKI tokens and about as long, so header limits get exercised.
        token = "MII" + base64.b64encode(secrets.token_bytes(768)).decode()
        expires_at = issued_at + self.ttl_seconds
        with self._store.transaction() as conn:
            conn.execute(
                "INSERT INTO tokens (token, project_id, domain_id, issued_at, expires_at)"
                " VALUES (?, ?, ?, ?, ?)",
                (token, project_id, domain_id, issued_at, expires_at),
            )
        return IssuedToken(token=token, issued_at=issued_at, expires_at=expires_at)

    def verify(self, token: str) -> TokenScope:
        with self._store.transaction() as conn:
            row = conn.execute(
                "SELECT project_id, domain_id, expires_at FROM tokens WHERE token = ?", (token,)
            ).fetchone()
        if row is None:
            raise AuthenticationFailed("decrypt token fail")
        if row["expires_at"] <= self._clock.now():
            expired = datetime.fromtimestamp(row["expires_at"], UTC).isoformat()
            raise AuthenticationFailed(f"token expires, expires_at: {expired}")
        return TokenScope(
            domain_id=row["domain_id"], project_id=row["project_id"], expires_at=row["expires_at"]
        )
