"""The send side of one emulator: sending, callbacks, uplink, outcomes, usage and settings."""

from __future__ import annotations

import sqlite3
from typing import Any

from ..gateway.signing import AkskVerifier, SigningKey
from ..msgsms.backend import MsgsmsBackend
from . import optouts
from .callbacks import CallbackOutbox, CallbackWorker
from .reports import DeliveryOutcomes, load_outcomes, save_outcomes
from .schema import SMSAPI_SCHEMA
from .sending import SendService
from .settings import SendingSettings, load_settings, save_settings
from .uplink import UplinkService
from .usage import UsageLedger

__all__ = ["SmsapiBackend"]

_TABLES = (
    "callbacks",
    "usage",
    "messages",
    "delivery_outcomes",
    "sending_settings",
    "opt_outs",
)


class SmsapiBackend:
    def __init__(self, msgsms: MsgsmsBackend) -> None:
        ctx = msgsms.ctx
        ctx.store.migrate("smsapi", SMSAPI_SCHEMA)
        self.ctx = ctx
        self.msgsms = msgsms
        with ctx.store.transaction() as conn:
            self.settings = load_settings(conn)
        #: Verifies SDK-HMAC-SHA256 signatures made with an app's key and secret.
        self.app_signatures = AkskVerifier(ctx.clock, self._app_key)
        self.outbox = CallbackOutbox(ctx.store, ctx.clock, lambda: self.settings.retry_policy())
        self.callbacks = CallbackWorker(self.outbox)
        self.ledger = UsageLedger(ctx.store, ctx.clock)
        self.sender = SendService(msgsms, self.ledger, self.outbox, lambda: self.settings)
        self.uplink = UplinkService(ctx, self.outbox)

    def _app_key(self, app_key: str) -> SigningKey | None:
        with self.ctx.store.transaction() as conn:
            app = self.msgsms.app_by_key(conn, app_key)
        return SigningKey(str(app["app_secret"])) if app is not None else None

    def configure(self, settings: SendingSettings) -> None:
        with self.ctx.store.transaction() as conn:
            save_settings(conn, settings)
        self.settings = settings

    def outcomes(self) -> DeliveryOutcomes:
        with self.ctx.store.transaction() as conn:
            return load_outcomes(conn)

    def set_outcomes(self, outcomes: DeliveryOutcomes) -> None:
        with self.ctx.store.transaction() as conn:
            save_outcomes(conn, outcomes)

    def usage(self, month: str | None = None) -> dict[str, Any]:
        """The usage and cost of ``month`` (default: this Beijing month)."""
        month = month or self.ledger.current_month()
        return self.ledger.summary(month, self.settings.international_prices)

    def opt_outs(self, app_id: str | None = None) -> list[dict[str, Any]]:
        with self.ctx.store.transaction() as conn:
            return optouts.listing(conn, app_id)

    def opt_out(self, signature_id: str, number: str) -> dict[str, Any]:
        """Put ``number`` on the opt-out list of a signature (as an R reply would)."""
        with self.ctx.store.transaction() as conn:
            signature = conn.execute(
                "SELECT * FROM signatures WHERE id = ?", (signature_id,)
            ).fetchone()
            if signature is None:
                raise LookupError(signature_id)
            optouts.add(conn, signature, number, "admin", self.ctx.clock.now())
            return next(
                entry
                for entry in optouts.listing(conn)
                if entry["signature_id"] == signature_id and entry["number"] == number
            )

    def opt_in(self, signature_id: str, number: str) -> bool:
        """Take ``number`` off a signature's opt-out list; whether it was on it."""
        with self.ctx.store.transaction() as conn:
            return optouts.remove(conn, signature_id, number)

    def messages(self, region: str | None) -> list[dict[str, object]]:
        sql = "SELECT * FROM messages"
        params: list[str] = []
        if region:
            sql += " WHERE endpoint_region = ?"
            params.append(region)
        with self.ctx.store.transaction() as conn:
            return [dict(row) for row in conn.execute(sql + " ORDER BY seq", params)]

    def reset(self, conn: sqlite3.Connection) -> None:
        """Reset hook: wipe messages, callbacks, usage, outcomes and settings."""
        for table in _TABLES:
            conn.execute(f"DELETE FROM {table}")
        self.settings = SendingSettings()
        self.app_signatures.reset()
